"""Domain errors raised by services. The API turns them into ``{"error": {...}}``; pages into messages."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
        if status is not None:
            self.status = status


class ConflictError(DomainError):
    status = 409

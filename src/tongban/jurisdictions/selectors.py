"""Reads over divisions: subtrees and ancestors by materialised path."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Department, Division


def normalize_code(code: str) -> str:
    return code.strip().ljust(12, "0")


def get_division(code: str) -> Division | None:
    return Division.objects.filter(code=normalize_code(code)).select_related("parent").first()


def subtree(division: Division) -> QuerySet[Division]:
    return Division.objects.filter(path__startswith=division.path)


def ancestor_codes(division: Division) -> list[str]:
    return [c for c in division.path.split("/") if c]


def departments_in(division: Division) -> QuerySet[Department]:
    return Department.objects.filter(division__path__startswith=division.path).select_related("division")

"""The case domain's tables: single cases and bundle cases, their append-only events, materials and keys."""

from .bundle_case import BundleCase, BundleCaseEvent, BundleMaterial, JointStep
from .case import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberSequence,
    Channel,
    SupervisionNotice,
    Suspension,
    Visit,
)
from .idempotency import IdempotencyKey

__all__ = [
    "BundleCase",
    "BundleCaseEvent",
    "BundleMaterial",
    "Case",
    "CaseEvent",
    "CaseMaterial",
    "CaseNumberSequence",
    "Channel",
    "IdempotencyKey",
    "JointStep",
    "SupervisionNotice",
    "Suspension",
    "Visit",
]

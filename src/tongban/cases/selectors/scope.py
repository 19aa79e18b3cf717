"""The policy's scopes as queries: which cases and bundle cases an actor may see (domain.policy.scope_of)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.core.actor import actor_of

from ..domain.policy import Scope, ScopeKind, scope_of
from ..models import BundleCase, Case


def case_scope_filter(scope: Scope) -> Q | None:
    """The condition on Case rows for a scope; None: every case."""
    kind = scope.kind
    if kind is ScopeKind.EVERYTHING:
        return None
    if kind is ScopeKind.OWN:
        return Q(applicant_id=scope.user_id) | Q(agent_id=scope.user_id)
    if kind is ScopeKind.CENTRE:
        return Q(receiving_centre_id=scope.centre_id)
    if kind is ScopeKind.DEPARTMENT:
        return Q(deciding_department_id=scope.department_id)
    if kind is ScopeKind.JURISDICTION:
        return Q(deciding_division__path__startswith=scope.division_path)
    return Q(pk__in=[])  # NOTHING


def visible_cases(who: object, qs: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases the actor (or user) may see (drafts too: the pages show a draft to its author alone)."""
    qs = Case.objects.all() if qs is None else qs
    scope = scope_of(actor_of(who))
    if scope.kind is ScopeKind.NOTHING:
        return qs.none()
    condition = case_scope_filter(scope)
    return qs if condition is None else qs.filter(condition)


def visible_bundle_cases(who: object, qs: QuerySet[BundleCase] | None = None) -> QuerySet[BundleCase]:
    """Bundle cases by the same scopes; "their department" is one deciding an item, a jurisdiction covers the
    receiving division and every item's division."""
    qs = BundleCase.objects.all() if qs is None else qs
    scope = scope_of(actor_of(who))
    kind = scope.kind
    if kind is ScopeKind.EVERYTHING:
        return qs
    if kind is ScopeKind.OWN:
        return qs.filter(applicant_id=scope.user_id)
    if kind is ScopeKind.CENTRE:
        return qs.filter(receiving_centre_id=scope.centre_id)
    items = Case.objects.filter(bundle_case__isnull=False)
    if kind is ScopeKind.DEPARTMENT:
        return qs.filter(pk__in=items.filter(deciding_department_id=scope.department_id).values("bundle_case_id"))
    if kind is ScopeKind.JURISDICTION:
        path = scope.division_path
        decided_here = items.filter(deciding_division__path__startswith=path).values("bundle_case_id")
        return qs.filter(Q(receiving_division__path__startswith=path) | Q(pk__in=decided_here))
    return qs.none()

"""The policy's scopes as queries: which cases and bundle cases an actor may see (domain.policy.scope_of)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.core.actor import actor_of

from ..domain.policy import Scope, ScopeKind, scope_of
from ..domain.workflow import CaseStatus
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
    """The cases the actor (or user) may see (policy.may_see_case): those in their scope, and of drafts only
    their own (a draft is no application yet: not even its proxy or the office sees it)."""
    qs = Case.objects.all() if qs is None else qs
    scope = scope_of(actor_of(who))
    if scope.kind is ScopeKind.NOTHING:
        return qs.none()
    condition = case_scope_filter(scope) or Q()
    draft = Q(status=CaseStatus.DRAFT.value)
    if scope.kind is ScopeKind.OWN:
        return qs.filter((~draft & condition) | (draft & Q(applicant_id=scope.user_id)))
    return qs.filter(condition).exclude(draft)


def visible_bundle_cases(who: object, qs: QuerySet[BundleCase] | None = None) -> QuerySet[BundleCase]:
    """Bundle cases by the same scopes; "their department" is one deciding an item, a jurisdiction covers the
    receiving division and every item's division; drafts their author's alone."""
    qs = BundleCase.objects.all() if qs is None else qs
    scope = scope_of(actor_of(who))
    kind = scope.kind
    if kind is ScopeKind.OWN:
        return qs.filter(applicant_id=scope.user_id)
    qs = qs.exclude(phase=BundleCase.Phase.DRAFT)  # a draft is its author's alone (policy.may_see_bundle)
    if kind is ScopeKind.EVERYTHING:
        return qs
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

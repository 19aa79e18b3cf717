"""Who may act where: role checks and division scoping for staff (used by every app's admin and views).

Scoping rule: a system administrator (or a Django superuser) may act everywhere; any other staff member acts
in the subtree of their own division (``Division.path`` starts with theirs); anyone else acts nowhere.
The functions take any object with the User attributes, so they also work on unsaved or test doubles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .roles import CATALOGUE_EDITOR_ROLES, AccountKind, Role


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_system_admin(user: Any) -> bool:
    if not _active(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "kind", "") == AccountKind.STAFF and getattr(user, "role", "") == Role.SYSTEM_ADMIN


def is_staff_member(user: Any) -> bool:
    """A working account of the platform (any role), as opposed to a citizen or an enterprise."""
    return _active(user) and getattr(user, "kind", "") == AccountKind.STAFF and bool(getattr(user, "role", ""))


def has_role(user: Any, *roles: Role | str) -> bool:
    return is_staff_member(user) and getattr(user, "role", "") in {str(r) for r in roles}


def is_catalogue_editor(user: Any) -> bool:
    """May edit, review and publish the catalogue (事项管理员, 系统管理员) in the admin site."""
    if is_system_admin(user):
        return True
    return is_staff_member(user) and bool(getattr(user, "is_staff", False)) and user.role in CATALOGUE_EDITOR_ROLES


def staff_division_paths(user: Any) -> tuple[str, ...] | None:
    """The ``Division.path`` prefixes the user manages.

    ``None`` means no limit (system administrator); an empty tuple means nothing at all (citizens,
    enterprises, anonymous users, staff without a division).
    """
    if is_system_admin(user):
        return None
    if not is_staff_member(user):
        return ()
    division = getattr(user, "division", None)
    path = getattr(division, "path", "") if division is not None else ""
    return (path,) if path else ()


def can_manage_path(user: Any, path: str | None) -> bool:
    paths = staff_division_paths(user)
    if paths is None:
        return True
    if not path:
        return False
    return any(path.startswith(p) for p in paths)


def can_manage_division(user: Any, division: Any) -> bool:
    """True when ``division`` is the user's division or below it (or the user is a system administrator)."""
    if division is None:
        return staff_division_paths(user) is None
    return can_manage_path(user, division.path)


def can_manage_department(user: Any, department: Any) -> bool:
    if department is None:
        return staff_division_paths(user) is None
    return can_manage_division(user, department.division)


def filter_by_division(queryset: QuerySet, user: Any, path_lookup: str = "division__path") -> QuerySet:
    """Rows of ``queryset`` inside the user's subtree; ``path_lookup`` reaches a Division.path from a row
    (``"path"`` for Division itself, ``"implementation__division__path"`` for versions …)."""
    paths = staff_division_paths(user)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for p in paths:
        condition |= Q(**{f"{path_lookup}__startswith": p})
    return queryset.filter(condition)

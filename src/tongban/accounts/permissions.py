"""Who may act where, asked of a user object: role checks and division scoping for staff (used by every app's
admin and views).

The rules are the Actor's (``tongban.core.actor``): a system administrator (or a Django superuser) may act
everywhere; any other staff member acts in the subtree of their own division (``Division.path`` starts with
theirs); anyone else acts nowhere. These helpers ask the user's actor (``User.actor``; anything without one,
such as ``AnonymousUser``, is anonymous), so there is one rule, whether code holds a user or an actor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tongban.core.actor import actor_of
from tongban.jurisdictions.scoping import within_divisions

from .roles import Role


def is_system_admin(user: Any) -> bool:
    return actor_of(user).system_admin


def is_staff_member(user: Any) -> bool:
    """A working account of the platform (any role), as opposed to a citizen or an enterprise."""
    return actor_of(user).staff


def has_role(user: Any, *roles: Role | str) -> bool:
    actor = actor_of(user)
    return actor.staff and actor.role in {str(r) for r in roles}


def is_catalogue_editor(user: Any) -> bool:
    """May edit, review and publish the catalogue (事项管理员, 系统管理员) in the admin site."""
    return actor_of(user).catalogue_editor


def staff_division_paths(user: Any) -> tuple[str, ...] | None:
    """The ``Division.path`` prefixes the user manages.

    ``None`` means no limit (system administrator); an empty tuple means nothing at all (citizens,
    enterprises, anonymous users, staff without a division).
    """
    return actor_of(user).division_paths()


def can_manage_path(user: Any, path: str | None) -> bool:
    return actor_of(user).manages_path(path)


def can_manage_division(user: Any, division: Any) -> bool:
    """True when ``division`` is the user's division or below it (or the user is a system administrator)."""
    return actor_of(user).manages_path(division.path if division is not None else None)


def can_manage_department(user: Any, department: Any) -> bool:
    return can_manage_division(user, department.division if department is not None else None)


def filter_by_division(queryset: QuerySet, user: Any, path_lookup: str = "division__path") -> QuerySet:
    """Rows of ``queryset`` inside the user's subtree; ``path_lookup`` reaches a Division.path from a row
    (``"path"`` for Division itself, ``"implementation__division__path"`` for versions …)."""
    return within_divisions(queryset, actor_of(user), path_lookup)

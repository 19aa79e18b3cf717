"""Who acts (pure; no Django): the typed actor every policy question is asked about.

An ``Actor`` is a snapshot of what the policies need to know of a signed-in account (its kind, role and the
department, division and service centre it is bound to), or of the platform itself acting on its own (a
scheduled job, a bundle starting a dependent item). Policies (``cases.domain.policy``, the admin's division
scoping) take an ``Actor``; they never look at a request or a user row themselves. The division scoping rule
is here (``division_paths``, ``manages_path``); ``jurisdictions.scoping`` applies it to querysets and
``accounts.permissions`` to user objects.

Account kinds and staff roles are the shared vocabulary of every app, so they live here with the actor;
``accounts.roles`` adds their Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class AccountKind(StrEnum):
    CITIZEN = "citizen"
    ENTERPRISE = "enterprise"
    STAFF = "staff"


class Role(StrEnum):
    WINDOW_CLERK = "window_clerk"
    APPROVER = "approver"
    DEPARTMENT_HEAD = "department_head"
    SUPERVISOR = "supervisor"
    CATALOGUE_ADMIN = "catalogue_admin"
    SYSTEM_ADMIN = "system_admin"


# Roles that may change the catalogue in the admin site (事项管理员, 系统管理员).
CATALOGUE_EDITOR_ROLES = frozenset({Role.CATALOGUE_ADMIN, Role.SYSTEM_ADMIN})


def parse_kind(value: str | None) -> AccountKind | None:
    try:
        return AccountKind(value) if value else None
    except ValueError:
        return None


def parse_role_value(value: str | None) -> Role | None:
    try:
        return Role(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """What a policy knows of whoever acts. Build it with ``accounts`` (``User.actor``), never by hand in
    views; tests build it directly."""

    user_id: int | None = None
    username: str = ""
    kind: AccountKind | None = None
    role: Role | None = None
    department_id: int | None = None
    division_code: str = ""
    division_path: str = ""  # the materialised Division.path ("/33/3306/330681/"): subtree tests are prefixes
    centre_id: int | None = None
    superuser: bool = False
    admin_site: bool = False  # may use the Django admin site (User.is_staff, which follows the role)
    active: bool = True
    system: bool = False  # the platform itself: no person, never a policy subject for seeing personal data
    via_bundle: bool = False  # acting on a bundle's item through the bundle (its front desk)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None and self.active

    @property
    def applicant(self) -> bool:
        """A citizen or an enterprise: applies, and sees only their own cases."""
        return self.authenticated and self.kind in (AccountKind.CITIZEN, AccountKind.ENTERPRISE)

    @property
    def staff(self) -> bool:
        """A working account with a role (window clerk, approver …)."""
        return self.authenticated and self.kind is AccountKind.STAFF and self.role is not None

    @property
    def staff_role(self) -> Role | None:
        return self.role if self.staff else None

    @property
    def system_admin(self) -> bool:
        return self.authenticated and (self.superuser or (self.staff and self.role is Role.SYSTEM_ADMIN))

    def has_role(self, *roles: Role) -> bool:
        return self.staff and self.role in roles

    @property
    def catalogue_editor(self) -> bool:
        """May edit, review and publish the catalogue in the admin site: a system administrator, or a catalogue
        role with admin-site access."""
        if self.system_admin:
            return True
        return self.staff and self.admin_site and self.role in CATALOGUE_EDITOR_ROLES

    # Division scoping, the one rule every admin, page and API uses: a system administrator (or a superuser)
    # acts everywhere; any other staff member in the subtree of their own division (Division.path starts with
    # theirs); anyone else nowhere. jurisdictions.scoping.within_divisions applies it to a queryset.

    def division_paths(self) -> tuple[str, ...] | None:
        """The Division.path prefixes the actor manages: None = no limit (system administrator); () = none
        (applicants, anonymous, inactive accounts, staff without a division)."""
        if self.system_admin:
            return None
        if not self.staff or not self.division_path:
            return ()
        return (self.division_path,)

    def manages_path(self, path: str | None) -> bool:
        """Whether a row whose Division.path is ``path`` lies in the actor's subtree ("" or None: only for an
        actor without limit)."""
        paths = self.division_paths()
        if paths is None:
            return True
        return bool(path) and any(str(path).startswith(p) for p in paths)

    def through_bundle(self) -> Actor:
        """The same actor acting on a bundle's item through its bundle."""
        return replace(self, via_bundle=True)

    @property
    def label(self) -> str:
        """What an event records as the actor's role: the staff role, else the account kind ("" for none)."""
        if self.role is not None and self.kind is AccountKind.STAFF:
            return self.role.value
        return self.kind.value if self.kind else ""


ANONYMOUS = Actor(active=False)
SYSTEM = Actor(username="系统", system=True)


def actor_of(user: object) -> Actor:
    """The actor of a user object (``User.actor``), an Actor itself, or ANONYMOUS for anything else
    (AnonymousUser, None)."""
    if isinstance(user, Actor):
        return user
    actor = getattr(user, "actor", None)
    return actor if isinstance(actor, Actor) else ANONYMOUS

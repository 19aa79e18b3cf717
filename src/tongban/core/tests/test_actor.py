"""The Actor's predicates (pure): division scoping and who edits the catalogue."""

from __future__ import annotations

from tongban.core.actor import ANONYMOUS, SYSTEM, AccountKind, Actor, Role, actor_of

ZHUJI = "/330000000000/330600000000/330681000000/"
JIYANG = ZHUJI + "330681001000/"
PINGHU = "/330000000000/330400000000/330482000000/"


def staff(role: Role, path: str = ZHUJI, **extra: object) -> Actor:
    return Actor(user_id=1, kind=AccountKind.STAFF, role=role, division_path=path, **extra)  # type: ignore[arg-type]


def test_staff_manage_their_division_subtree_only() -> None:
    clerk = staff(Role.WINDOW_CLERK)
    assert clerk.division_paths() == (ZHUJI,)
    assert clerk.manages_path(ZHUJI) and clerk.manages_path(JIYANG)
    assert not clerk.manages_path(PINGHU)
    assert not clerk.manages_path("/330000000000/330600000000/")  # above
    assert not clerk.manages_path("") and not clerk.manages_path(None)


def test_system_administrators_manage_everything_and_others_nothing() -> None:
    for admin in (staff(Role.SYSTEM_ADMIN, path=""), Actor(user_id=2, superuser=True)):
        assert admin.division_paths() is None
        assert admin.manages_path(PINGHU) and admin.manages_path(None)
    nobody = [
        ANONYMOUS,
        SYSTEM,
        Actor(user_id=3, kind=AccountKind.CITIZEN, division_path=ZHUJI),
        staff(Role.APPROVER, path=""),  # no division
        staff(Role.APPROVER, active=False),
    ]
    for actor in nobody:
        assert actor.division_paths() == (), actor
        assert not actor.manages_path(ZHUJI), actor


def test_catalogue_editors_need_the_role_and_the_admin_site() -> None:
    assert staff(Role.CATALOGUE_ADMIN, admin_site=True).catalogue_editor
    assert staff(Role.SYSTEM_ADMIN).catalogue_editor
    assert Actor(user_id=2, superuser=True).catalogue_editor
    assert not staff(Role.CATALOGUE_ADMIN).catalogue_editor  # no admin-site access
    assert not staff(Role.CATALOGUE_ADMIN, admin_site=True, active=False).catalogue_editor
    for role in (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR):
        assert not staff(role, admin_site=True).catalogue_editor
    assert not ANONYMOUS.catalogue_editor


def test_anything_without_an_actor_is_anonymous() -> None:
    assert actor_of(None) is ANONYMOUS
    assert actor_of(object()) is ANONYMOUS

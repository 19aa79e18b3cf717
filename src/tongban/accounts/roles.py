"""Labels and groupings of account kinds and staff roles (pure; no Django). The enums themselves are the
shared vocabulary in ``tongban.core.actor``."""

from __future__ import annotations

from tongban.core.actor import CATALOGUE_EDITOR_ROLES, AccountKind, Role

__all__ = ["CATALOGUE_EDITOR_ROLES", "AccountKind", "Role"]


ACCOUNT_KIND_LABELS = {
    AccountKind.CITIZEN: "自然人",
    AccountKind.ENTERPRISE: "法人",
    AccountKind.STAFF: "工作人员",
}

ROLE_LABELS = {
    Role.WINDOW_CLERK: "综合窗口受理人员",
    Role.APPROVER: "审批人员",
    Role.DEPARTMENT_HEAD: "部门负责人",
    Role.SUPERVISOR: "督办人员",
    Role.CATALOGUE_ADMIN: "事项管理员",
    Role.SYSTEM_ADMIN: "系统管理员",
}

# Roles that work in the Django admin (is_staff); those that may change the catalogue there are
# CATALOGUE_EDITOR_ROLES (tongban.core.actor, which asks Actor.catalogue_editor).
ADMIN_SITE_ROLES = frozenset({Role.CATALOGUE_ADMIN, Role.SYSTEM_ADMIN})

# What a staff account must be bound to. Approvers and department heads act for one department; every role
# except the system administrator works within a jurisdiction (its division subtree).
ROLES_REQUIRING_DEPARTMENT = frozenset({Role.APPROVER, Role.DEPARTMENT_HEAD})
ROLES_REQUIRING_DIVISION = frozenset(set(Role) - {Role.SYSTEM_ADMIN})


def parse_role(value: Role | str) -> Role:
    """The Role for a value or label ("approver", "审批人员"); ValueError with a Chinese message otherwise."""
    if isinstance(value, Role):
        return value
    for role, label in ROLE_LABELS.items():
        if value in (role.value, label):
            return role
    raise ValueError(f"未知的岗位角色：{value}")

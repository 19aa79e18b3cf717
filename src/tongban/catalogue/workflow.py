"""The one table of states and transitions for catalogue versions (pure; no Django).

draft → in_review → published → retired; a reviewer may send a version back to draft.
A published version never changes: an edit starts a new draft (see services.start_new_version).
"""

from __future__ import annotations

from enum import StrEnum


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    RETIRED = "retired"


class VersionAction(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    REJECT = "reject"
    PUBLISH = "publish"
    RETIRE = "retire"
    SUPERSEDE = "supersede"  # retired automatically because a newer version was published
    IMPORT = "import"


STATUS_LABELS = {
    VersionStatus.DRAFT: "草稿",
    VersionStatus.IN_REVIEW: "审核中",
    VersionStatus.PUBLISHED: "已发布",
    VersionStatus.RETIRED: "已停用",
}

ACTION_LABELS = {
    VersionAction.CREATE: "创建",
    VersionAction.EDIT: "修改",
    VersionAction.SUBMIT: "提交审核",
    VersionAction.REJECT: "退回修改",
    VersionAction.PUBLISH: "发布",
    VersionAction.RETIRE: "停用",
    VersionAction.SUPERSEDE: "被新版本替代",
    VersionAction.IMPORT: "导入",
}

TRANSITIONS: dict[tuple[VersionStatus, VersionAction], VersionStatus] = {
    (VersionStatus.DRAFT, VersionAction.SUBMIT): VersionStatus.IN_REVIEW,
    (VersionStatus.IN_REVIEW, VersionAction.REJECT): VersionStatus.DRAFT,
    (VersionStatus.IN_REVIEW, VersionAction.PUBLISH): VersionStatus.PUBLISHED,
    (VersionStatus.PUBLISHED, VersionAction.RETIRE): VersionStatus.RETIRED,
    (VersionStatus.PUBLISHED, VersionAction.SUPERSEDE): VersionStatus.RETIRED,
}

EDITABLE_STATUSES = frozenset({VersionStatus.DRAFT})


class TransitionNotAllowed(Exception):
    def __init__(self, status: VersionStatus, action: VersionAction):
        self.status, self.action = status, action
        super().__init__(f"“{STATUS_LABELS[status]}”状态的版本不能执行“{ACTION_LABELS[action]}”操作")


def next_status(status: str, action: str) -> VersionStatus:
    key = (VersionStatus(status), VersionAction(action))
    if key not in TRANSITIONS:
        raise TransitionNotAllowed(*key)
    return TRANSITIONS[key]


def allowed_actions(status: str) -> list[VersionAction]:
    return [a for (s, a) in TRANSITIONS if s == VersionStatus(status) and a != VersionAction.SUPERSEDE]

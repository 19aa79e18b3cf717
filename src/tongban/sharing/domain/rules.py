"""Which fields a request for shared data is given (pure; no Django).

The sharing catalogue says, per data resource, how it is shared (无条件 / 有条件 / 不予共享) and which fields
which role of which department may ask for which item, and on which conditions (a case it handles, the
subject's consent). Whether the requester handles the case is the case core's answer (cases.domain.policy),
passed in here as a fact: this module never decides it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class SharingType(StrEnum):
    UNCONDITIONAL = "unconditional"  # 无条件共享
    CONDITIONAL = "conditional"  # 有条件共享
    NOT_SHARED = "not_shared"  # 不予共享


SHARING_TYPE_LABELS = {
    SharingType.UNCONDITIONAL: "无条件共享",
    SharingType.CONDITIONAL: "有条件共享",
    SharingType.NOT_SHARED: "不予共享",
}


class Flag(StrEnum):
    NO_CASE = "no_case"  # 无办件
    OFF_HOURS = "off_hours"  # 非工作时间
    BULK = "bulk"  # 批量


FLAG_LABELS = {Flag.NO_CASE: "无办件", Flag.OFF_HOURS: "非工作时间", Flag.BULK: "批量查询"}

# More subjects than this in one request, or from one requester within an hour, is a bulk look-up.
BULK_SUBJECTS = 5


@dataclass(frozen=True)
class Rule:
    """One line of the catalogue: this role (of this department, or any) may ask these fields for this item
    (or any), on these conditions."""

    role: str
    fields: frozenset[str]
    item_code: str = ""  # "" : any item
    department_id: int | None = None  # None : any department
    needs_case: bool = False
    needs_consent: bool = False

    def applies(self, ask: Ask) -> bool:
        return (
            self.role == ask.role
            and (not self.item_code or self.item_code == ask.item_code)
            and (self.department_id is None or self.department_id == ask.department_id)
        )


@dataclass(frozen=True)
class Resource:
    code: str
    sharing_type: SharingType
    fields: frozenset[str]
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Ask:
    """What a request says about itself, and the facts about it the platform established."""

    role: str
    department_id: int | None
    item_code: str
    purpose: str
    fields: frozenset[str]
    subjects: int = 1
    has_case: bool = False  # the request names a case (or an application being taken at the window)
    handles_case: bool = False  # the case core's policy: the requester handles that case now
    consent: bool = False  # the subject's consent for this use, in force
    recent_subjects: int = 0  # distinct subjects this requester asked about within the last hour
    rate_exceeded: bool = False


class Refusal(StrEnum):
    PURPOSE_REQUIRED = "purpose_required"
    NO_FIELDS = "no_fields"
    NOT_SHARED = "not_shared"
    NOT_IN_CATALOGUE = "not_in_catalogue"
    CASE_REQUIRED = "case_required"
    NOT_HANDLING = "not_handling"
    CONSENT_REQUIRED = "consent_required"
    BULK_WITHOUT_CASE = "bulk_without_case"
    RATE_LIMITED = "rate_limited"


REFUSAL_MESSAGES = {
    Refusal.PURPOSE_REQUIRED: "请写明调取数据的用途",
    Refusal.NO_FIELDS: "请选择要调取的数据项",
    Refusal.NOT_SHARED: "该数据资源不予共享",
    Refusal.NOT_IN_CATALOGUE: "共享目录未允许您的岗位为该事项调取这些数据项",
    Refusal.CASE_REQUIRED: "该数据资源为有条件共享，须为所办理的办件调取",
    Refusal.NOT_HANDLING: "您不是该办件的经办人员，不能为其调取数据",
    Refusal.CONSENT_REQUIRED: "调取该数据须经数据主体授权，当前没有有效的授权",
    Refusal.BULK_WITHOUT_CASE: "没有办件的批量查询不予办理",
    Refusal.RATE_LIMITED: "查询过于频繁，请稍后再试",
}


@dataclass(frozen=True)
class Decision:
    given: frozenset[str] = frozenset()
    withheld: frozenset[str] = frozenset()  # asked for but not allowed by the catalogue
    refusal: Refusal | None = None
    flags: frozenset[Flag] = field(default_factory=frozenset)

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self.refusal] if self.refusal else ""


def flags_of(ask: Ask, working_time: bool) -> frozenset[Flag]:
    """What a supervisor is shown about an access (also a refused one)."""
    found = set()
    if not ask.has_case:
        found.add(Flag.NO_CASE)
    if not working_time:
        found.add(Flag.OFF_HOURS)
    if ask.subjects > 1 or ask.recent_subjects + ask.subjects > BULK_SUBJECTS:
        found.add(Flag.BULK)
    return frozenset(found)


def _refused(reason: Refusal, flags: frozenset[Flag], withheld: Iterable[str] = ()) -> Decision:
    return Decision(refusal=reason, flags=flags, withheld=frozenset(withheld))


def decide(resource: Resource, ask: Ask, *, working_time: bool = True) -> Decision:
    """The fields given: those asked ∩ those of the rules that apply to the requester, item and department,
    and whose conditions hold. Fields the catalogue does not allow are withheld; nothing allowed is a refusal."""
    flags = flags_of(ask, working_time)
    if ask.rate_exceeded:
        return _refused(Refusal.RATE_LIMITED, flags)
    if len(ask.purpose.strip()) < 2:
        return _refused(Refusal.PURPOSE_REQUIRED, flags)
    asked = ask.fields & resource.fields
    if not asked:
        return _refused(Refusal.NO_FIELDS, flags)
    if Flag.BULK in flags and not ask.has_case:
        return _refused(Refusal.BULK_WITHOUT_CASE, flags, asked)
    if resource.sharing_type is SharingType.NOT_SHARED:
        return _refused(Refusal.NOT_SHARED, flags, asked)
    if ask.has_case and not ask.handles_case:  # nothing at all for a case the requester does not handle
        return _refused(Refusal.NOT_HANDLING, flags, asked)
    matching = [r for r in resource.rules if r.applies(ask) and r.fields & asked]
    if not matching:
        return _refused(Refusal.NOT_IN_CATALOGUE, flags, asked)
    conditional = resource.sharing_type is SharingType.CONDITIONAL
    # A rule's conditions, checked in the order a person can act on them: a case first, then consent.
    usable = [r for r in matching if not ((r.needs_case or conditional) and not ask.has_case)]
    if not usable:
        return _refused(Refusal.CASE_REQUIRED, flags, asked)
    usable = [r for r in usable if not (r.needs_consent and not ask.consent)]
    if not usable:
        return _refused(Refusal.CONSENT_REQUIRED, flags, asked)
    given = frozenset().union(*(r.fields for r in usable)) & asked
    return Decision(given=given, withheld=frozenset(ask.fields - given), flags=flags)

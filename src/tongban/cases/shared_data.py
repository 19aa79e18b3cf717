"""Forms filled from shared data (数据共享): the seam through which the sharing app serves the case forms.

The case domain never imports the sharing app (it sits above cases): the sharing app registers itself here as
the ``SharedDataSource`` (sharing/apps.py), as the licences app does for 免证办 (licence_refs.py). The window
form (一窗受理) and the applicant's online form ask it to fill values, each marked with its source, and tell
it which case an application filled that way became, with the materials the data replaced (减材料).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from tongban.core.actor import Actor


@dataclass(frozen=True)
class FilledValue:
    key: str  # the form's field key (the window form's "name", a key of the item's form schema; "": shown only)
    label: str  # the data item's name in the source
    value: str
    source: str  # "人口库（诸暨市公安局）"


@dataclass(frozen=True)
class Filled:
    values: tuple[FilledValue, ...] = ()
    refusals: tuple[str, ...] = ()  # why a source gave nothing (in Chinese, for the person at the form)
    replaceable: tuple[str, ...] = ()  # materials of the item the data given replaces (减材料)
    credit: str = ""  # the credit base's answer, for the clerk: 失信 … / 良好记录 / 无记录
    extra: dict[str, Any] = field(default_factory=dict)

    def by_key(self) -> dict[str, FilledValue]:
        return {v.key: v for v in self.values if v.key}


class SharedDataSource(Protocol):
    def fill(
        self,
        user: Any,
        actor: Actor,
        *,
        item_code: str,
        subject_code: str,
        subject_kind: str,
        intake_key: str,
        form_keys: frozenset[str],
        consent: bool,
        ip: str,
    ) -> Filled:
        """Values for the form's keys from the bases the catalogue lets this requester use for this item."""

    def fill_own(self, user: Any, *, item_code: str, form_keys: frozenset[str], ip: str) -> Filled:
        """The applicant's own data for their online form (on their record as an access by themself)."""

    def consent_online(self, user: Any, *, item_code: str, case_number: str, ip: str) -> list[str]:
        """The applicant agreed on the online form that the departments handling the application use their
        shared data: a consent receipt per resource that needs one; the resources' names."""

    def credit_measures(
        self, user: Any, actor: Actor, *, item_code: str, subject_code: str, case_number: str, ip: str
    ) -> frozenset[str]:
        """The credit measures that apply to the applicant for this item (``no_deferral``: 不适用容缺受理 …),
        asked of the credit base for this case; empty when it may not be asked or knows nothing."""

    def confirm(
        self,
        user: Any,
        *,
        intake_key: str,
        case_number: str,
        subject_code: str,
        confirmed: list[str],
        materials: list[str],
    ) -> None:
        """The application filled under ``intake_key`` became ``case_number``; these keys were confirmed and
        these materials replaced by shared data."""


_source: list[SharedDataSource] = []


def register_shared_source(source: SharedDataSource) -> None:
    _source[:] = [source]


def source() -> SharedDataSource | None:
    return _source[0] if _source else None


# 信用联合惩戒: the measure that takes 容缺受理 away from an applicant (sharing.domain.credit.Measure).
NO_DEFERRAL = "no_deferral"


def credit_measures(
    user: Any, actor: Actor, *, item_code: str, subject_code: str, case_number: str, ip: str
) -> frozenset[str]:
    found = source()
    if found is None or not subject_code:
        return frozenset()
    return found.credit_measures(
        user, actor, item_code=item_code, subject_code=subject_code, case_number=case_number, ip=ip
    )

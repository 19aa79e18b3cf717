"""What a notice may say of the law, by the item's type (事项类型) (pure; no Django).

Only an administrative licence (行政许可) is accepted, refused and decided under the Administrative Licensing
Law (行政许可法: Art. 32 for acceptance, refusal and the one complete correction list, Art. 38 for the decision).
A 行政给付, 行政确认, 行政备案, 公共服务 … is not a licence: its notices must not claim that law. They cite the
item's own legal basis — the laws its guide names as 设定依据/实施依据 — or, where the guide names none, the
guide itself. Review and litigation rights follow every administrative act (行政复议法, 行政诉讼法); a public
service (公共服务) is no administrative act, so its notices point to consultation and complaint instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

LICENSING = "01"
PUBLIC_SERVICE = "20"
LICENSING_LAW = "《中华人民共和国行政许可法》"
MAX_CITED_LAWS = 2


class Provision(StrEnum):
    """The moment of a case a notice speaks of."""

    ACCEPT = "accept"  # 受理
    REFUSE = "refuse"  # 不予受理
    CORRECTION = "correction"  # 一次性告知补正 (before acceptance)
    RETURN = "return"  # 退回补正 during handling (still one complete list)
    GRANT = "grant"
    DENY = "deny"
    SPECIAL_STEP = "special_step"  # 听证、检验、检测、鉴定、专家评审 … not counted (Art. 45)
    EXTEND = "extend"  # the head's extension of the limit (Art. 42)


# Articles of the licensing law for each provision.
LICENSING_ARTICLES = {
    Provision.ACCEPT: "第三十二条第一款第（五）项",
    Provision.REFUSE: "第三十二条第一款",
    Provision.CORRECTION: "第三十二条第一款第（四）项",
    Provision.RETURN: "第三十二条",
    Provision.GRANT: "第三十八条第一款",
    Provision.DENY: "第三十八条第二款",
    Provision.SPECIAL_STEP: "第四十五条",
    Provision.EXTEND: "第四十二条第一款",
}

RIGHTS = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内"
    "依法向人民法院提起行政诉讼。"
)
SERVICE_RIGHTS = "如对办理结果有异议，可以向办理部门咨询，或者拨打政务服务便民热线12345反映。"

_LAW_NAME = re.compile(r"《([^《》]{2,60})》")


def cited_laws(basis_texts: Iterable[str]) -> tuple[str, ...]:
    """The first laws the guide's legal basis names (《…》), in order, each once."""
    seen: list[str] = []
    for text in basis_texts:
        for name in _LAW_NAME.findall(text or ""):
            law = f"《{name}》"
            if law not in seen and law != LICENSING_LAW:
                seen.append(law)
    return tuple(seen[:MAX_CITED_LAWS])


@dataclass(frozen=True)
class LegalWording:
    """The legal wording of one item's notices: built from its type and its guide's legal basis."""

    item_type: str
    laws: tuple[str, ...] = ()  # the guide's own basis (cited_laws)

    @property
    def licensing(self) -> bool:
        return self.item_type == LICENSING

    def basis(self, provision: Provision) -> str:
        """ "根据…的规定" for a sentence of the notice (no claim of the licensing law unless it is a licence)."""
        if self.licensing:
            return f"根据{LICENSING_LAW}{LICENSING_ARTICLES[provision]}的规定"
        if self.laws:
            return f"根据{'、'.join(self.laws)}等有关规定"
        return "根据本事项办事指南所列依据"

    @property
    def one_list_rule(self) -> str:
        """Why the correction list is complete (一次告知)."""
        if self.licensing:
            return f"依照{LICENSING_LAW}第三十二条一次告知的规定"
        return "按照一次性告知的要求"

    def decision_title(self, grant: bool) -> str:
        if self.licensing:
            return "准予行政许可决定书" if grant else "不予行政许可决定书"
        return "办结通知书" if grant else "不予办理决定书"

    def decision_words(self, grant: bool) -> str:
        if self.licensing:
            return "准予行政许可" if grant else "不予行政许可"
        return "准予办理" if grant else "不予办理"

    @property
    def rights(self) -> str:
        return SERVICE_RIGHTS if self.item_type == PUBLIC_SERVICE else RIGHTS


def joint_extension_basis(item_types: Iterable[str]) -> str:
    """Why a bundle's joint handling may be extended by 15 working days: the licensing law's rule for joint
    handling (Art. 42 (2)) where one of its items is a licence; otherwise the rule of joint handling itself."""
    if LICENSING in set(item_types):
        return f"根据{LICENSING_LAW}第四十二条第二款的规定"
    return "按照联合办理的有关规定"


def acceptance_lead(submitted: str, wording: LegalWording, deferred: tuple[str, ...], missing: tuple[str, ...]) -> str:
    """The 受理通知书's first sentence: it says the materials are complete only when they are; with 容缺 it says
    which ones were promised; what is missing it names."""
    if missing:
        materials = f"申请材料中{'、'.join(missing)}尚未提交"
    elif deferred:
        materials = f"申请的主要材料齐全、符合法定形式，{'、'.join(deferred)}经申请人书面承诺后补（容缺受理）"
    else:
        materials = "申请材料齐全、符合法定形式"
    return f"{submitted}，经审查，申请事项属于本机关职权范围，{materials}，{wording.basis(Provision.ACCEPT)}，决定予以受理。"

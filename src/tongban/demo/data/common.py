"""Building blocks for the demo catalogue (pure; no Django).

An ``Item`` describes one catalogue entry together with the guide every jurisdiction implements for it
(六统一: same materials, limits, fees and process everywhere); ``build_guide`` turns it into the
``content``/``materials``/``steps``/``special_steps`` that ``catalogue.services.create_implementation``
takes, filling in the local contact details of the implementing department.

Catalogue entry codes (基本编码) are 12 digits: ``TT DDD NNNN SSS`` = item type (vocab.ITEM_TYPES, e.g. 07
行政确认, 20 公共服务), department kind (regions.DEPARTMENT_KINDS, e.g. 001 公安), main-item serial within
that type and kind, and sub-item serial (000 for a main item). Example: 070010001001 = 行政确认 · 公安 ·
户口登记 · 新生儿入户.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .licence_types import type_code_of
from .regions import DEPARTMENT_KINDS

COMPLAINT_PHONE = "12345"

# ---------------------------------------------------------------------------------------------------------
# Materials


def mat(
    name: str,
    *,
    source: str = "applicant",
    type: str = "original",
    form: str = "either",
    copies: int = 1,
    necessity: str = "required",
    blank_form: str = "",
    sample: str = "",
    instructions: str = "",
    standard: str = "",
    licence: str = "",
) -> dict[str, Any]:
    """One material with every sub-field. ``licence`` names the e-licence that can replace it (免提交)."""
    return {
        "name": name,
        "source": "government" if licence else source,
        "material_type": type,
        "form": form,
        "copies": copies,
        "necessity": necessity,
        "blank_form": blank_form,
        "sample": sample,
        "instructions": instructions,
        "acceptance_standard": standard,
        "licence_replaceable": bool(licence),
        "licence_type": licence,
    }


def id_card(who: str = "申请人", necessity: str = "required") -> dict[str, Any]:
    return mat(
        f"居民身份证（{who}）",
        licence="居民身份证",
        necessity=necessity,
        instructions="提供原件核验；已申领电子身份证的可通过“{app}”亮证，免于提交。",
        standard="在有效期内，姓名、公民身份号码与申请信息一致。",
    )


def hukou(who: str = "申请人", necessity: str = "required") -> dict[str, Any]:
    return mat(
        f"居民户口簿（{who}）",
        licence="居民户口簿",
        necessity=necessity,
        instructions="提供户主页及本人页原件；本地户籍可通过人口库核验，免于提交。",
        standard="户口簿信息与申请信息一致，无涂改。",
    )


def business_licence(necessity: str = "required") -> dict[str, Any]:
    return mat(
        "营业执照",
        licence="营业执照",
        necessity=necessity,
        instructions="已领取电子营业执照的，通过电子营业执照授权调用，免于提交纸质件。",
        standard="在有效期内，名称、统一社会信用代码与申请信息一致。",
    )


def birth_certificate(necessity: str = "required") -> dict[str, Any]:
    return mat(
        "出生医学证明",
        licence="出生医学证明",
        necessity=necessity,
        instructions="提供正页原件；本省签发的电子出生医学证明可在线调用。",
        standard="由具有助产技术服务资质的医疗机构签发，信息清晰完整。",
    )


def marriage_certificate(necessity: str = "required") -> dict[str, Any]:
    return mat(
        "结婚证",
        licence="结婚证",
        necessity=necessity,
        instructions="夫妻双方信息须一致；可通过婚姻登记信息共享核验。",
        standard="婚姻登记机关颁发，状态有效。",
    )


def application(title: str, *, who: str = "申请人", form: str = "either") -> dict[str, Any]:
    return mat(
        title,
        form=form,
        blank_form=f"{title}（空白表）.xlsx",
        sample=f"{title}（示例）.pdf",
        instructions=f"由{who}如实填写并签名（单位加盖公章）；在线申报的，系统根据申请表单自动生成。",
        standard="填写完整、签名（盖章）齐全，内容与其他材料一致。",
    )


def proxy_letter() -> dict[str, Any]:
    return mat(
        "授权委托书及代理人居民身份证",
        necessity="optional",
        form="paper",
        blank_form="授权委托书（空白表）.xlsx",
        sample="授权委托书（示例）.pdf",
        instructions="委托他人代办时提供，委托书须载明委托事项和权限并由委托人签名。",
        standard="委托事项明确，委托人签名真实，代理人身份证件有效。",
    )


def photo(spec: str = "近期免冠彩色证件照片", copies: int = 1, necessity: str = "required") -> dict[str, Any]:
    return mat(
        spec,
        copies=copies,
        form="either",
        necessity=necessity,
        instructions="白色背景，正面免冠，不着制式服装；窗口可现场拍摄。",
        standard="符合证件照片标准，人像清晰。",
    )


def commitment(title: str) -> dict[str, Any]:
    return mat(
        title,
        form="either",
        blank_form=f"{title}（空白表）.xlsx",
        instructions="实行告知承诺制：申请人书面承诺符合条件，部门事后核查。",
        standard="承诺事项完整，签名（盖章）齐全。",
    )


# ---------------------------------------------------------------------------------------------------------
# Handling steps


def step(name: str, days: int, handler: str = "", criteria: str = "") -> dict[str, Any]:
    return {"name": name, "days": days, "handler": handler, "criteria": criteria}


def std_steps(
    promised: int,
    *,
    review: str = "对申请材料的完整性、真实性和合法性进行审核。",
    decide: str = "作出准予或者不予办理的决定。",
) -> list[dict[str, Any]]:
    """受理 → 审核 → 决定 → 办结, with step days adding up to the promised limit."""
    accept = 1 if promised >= 3 else 0
    decision = 1 if promised >= 2 else promised
    checking = promised - accept - decision
    return [
        step(
            "受理", accept, "窗口受理人员", "申请材料齐全、符合法定形式的予以受理；不齐全的一次性告知需补正的全部内容。"
        ),
        step("审核", checking, "业务审核人员", review),
        step("决定", decision, "审批负责人", decide),
        step("办结", 0, "窗口出件人员", "制作并送达办理结果，告知申请人。"),
    ]


def instant_steps(check: str = "核验申请人身份和申请材料，符合条件的当场办结。") -> list[dict[str, Any]]:
    return [
        step("受理", 0, "窗口受理人员", "申请材料齐全、符合法定形式的当场受理。"),
        step("审核", 0, "窗口受理人员", check),
        step("办结", 0, "窗口出件人员", "当场出具办理结果。"),
    ]


def special(name: str, max_days: int, description: str, counted: bool = False, basis: str = "") -> dict[str, Any]:
    """A special step: only 行政许可法 Art. 45's procedures, or one with its own legal ``basis``, may leave its
    time out of the limit (catalogue.rules.stops_clock)."""
    return {
        "name": name,
        "max_days": max_days,
        "counted_in_limit": counted,
        "legal_basis": basis,
        "description": description,
    }


# ---------------------------------------------------------------------------------------------------------
# Application form fields (canonical keys shared across items: the same key means the same fact)


def f(key: str, label: str, type: str = "text", required: bool = True, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "label": label, "type": type, "required": required}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def applicant(label: str = "申请人") -> list[dict[str, Any]]:
    return [
        f("applicant_name", f"{label}姓名", max_length=50),
        f("applicant_id_number", f"{label}公民身份号码", "id_number"),
        f("applicant_phone", "联系电话", "phone"),
    ]


ADDRESS = f("address", "联系地址", max_length=200, help="用于邮寄送达办理结果")
GENDER = ["男", "女"]
RELATIONS = ["配偶", "子女", "父母", "兄弟姐妹", "其他亲属", "其他"]


def enterprise(label: str = "企业") -> list[dict[str, Any]]:
    return [
        f("enterprise_name", f"{label}名称", max_length=100),
        f("uscc", "统一社会信用代码", "uscc"),
        f("legal_representative", "法定代表人", max_length=50),
        f("applicant_name", "经办人姓名", max_length=50),
        f("applicant_id_number", "经办人公民身份号码", "id_number"),
        f("applicant_phone", "经办人联系电话", "phone"),
    ]


def child() -> list[dict[str, Any]]:
    return [
        f("child_name", "新生儿姓名", max_length=30),
        f("child_gender", "新生儿性别", "select", options=GENDER),
        f("child_birth_date", "出生日期", "date"),
        f("birth_place", "出生医院（地点）", max_length=100),
        f("mother_name", "母亲姓名", max_length=50),
        f("mother_id_number", "母亲公民身份号码", "id_number"),
        f("father_name", "父亲姓名", max_length=50),
        f("father_id_number", "父亲公民身份号码", "id_number"),
    ]


def deceased() -> list[dict[str, Any]]:
    return [
        f("deceased_name", "逝者姓名", max_length=50),
        f("deceased_id_number", "逝者公民身份号码", "id_number"),
        f("death_date", "死亡日期", "date"),
        f("relationship_to_deceased", "申请人与逝者关系", "select", options=RELATIONS),
    ]


def bank() -> list[dict[str, Any]]:
    return [
        f("bank_name", "收款银行", max_length=60, help="须为申请人本人的借记卡或社会保障卡银行账户"),
        f("bank_account", "银行账号", max_length=30, pattern=r"\d{12,30}"),
    ]


# ---------------------------------------------------------------------------------------------------------
# Items


@dataclass
class Item:
    key: str
    name: str
    item_type: str
    dept: str
    serial: int
    legal_basis: str
    statutory: int
    promised: int
    result_name: str
    sub: int = 0
    parent: str = ""  # key of the main item (主项) this is a sub-item of
    business_type: str = ""
    objects: tuple[str, ...] = ("natural",)
    themes: list[str] = field(default_factory=list)
    defining_level: str = "national"
    power_source: str = "法定本级行使"
    conditions: str = ""
    description: str = ""
    depth: int = 3
    visits: int | None = None
    onsite_reason: str = ""
    post: bool = False
    appointment: bool = True
    scope: str = "province"
    proxy: bool = True
    nearby: bool = False
    intermediary: bool = False
    cross_region: bool = False
    joint_handling: bool = False  # a leg of a 多地联办 (迁出地/迁入地, 转出地/转入地 …)
    result_type: str = "document"
    result_licence: str = ""
    delivery: tuple[str, ...] = ("window", "post")
    delivery_days: int = 0
    limit_unit: str = "working"  # 时限单位: "calendar" where a law counts days (居民身份证法 Art. 12)
    fees: list[dict[str, str]] = field(default_factory=list)
    fee_basis: str = ""
    materials: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] | None = None
    special_steps: list[dict[str, Any]] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    form: list[dict[str, Any]] = field(default_factory=list)
    keywords: str = ""
    aliases: str = ""

    @property
    def code(self) -> str:
        return f"{self.item_type}{DEPARTMENT_KINDS[self.dept][0]}{self.serial:04d}{self.sub:03d}"

    @property
    def competent_department(self) -> str:
        return DEPARTMENT_KINDS[self.dept][1]

    @property
    def online(self) -> bool:
        return self.depth >= 3

    @property
    def visit_count(self) -> int:
        if self.visits is not None:
            return self.visits
        return 0 if self.depth == 4 else 1

    @property
    def guide_steps(self) -> list[dict[str, Any]]:
        return (
            self.steps
            if self.steps is not None
            else (instant_steps() if self.promised == 0 else std_steps(self.promised))
        )

    @property
    def business_serial(self) -> int:
        """The 1-digit business-item serial of the implementation code (新设 1, 变更 2, 延续 3, 注销 4)."""
        return {"": 1, "new": 1, "change": 2, "renew": 3, "cancel": 4}[self.business_type]


@dataclass
class MainItem:
    """A main item (主项) of the basic catalogue: it groups sub-items and is not implemented itself."""

    key: str
    name: str
    item_type: str
    dept: str
    serial: int
    legal_basis: str
    statutory: int
    objects: tuple[str, ...] = ("natural",)
    themes: list[str] = field(default_factory=list)
    description: str = ""
    keywords: str = ""
    aliases: str = ""
    sub: int = 0
    cross_region: bool = False

    @property
    def code(self) -> str:
        return f"{self.item_type}{DEPARTMENT_KINDS[self.dept][0]}{self.serial:04d}{self.sub:03d}"

    @property
    def competent_department(self) -> str:
        return DEPARTMENT_KINDS[self.dept][1]


def entry_fields(item: Item | MainItem) -> dict[str, Any]:
    """The CatalogueEntry fields (without parent and themes, which the loader resolves)."""
    base: dict[str, Any] = {
        "name": item.name,
        "item_type": item.item_type,
        "competent_department": item.competent_department,
        "department_kind": item.dept,
        "service_objects": list(item.objects),
        "legal_basis": item.legal_basis,
        "statutory_days": item.statutory,
        "cross_region": item.cross_region,
        "keywords": item.keywords,
        "aliases": item.aliases,
        "description": item.description,
        "is_active": True,
    }
    if isinstance(item, Item):
        base.update(
            {
                "business_type": item.business_type,
                "defining_level": item.defining_level,
                "power_source": item.power_source,
                "standard_materials": [m["name"] for m in item.materials],
                "standard_steps": [s["name"] for s in item.guide_steps],
                "standard_fees": [dict(x) for x in item.fees],
            }
        )
    else:
        base.update(
            {
                "business_type": "",
                "defining_level": "national",
                "power_source": "法定本级行使",
                "standard_materials": [],
                "standard_steps": [],
                "standard_fees": [],
            }
        )
    return base


@dataclass(frozen=True)
class Contact:
    location: str
    office_hours: str
    phone: str
    exercise_level: str
    app: str = "浙里办"  # the province's government-services app, named in instructions and FAQ answers
    portal: str = "浙江政务服务网"


def localise(value: Any, contact: Contact) -> Any:
    """Fill the ``{app}`` / ``{portal}`` placeholders of guide texts with the province's own channels."""
    if isinstance(value, str):
        return value.replace("{app}", contact.app).replace("{portal}", contact.portal)
    if isinstance(value, list):
        return [localise(v, contact) for v in value]
    if isinstance(value, dict):
        return {k: localise(v, contact) for k, v in value.items()}
    return value


def build_guide(item: Item, contact: Contact) -> tuple[dict[str, Any], list[dict], list[dict], list[dict]]:
    """(content, materials, steps, special_steps) of one implementation's guide."""
    visits = item.visit_count
    forms = ["window"]
    if item.online:
        forms.append("online")
    if item.post or (visits == 0 and not item.online):
        forms.append("post")
    charged = bool(item.fees)
    onsite_reason = item.onsite_reason
    if visits > 0 and not onsite_reason:
        onsite_reason = "需到现场核验申请人身份及材料原件。"
    content: dict[str, Any] = {
        "name": item.name,
        "legal_basis": item.legal_basis,
        "exercise_level": contact.exercise_level,
        "service_objects": list(item.objects),
        "conditions": item.conditions,
        "review_type": "instant" if item.promised == 0 else "review",
        "handling_type": "immediate" if item.promised == 0 else "promised",
        "statutory_days": item.statutory,
        "promised_days": item.promised,
        "limit_unit": item.limit_unit,
        "online": item.online,
        "online_depth": item.depth,
        "visits": visits,
        "onsite_reason": onsite_reason if visits > 0 else "",
        "handling_forms": forms,
        "appointment": item.appointment,
        "scope": "national" if item.cross_region else item.scope,
        "joint_handling": item.joint_handling,
        "proxy_allowed": item.proxy,
        "nearby": item.nearby,
        "intermediary": item.intermediary,
        "result_name": item.result_name,
        "result_type": item.result_type,
        "result_sample": f"{item.result_name}（样本）.pdf",
        "result_licence_type": type_code_of(item.result_licence),
        "delivery_methods": list(item.delivery),
        "delivery_days": item.delivery_days,
        "courier": "post" in item.delivery,
        "charged": charged,
        "fee_basis": item.fee_basis if charged else "",
        "fees": [dict(x) for x in item.fees],
        "online_payment": charged and item.online,
        "location": contact.location,
        "office_hours": contact.office_hours,
        "phone": contact.phone,
        "complaint_phone": COMPLAINT_PHONE,
        "faq": [{"q": q, "a": a} for q, a in item.faq],
        "form_schema": [dict(x) for x in item.form],
        "keywords": item.keywords,
        "aliases": item.aliases,
    }
    materials = [{**m, "order": i} for i, m in enumerate(item.materials)]
    steps = [{**s, "order": i} for i, s in enumerate(item.guide_steps)]
    specials = [dict(s) for s in item.special_steps]
    return (
        localise(content, contact),
        localise(materials, contact),
        localise(steps, contact),
        localise(specials, contact),
    )

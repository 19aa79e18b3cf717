"""The licence types of the demo catalogue (pure; no Django). Type names are exactly the names the demo guides
give (an item's ``result_licence``, a material's ``licence=``): a guide's result type is resolved by name
(``type_code_of``), and a material's e-licence by the same name. The defining bodies' credit codes are made up
for the demo (valid check characters, not the bodies' real codes); type codes are that code + a 3-digit number
(GB/T 36904)."""

from __future__ import annotations

import hashlib
from typing import Any

from tongban.core.identifiers import make_uscc


def _body_code(name: str) -> str:
    """A national body's (made-up) unified social credit code: 机构编制 / 机关, area 100000."""
    org8 = str(int(hashlib.sha256(f"body:{name}".encode()).hexdigest(), 16) % 10**8).zfill(8)
    return make_uscc("1", "1", "100000", org8)


def _field(key: str, label: str, source: str, kind: str = "text", required: bool = True) -> dict[str, Any]:
    return {"key": key, "label": label, "type": kind, "source": source, "required": required}


HOLDER = [_field("holder_name", "姓名", "holder_name"), _field("holder_code", "公民身份号码", "holder_code", "code")]
ISSUED = [_field("issuer_name", "发证机关", "issuer_name"), _field("issued_on", "发证日期", "issued_on", "date")]


def _type(
    number: str,
    name: str,
    body: str,
    holder_kind: str,
    face: list[dict[str, Any]],
    *,
    years: int | None = None,
    layout: str = "certificate",
) -> dict[str, Any]:
    code = _body_code(body)
    return {
        "code": code + number,
        "name": name,
        "defining_body": body,
        "defining_body_code": code,
        "holder_kind": holder_kind,
        "face_fields": face,
        "validity_rule": "years" if years else "permanent",
        "validity_years": years,
        "valid_until": None,
        "face_title": name,
        "face_layout": layout,
        "is_active": True,
    }


MARKET = "国家市场监督管理总局"
LICENCE_TYPES: list[dict[str, Any]] = [
    _type(
        "001",
        "营业执照",
        MARKET,
        "market",
        [
            _field("enterprise_name", "名称", "form.enterprise_name"),
            _field("legal_representative", "法定代表人（负责人、经营者）", "form.legal_representative"),
            _field("issuer_name", "登记机关", "issuer_name"),
            _field("issued_on", "登记日期", "issued_on", "date"),
        ],
    ),
    _type(
        "002",
        "食品经营许可证",
        MARKET,
        "market",
        [
            _field("enterprise_name", "经营者名称", "form.enterprise_name"),
            _field("uscc", "社会信用代码", "form.uscc", "code"),
            _field("legal_representative", "法定代表人（负责人）", "form.legal_representative"),
            _field("business_address", "经营场所", "form.business_address"),
            _field("business_items", "经营项目", "form.business_items"),
            *ISSUED,
        ],
        years=5,
    ),
    _type(
        "001",
        "结婚证",
        "民政部",
        "natural",
        [
            _field("groom_name", "男方姓名", "form.groom_name"),
            _field("groom_id_number", "男方身份证件号", "form.groom_id_number", "code"),
            _field("bride_name", "女方姓名", "form.bride_name"),
            _field("bride_id_number", "女方身份证件号", "form.bride_id_number", "code"),
            _field("registered_on", "登记日期", "decided_on", "date"),
            _field("issuer_name", "登记机关", "issuer_name"),
        ],
    ),
    _type(
        "001",
        "出生医学证明",
        "国家卫生健康委员会",
        "natural",
        [
            _field("child_name", "新生儿姓名", "form.child_name"),
            _field("child_gender", "性别", "form.child_gender"),
            _field("child_birth_date", "出生时间", "form.child_birth_date", "date"),
            _field("birth_place", "出生地点", "form.birth_place"),
            _field("mother_name", "母亲姓名", "form.mother_name"),
            _field("father_name", "父亲姓名", "form.father_name", required=False),
            *ISSUED,
        ],
    ),
    _type("001", "居民户口簿", "公安部", "natural", [*HOLDER, _field("issuer_name", "登记机关", "issuer_name")]),
    _type(
        "001",
        "道路运输经营许可证",
        "交通运输部",
        "market",
        [
            _field("enterprise_name", "业户名称", "form.enterprise_name"),
            _field("uscc", "统一社会信用代码", "form.uscc", "code"),
            _field("business_kind", "经营范围", "form.business_kind"),
            *ISSUED,
        ],
        years=4,
    ),
    _type(
        "002",
        "道路运输证",
        "交通运输部",
        "market",
        [
            _field("enterprise_name", "业户名称", "form.enterprise_name"),
            _field("plate_numbers", "车辆号牌", "form.plate_numbers"),
            *ISSUED,
        ],
        years=3,
        layout="card",
    ),
    _type(
        "001",
        "残疾人证",
        "中国残疾人联合会",
        "natural",
        [*HOLDER, _field("disability_kind", "残疾类别", "form.disability_kind"), *ISSUED],
        years=10,
        layout="card",
    ),
    _type("001", "社会保障卡", "人力资源和社会保障部", "natural", [*HOLDER, *ISSUED], years=10, layout="card"),
]
_CODES = {t["name"]: t["code"] for t in LICENCE_TYPES}


def type_code_of(name: str) -> str:
    """The code of the demo licence type of this name ("" when the demo defines none: the guide's result is
    then a paper one)."""
    return _CODES.get(name, "")

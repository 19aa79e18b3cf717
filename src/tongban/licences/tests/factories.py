"""Licences for tests: a licence type, a world whose item's result is that licence, and granted cases whose
result issue made their licence (through the case services and the result hook, as in production)."""

from __future__ import annotations

import dataclasses
from typing import Any

from tongban.cases.models import Case
from tongban.cases.tests.factories import CaseFactory, World, world
from tongban.catalogue import services as catalogue_services
from tongban.catalogue.models import ImplementationVersion, LicenceType
from tongban.catalogue.tests.factories import PublishedVersionFactory, materials
from tongban.core.identifiers import make_uscc

from ..models import Licence

# 公安部 as the defining body of the test type (a valid credit code of the form the standard uses).
DEFINING_CODE = make_uscc("1", "1", "100000", "00001333")


def licence_type(**overrides: Any) -> LicenceType:
    data: dict[str, Any] = {
        "code": f"{DEFINING_CODE}011",
        "name": "居民户口簿",
        "defining_body": "公安部",
        "defining_body_code": DEFINING_CODE,
        "holder_kind": "natural",
        "face_title": "居民户口簿（新生儿户口页）",
        "face_layout": "certificate",
        "face_fields": [
            {"key": "child_name", "label": "姓名", "type": "text", "source": "form.child_name", "required": True},
            {"key": "birth_date", "label": "出生日期", "type": "date", "source": "form.child_birth_date"},
            {"key": "guardian", "label": "申报人", "type": "text", "source": "holder_name"},
            {"key": "registered_by", "label": "登记机关", "type": "text", "source": "issuer_name"},
        ],
        "validity_rule": "years",
        "validity_years": 10,
        "valid_until": None,
        "is_active": True,
    }
    data.update(overrides)
    return catalogue_services.save_licence_type(data)


def licence_world(code: str = "330681", prefix: str = "", **type_overrides: Any) -> World:
    """The cases' world, its item now issuing a licence (居民户口簿 of the newborn, valid ten years)."""
    w = world(code, prefix=prefix)
    kind = licence_type(**type_overrides)
    version = PublishedVersionFactory(
        name="新生儿入户",
        division=w.police.division,
        department=w.police,
        result_licence_type=kind.code,
        steps=[{"name": n, "days": 1} for n in ("受理", "审核", "审批", "办结")],
        materials=[*materials(), {"name": "结婚证", "source": "applicant", "copies": 1, "necessity": "deferrable"}],
    )
    return dataclasses.replace(w, version=version)


def issued(w: World, **case: Any) -> tuple[Case, Licence]:
    """A granted case of ``w`` whose result was issued, and the licence that made."""
    closed = CaseFactory(world=w, status="closed", **case)
    return closed, Licence.objects.get(identifier=closed.result_licence_id)


# --- using licences (免证办, 亮证, look-ups) -----------------------------------------------------------------

HOUSEHOLD = "居民户口簿"


def using_version(w: World, name: str = "社会保障卡申领", type_name: str = HOUSEHOLD) -> ImplementationVersion:
    """An item of the world's 人社局 whose required material the licence type ``type_name`` can replace."""
    return PublishedVersionFactory(
        name=name,
        division=w.hrss.division,
        department=w.hrss,
        steps=[{"name": n, "days": 1} for n in ("受理", "审核", "办结")],
        materials=[
            *materials()[:1],
            {
                "name": type_name,
                "source": "government",
                "material_type": "original",
                "form": "either",
                "copies": 1,
                "necessity": "required",
                "licence_replaceable": True,
                "licence_type": type_name,
            },
        ],
    )


@dataclasses.dataclass
class UseWorld:
    w: World  # its version issues 居民户口簿; the applicant 张三 holds one
    using: ImplementationVersion  # asks for a 居民户口簿, replaceable by that licence
    licence: Licence
    issuing_case: Case


def use_world(code: str = "330681", prefix: str = "") -> UseWorld:
    w = licence_world(code, prefix)
    case, licence = issued(w)
    return UseWorld(w, using_version(w), licence, case)


def using_case(u: UseWorld, status: str = "in_progress", **case: Any) -> Case:
    """A case of the using item (人社局's), received at the window (from the world's other citizen unless
    ``window_applicant`` says otherwise)."""
    w = dataclasses.replace(u.w, version=u.using)
    return CaseFactory(world=w, status=status, channel="window", paper=("居民身份证",), **case)

"""Factories for tests across apps: divisions with the ancestors their code implies, and departments."""

from __future__ import annotations

import itertools

from tongban.core.identifiers import division_level, make_uscc
from tongban.jurisdictions.models import Department, Division

_seq = itertools.count(1)


def division(code: str = "330681", name: str = "诸暨市", parent: Division | None = None) -> Division:
    code12 = code.ljust(12, "0")
    if parent is None and code12[2:] != "0" * 10:
        # Build the ancestors a GB/T 2260 code implies (province, city) so paths are real.
        prov = division(code12[:2], {"33": "浙江省"}.get(code12[:2], code12[:2] + "省"))
        parent = prov
        if code12[4:] != "0" * 8 and code12[2:4] != "00":
            parent = division(code12[:4], {"3306": "绍兴市"}.get(code12[:4], code12[:4] + "市"), prov)
    obj, _ = Division.objects.get_or_create(
        code=code12, defaults={"name": name, "level": division_level(code12), "parent": parent}
    )
    return obj


def department(div: Division | None = None, name: str = "诸暨市公安局", kind: str = "police") -> Department:
    div = div or division()
    existing = Department.objects.filter(division=div, name=name).first()
    if existing:
        return existing
    org = f"{next(_seq):08d}"
    return Department.objects.create(
        division=div, name=name, kind=kind, uscc=make_uscc("1", "1", div.code[:6], org), phone="0575-87012345"
    )

#!/usr/bin/env python
"""Excel export and import of a catalogue of 5,000 implementations, in rows per second.

Generates a published catalogue (complete guides: materials, steps, fees, FAQ, forms) into a temporary SQLite
database, then measures:

1. export (``tongban catalogue export``'s function) of every published version;
2. import with ``--publish`` of that file into an emptied catalogue (same divisions and departments): every
   implementation is created, checked against the publishing rules and published through the services;
3. the same import again, which must change nothing (idempotency), and a second export, which must equal
   the first cell for cell (round trip).

    .venv/bin/python bench/excel.py [--implementations 5000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REGIONS = [
    ("330000", "浙江省", None),
    ("330600", "绍兴市", "330000"),
    ("330681", "诸暨市", "330600"),
    ("330400", "嘉兴市", "330000"),
    ("330482", "平湖市", "330400"),
    ("331100", "丽水市", "330000"),
    ("331102", "莲都区", "331100"),
    ("330300", "温州市", "330000"),
    ("330324", "永嘉县", "330300"),
    ("330800", "衢州市", "330000"),
    ("410000", "河南省", None),
    ("419001", "济源市", "410000"),
]
DEPARTMENT_KINDS = [
    ("police", "公安局"),
    ("hrss", "人力资源和社会保障局"),
    ("market_regulation", "市场监督管理局"),
    ("civil_affairs", "民政局"),
    ("health", "卫生健康局"),
    ("housing_fund", "住房公积金管理中心"),
    ("natural_resources", "自然资源和规划局"),
    ("tax", "税务局"),
    ("education", "教育局"),
    ("medical_insurance", "医疗保障局"),
]
SUBJECTS = [
    "食品经营",
    "户口迁移",
    "养老保险关系转移",
    "医疗机构执业",
    "社会团体",
    "不动产",
    "教师资格",
    "排污",
    "道路运输经营",
    "住房公积金提取",
    "残疾人证",
    "出生医学证明",
    "居民身份证",
    "建设工程规划",
    "律师执业",
]
ACTIONS = ["许可", "登记", "备案", "审批", "核准", "认定"]
BUSINESS = ["（新办）", "（变更）", "（延续）", "（注销）", ""]
MATERIALS = [
    "居民身份证",
    "户口簿",
    "营业执照",
    "申请表",
    "授权委托书",
    "场所证明",
    "出生医学证明",
    "结婚证",
    "劳动合同",
    "不动产权证书",
    "平面布局图",
    "法定代表人身份证明",
]


def setup_django(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongban.settings"
    os.environ.setdefault("TONGBAN_DEMO_MODE", "1")
    os.environ["TONGBAN_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def guide(name: str, place: str, rng: random.Random, licensing: bool) -> dict[str, Any]:
    charged = rng.random() < 0.2
    return {
        "name": name,
        "legal_basis": f"《{name}管理办法》第{rng.randint(2, 40)}条",
        "exercise_level": "county",
        "service_objects": rng.choice([["natural"], ["legal"], ["natural", "legal"]]),
        "conditions": "符合法定条件的申请人。",
        "review_type": "review",
        "handling_type": "promised",
        "statutory_days": 20,
        "promised_days": rng.randint(5, 15),
        "online": True,
        "online_depth": 3,
        "visits": 1,
        "onsite_reason": "需现场核验原件。",
        "handling_forms": ["window", "online"],
        "appointment": True,
        "scope": rng.choice(["city", "province", "national"]),
        "proxy_allowed": True,
        "nearby": False,
        "intermediary": False,
        "result_name": f"{name}决定书",
        "result_type": "document" if not licensing else "licence",
        "result_sample": "",
        "result_licence_type": "",
        "delivery_methods": ["window", "post"],
        "delivery_days": 1,
        "courier": True,
        "charged": charged,
        "fee_basis": "收费标准文件（示例）" if charged else "",
        "fees": [{"item": "工本费", "amount": f"{rng.randint(5, 50)}.00"}] if charged else [],
        "online_payment": charged,
        "location": f"{place}政务服务中心一楼",
        "office_hours": "工作日 9:00-17:00",
        "phone": "0575-87012345",
        "complaint_phone": "12345",
        "faq": [
            {"q": f"{name}需要多久？", "a": "承诺时限内办结。"},
            {"q": "可以代办吗？", "a": "可以，需授权委托书。"},
        ],
        "form_schema": [
            {"key": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
            {"key": "applicant_id_number", "label": "公民身份号码", "type": "id_number", "required": True},
            {"key": "applicant_phone", "label": "手机号码", "type": "phone", "required": True},
            {
                "key": "reason",
                "label": "申请事由",
                "type": "select",
                "required": False,
                "options": ["首次申请", "变更", "补办"],
            },
        ],
        "keywords": name[:4],
        "aliases": "",
        "change_note": "",
    }


def generate(n: int, rng: random.Random) -> None:
    from django.db import transaction

    from tongban.catalogue.models import (
        CatalogueEntry,
        HandlingStep,
        ImplementationVersion,
        ItemImplementation,
        MaterialRequirement,
        Theme,
    )
    from tongban.core.identifiers import make_uscc
    from tongban.jurisdictions.models import Department, Division

    with transaction.atomic():
        divisions: dict[str, Division] = {}
        for code, name, parent in REGIONS:
            level = 1 if code[2:] == "0000" else 2 if code[4:] == "00" else 3
            divisions[code] = Division.objects.create(
                code=code, name=name, level=level, parent=divisions[parent] if parent else None
            )
        departments = Department.objects.bulk_create(
            [
                Department(
                    division=divisions[code],
                    name=divisions[code].name + suffix,
                    kind=kind,
                    uscc=make_uscc("1", "1", code, f"{i + 1:02d}{code}"),
                )
                for code, _n, _p in REGIONS
                for i, (kind, suffix) in enumerate(DEPARTMENT_KINDS)
            ]
        )
        by_kind = {(d.division_id[:6], d.kind): d for d in departments}
        Theme.objects.create(code="N01", name="户籍办理", audience="natural")

        per_entry = len(REGIONS)
        n_entries = -(-n // per_entry)
        names = [f"{s}{a}{b}" for s in SUBJECTS for a in ACTIONS for b in BUSINESS]
        names += [f"{names[i % len(names)]}（{i}）" for i in range(max(0, n_entries - len(names)))]
        entries = CatalogueEntry.objects.bulk_create(
            [
                CatalogueEntry(
                    code=f"BENCH{i:06d}",
                    name=names[i],
                    item_type=rng.choice(["01", "07", "20"]),
                    competent_department="国务院有关部门",
                    department_kind=DEPARTMENT_KINDS[i % 10][0],
                    service_objects=["natural"],
                    legal_basis="相关法律法规",
                    statutory_days=20,
                    standard_materials=rng.sample(MATERIALS, 3),
                    standard_steps=["受理", "审核", "办结"],
                )
                for i in range(n_entries)
            ]
        )
        pairs = [(e, code) for e in entries for code, _n, _p in REGIONS][:n]
        impls = ItemImplementation.objects.bulk_create(
            [
                ItemImplementation(
                    code=f"{e.code}-{code}000000-000-{by_kind[(code, e.department_kind)].uscc}-1-00",
                    entry=e,
                    division=divisions[code],
                    department=by_kind[(code, e.department_kind)],
                )
                for e, code in pairs
            ]
        )
        versions = ImplementationVersion.objects.bulk_create(
            [
                ImplementationVersion(
                    implementation=impl,
                    number=1,
                    status="published",
                    **guide(e.name, divisions[code].name, rng, e.item_type == "01"),
                )
                for impl, (e, code) in zip(impls, pairs, strict=True)
            ],
            batch_size=1000,
        )
        for impl, version in zip(impls, versions, strict=True):
            impl.published_version = version
        ItemImplementation.objects.bulk_update(impls, ["published_version"], batch_size=2000)
        MaterialRequirement.objects.bulk_create(
            [
                MaterialRequirement(version=v, order=k, name=m, copies=1, source="applicant")
                for v in versions
                for k, m in enumerate(rng.sample(MATERIALS, rng.randint(3, 5)))
            ],
            batch_size=5000,
        )
        HandlingStep.objects.bulk_create(
            [
                HandlingStep(version=v, order=k, name=s, days=d)
                for v in versions
                for k, (s, d) in enumerate((("受理", 1), ("审核", 2), ("办结", 1)))
            ],
            batch_size=5000,
        )


def wipe_catalogue() -> None:
    """Empty the catalogue but keep divisions and departments (queryset deletes bypass the history guards)."""
    from tongban.catalogue.models import (
        CatalogueEntry,
        HandlingStep,
        ImplementationVersion,
        ItemImplementation,
        MaterialRequirement,
        SpecialStep,
        VersionEvent,
    )

    ItemImplementation.objects.update(published_version=None)
    VersionEvent.objects.all().delete()
    for model in (MaterialRequirement, HandlingStep, SpecialStep, ImplementationVersion, ItemImplementation):
        model.objects.all().delete()
    CatalogueEntry.objects.update(parent=None)
    CatalogueEntry.objects.all().delete()


def cells(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--implementations", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="tongban-bench-excel-") as tmpdir:
        tmp = Path(tmpdir)
        setup_django(tmp)
        from tongban.catalogue.excel import export_catalogue, import_catalogue
        from tongban.catalogue.models import ImplementationVersion

        t0 = time.perf_counter()
        generate(args.implementations, rng)
        print(f"generated {args.implementations} published implementations in {time.perf_counter() - t0:.1f} s")

        first = tmp / "first.xlsx"
        t0 = time.perf_counter()
        result = export_catalogue(str(first))
        elapsed = time.perf_counter() - t0
        sheet_rows = sum(len(rows) - 1 for rows in cells(first).values())
        print(
            f"export: {result.implementations} implementations, {sheet_rows} rows in all sheets, "
            f"{elapsed:.2f} s → {result.implementations / elapsed:,.0f} implementations/s, "
            f"{sheet_rows / elapsed:,.0f} rows/s; file {first.stat().st_size / 1024 / 1024:.1f} MB"
        )

        wipe_catalogue()
        t0 = time.perf_counter()
        report = import_catalogue(str(first), publish=True)
        elapsed = time.perf_counter() - t0
        if not report.ok:
            print("\n".join(str(p) for p in report.problems[:20]))
            return 1
        print(
            f"import --publish into an empty catalogue: {report.summary()}\n"
            f"  {elapsed:.1f} s → {report.implementations.created / elapsed:,.0f} implementations/s, "
            f"{sheet_rows / elapsed:,.0f} rows/s"
        )

        versions = ImplementationVersion.objects.count()
        t0 = time.perf_counter()
        again = import_catalogue(str(first), publish=True)
        elapsed = time.perf_counter() - t0
        unchanged = again.ok and again.implementations.unchanged == args.implementations
        unchanged = unchanged and ImplementationVersion.objects.count() == versions
        print(
            f"import of the same file again: {again.summary()}\n"
            f"  {elapsed:.1f} s → {sheet_rows / elapsed:,.0f} rows/s; no new version: {unchanged}"
        )

        second = tmp / "second.xlsx"
        export_catalogue(str(second))
        identical = cells(first) == cells(second)
        print(f"round trip (export → import → export) identical: {identical}")
        return 0 if unchanged and identical else 1


if __name__ == "__main__":
    sys.exit(main())

"""Load the demo data into the database: idempotent, transactional, and only in demo mode.

Every row is upserted by its natural key (division code, department USCC, centre name, window number,
theme code, entry code, implementation code, bundle code, synonym phrase, username) and only written
when it differs, so a second run changes nothing. Guides go through ``catalogue.services`` like any
other edit: an implementation whose published version already holds the same guide gets no new version;
a changed guide becomes a new version, checked against the consistency rules and published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction

from tongban.accounts.models import User
from tongban.accounts.roles import ADMIN_SITE_ROLES, Role
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.services import publish_bundle
from tongban.catalogue import services
from tongban.catalogue.models import (
    CatalogueEntry,
    GuideFile,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    MaterialRequirement,
    SpecialStep,
    Theme,
)
from tongban.core.errors import ConflictError
from tongban.jurisdictions.models import Department, Division, ServiceCentre, Window
from tongban.search.models import SearchSynonym

from . import casebook, replay
from . import evaluation as demo_evaluation
from . import files as demo_files
from . import hotline as demo_hotline
from . import licences as demo_licences
from .data import accounts as account_data
from .data import bundles as bundle_data
from .data import catalogue as catalogue_data
from .data import nodes, regions, synonyms, themes
from .data.common import Item, MainItem, entry_fields
from .sharing import load_sharing

DEMO_MODE_REQUIRED = (
    "未开启演示模式：演示数据含有公开的账号密码，只能在演示部署中加载。"
    "如确为演示环境，请设置环境变量 TONGBAN_DEMO_MODE=1 后重试。"
)

KIND_LABELS = {
    "division": "行政区划",
    "department": "部门",
    "centre": "服务中心",
    "window": "窗口",
    "theme": "主题分类",
    "entry": "基本目录事项",
    "implementation": "实施清单事项",
    "bundle": "一件事",
    "bundle_item": "一件事包含事项",
    "synonym": "检索同义词",
    "account": "演示账号",
    "scenario": "演示办件场景",
    "licence_type": "证照类型",
    "licence": "存量电子证照",
    "dimension": "评价维度",
    "rating": "好差评评价",
    "hotline_category": "热线诉求分类",
    "hotline_seat": "热线岗位",
    "hotline_order": "热线工单",
    "sharing_resources": "共享数据资源",
    "sharing_population": "人口库记录",
    "sharing_legal_entities": "法人库记录",
    "sharing_credit": "信用库记录",
    "sharing_social_insurance": "社保记录",
}


class DemoModeRequired(Exception):
    def __init__(self) -> None:
        super().__init__(DEMO_MODE_REQUIRED)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        out = []
        for kind, label in KIND_LABELS.items():
            c, u, n = self.created[kind], self.updated[kind], self.unchanged[kind]
            if c or u or n:
                out.append(f"{label}：新增 {c}，更新 {u}，未变 {n}")
        out += [f"跳过：{s}" for s in self.skipped]
        return out


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, models.Model) or isinstance(wanted, models.Model):
        return getattr(current, "pk", None) == getattr(wanted, "pk", None)
    return current == wanted


def _upsert(
    existing: dict, key: Any, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, str]:
    """Create or update one row; returns it with "created", "updated" or "unchanged"."""
    obj = existing.get(key)
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        existing[key] = obj
        return obj, "created"
    changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, "updated"


def _outcome(outcome: str, also_changed: bool) -> str:
    return "updated" if outcome == "unchanged" and also_changed else outcome


def _set_m2m(manager: Any, wanted: list[Any]) -> bool:
    current = set(manager.values_list("pk", flat=True))
    target = {o.pk for o in wanted}
    if current == target:
        return False
    manager.set(wanted)
    return True


# ---------------------------------------------------------------------------------------------------------


def _load_divisions(report: LoadReport) -> dict[str, Division]:
    codes = [regions.code12(c) for c, _, _ in regions.DIVISIONS]
    existing = {d.code: d for d in Division.objects.filter(code__in=codes)}
    by_short: dict[str, Division] = {}
    for code, name, parent in regions.DIVISIONS:
        full = regions.code12(code)
        values = {"name": name, "level": regions.level_of(code), "parent": by_short[parent] if parent else None}
        by_short[code], outcome = _upsert(existing, full, Division, {"code": full}, values)
        report.count("division", outcome)
    return by_short


def _load_departments(
    report: LoadReport, divisions: dict[str, Division], region: frozenset[str]
) -> dict[tuple[str, str], Department]:
    specs = [s for s in regions.DEPARTMENTS if nodes.on_node(s.division, region)]
    existing = {d.uscc: d for d in Department.objects.filter(uscc__in=[s.uscc for s in specs])}
    out = {}
    for spec in specs:
        values = {
            "division": divisions[spec.division],
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "phone": spec.phone,
            "address": spec.address,
        }
        out[(spec.division, spec.kind)], outcome = _upsert(existing, spec.uscc, Department, {"uscc": spec.uscc}, values)
        report.count("department", outcome)
    return out


def _load_centres(
    report: LoadReport,
    divisions: dict[str, Division],
    departments: dict[tuple[str, str], Department],
    region: frozenset[str],
) -> dict[str, ServiceCentre]:
    centres = [s for s in regions.CENTRES if nodes.on_node(s.department_division, region)]
    existing = {c.name: c for c in ServiceCentre.objects.filter(name__in=[s.name for s in centres])}
    out = {}
    for spec in centres:
        values = {
            "division": divisions[spec.division],
            "kind": spec.kind,
            "address": spec.address,
            "phone": spec.phone,
            "opening_hours": spec.opening_hours,
        }
        centre, outcome = _upsert(existing, spec.name, ServiceCentre, {"name": spec.name}, values)
        stationed = [departments[(spec.department_division, k)] for k in spec.departments]
        report.count("centre", _outcome(outcome, _set_m2m(centre.departments, stationed)))
        windows = {w.number: w for w in centre.windows.all()}
        for w in spec.windows:
            window, outcome = _upsert(
                windows, w.number, Window, {"centre": centre, "number": w.number}, {"name": w.name, "kind": w.kind}
            )
            served = [departments[(spec.department_division, k)] for k in w.departments]
            report.count("window", _outcome(outcome, _set_m2m(window.departments, served)))
        out[spec.name] = centre
    return out


def _load_themes(report: LoadReport) -> dict[str, Theme]:
    existing = {t.code: t for t in Theme.objects.filter(code__in=[c for c, _, _, _ in themes.THEMES])}
    for code, name, audience, order in themes.THEMES:
        _, outcome = _upsert(
            existing, code, Theme, {"code": code}, {"name": name, "audience": audience, "order": order}
        )
        report.count("theme", outcome)
    return existing


def _load_entries(report: LoadReport, theme_rows: dict[str, Theme]) -> dict[str, CatalogueEntry]:
    items: list[Item | MainItem] = [*catalogue_data.MAIN_ITEMS, *catalogue_data.ITEMS]
    existing = {e.code: e for e in CatalogueEntry.objects.filter(code__in=[i.code for i in items])}
    by_key: dict[str, CatalogueEntry] = {}
    for item in items:
        values = entry_fields(item)
        parent_key = getattr(item, "parent", "")
        values["parent"] = by_key[parent_key] if parent_key else None
        entry, outcome = _upsert(existing, item.code, CatalogueEntry, {"code": item.code}, values)
        themes_changed = _set_m2m(entry.themes, [theme_rows[c] for c in item.themes])
        report.count("entry", _outcome(outcome, themes_changed))
        by_key[item.key] = entry
    return by_key


def _part_rows(rows: Any, model: type[models.Model]) -> list[dict[str, Any]]:
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "version")]
    return [{f: getattr(row, f) for f in fields} for row in rows]


def _guide_matches(version: ImplementationVersion, content: dict, materials: list, steps: list, specials: list) -> bool:
    """Does this (prefetched) version already hold exactly the guide the demo data describes?"""
    if any(getattr(version, k) != v for k, v in content.items()):
        return False
    return (
        _part_rows(version.materials.all(), MaterialRequirement) == materials
        and _part_rows(version.steps.all(), HandlingStep) == steps
        and _part_rows(version.special_steps.all(), SpecialStep) == specials
    )


class _DemoFiles:
    """The demo guides' blank forms (Excel) and samples (PDF), generated from the item's form the first time
    and found by name afterwards, so a second load changes nothing."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def _id(self, name: str, make: Callable[[], bytes]) -> int:
        if name not in self._ids:
            found = GuideFile.objects.filter(name=name).values_list("pk", flat=True).first()
            self._ids[name] = found if found is not None else services.store_guide_file(name, make()).pk
        return self._ids[name]

    def attach(self, materials: list[dict[str, Any]], form: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for m in materials:
            title, fields = m["name"], demo_files.fields_for(m["name"], form)
            blank = m["blank_form"] and self._id(m["blank_form"], partial(demo_files.blank_form_xlsx, title, fields))
            sample = m["sample"] and self._id(m["sample"], partial(demo_files.sample_pdf, title, fields))
            out.append({**m, "blank_form_file_id": blank or None, "sample_file_id": sample or None})
        return out


def _load_implementations(
    report: LoadReport,
    divisions: dict[str, Division],
    departments: dict[tuple[str, str], Department],
    entries: dict[str, CatalogueEntry],
    region: frozenset[str],
) -> dict[tuple[str, str], ItemImplementation]:
    plan = [p for p in catalogue_data.IMPLEMENTATIONS if nodes.on_node(p.division, region)]
    existing = {
        i.code: i
        for i in ItemImplementation.objects.filter(code__in=[p.code for p in plan])
        .select_related("published_version")
        .prefetch_related(
            "published_version__materials", "published_version__steps", "published_version__special_steps"
        )
    }
    out = {}
    files = _DemoFiles()
    for impl_spec in plan:
        content, materials, steps, specials = impl_spec.guide()
        materials = files.attach(materials, impl_spec.item.form)
        impl = existing.get(impl_spec.code)
        if impl is None:
            draft = services.create_implementation(
                entry=entries[impl_spec.item.key],
                division=divisions[impl_spec.division],
                department=departments[(impl_spec.division, impl_spec.item.dept)],
                code=impl_spec.code,
                content=content,
                materials=materials,
                steps=steps,
                special_steps=specials,
                note="演示数据",
            )
            published = services.publish_now(draft, note="演示数据")
            impl = published.implementation
            report.count("implementation", "created")
        elif impl.published_version and _guide_matches(impl.published_version, content, materials, steps, specials):
            report.count("implementation", "unchanged")
        else:
            try:
                draft = services.start_new_version(impl, note="演示数据更新")
            except ConflictError as exc:
                report.skipped.append(f"{impl_spec.item.name}（{impl_spec.code}）：{exc.message}")
                out[(impl_spec.item.key, impl_spec.division)] = impl
                continue
            draft = services.update_draft(
                draft, content=content, materials=materials, steps=steps, special_steps=specials, note="演示数据更新"
            )
            services.publish_now(draft, note="演示数据更新")
            impl.refresh_from_db()
            report.count("implementation", "updated")
        out[(impl_spec.item.key, impl_spec.division)] = impl
    return out


def _load_bundles(
    report: LoadReport,
    divisions: dict[str, Division],
    departments: dict[tuple[str, str], Department],
    impls: dict[tuple[str, str], ItemImplementation],
    region: frozenset[str],
) -> None:
    specs = [s for s in bundle_data.BUNDLES if nodes.on_node(s.division, region)]
    existing = {b.code: b for b in Bundle.objects.filter(code__in=[s.code for s in specs])}
    for spec in specs:
        values = {
            "name": spec.name,
            "division": divisions[spec.division],
            "lead_department": departments[(spec.division, spec.lead)],
            "audience": spec.audience,
            "life_stage": spec.life_stage,
            "policy_basis": spec.policy_basis,
            "description": spec.description,
            "statutory_days": spec.statutory_days,
            "promised_days": spec.promised_days,
            "shared_fields": list(spec.shared_fields),
            "keywords": spec.keywords,
            "aliases": spec.aliases,
        }
        lookup = {"code": spec.code} if spec.code in existing else {"code": spec.code, "status": Bundle.Status.DRAFT}
        bundle, outcome = _upsert(existing, spec.code, Bundle, lookup, values)
        items_changed = _load_bundle_items(report, bundle, spec, impls)
        republished = bundle.status != Bundle.Status.PUBLISHED
        if republished:
            publish_bundle(bundle)  # checks items, dependencies and shared fields
        report.count("bundle", _outcome(outcome, items_changed or republished))


def _load_bundle_items(
    report: LoadReport, bundle: Bundle, spec: bundle_data.BundleSpec, impls: dict[tuple[str, str], ItemImplementation]
) -> bool:
    current = {bi.implementation_id: bi for bi in bundle.items.all()}
    by_key: dict[str, BundleItem] = {}
    changed = False
    for order, item in enumerate(spec.items):
        impl = impls[(item.item, spec.division)]
        row, outcome = _upsert(
            current,
            impl.pk,
            BundleItem,
            {"bundle": bundle, "implementation": impl},
            {"order": order, "required": item.required, "result_as_material": item.result_as_material},
        )
        by_key[item.item] = row
        changed |= outcome != "unchanged"
        report.count("bundle_item", outcome)
    for item in spec.items:
        changed |= _set_m2m(by_key[item.item].depends_on, [by_key[d] for d in item.depends_on])
    wanted = {row.pk for row in by_key.values()}
    for stale in [bi for bi in current.values() if bi.pk not in wanted]:
        stale.delete()
        changed = True
    return changed


def _load_synonyms(report: LoadReport) -> None:
    existing = {s.phrase: s for s in SearchSynonym.objects.filter(phrase__in=[p for p, _ in synonyms.SYNONYMS])}
    for phrase, expansion in synonyms.SYNONYMS:
        _, outcome = _upsert(existing, phrase, SearchSynonym, {"phrase": phrase}, {"expansion": expansion})
        report.count("synonym", outcome)


class _Passwords:
    """Argon2 is deliberately slow: hash each published demo password once and share the hash (with its
    salt) among the accounts that use it; verify a stored hash once."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._verified: dict[tuple[str, str], bool] = {}

    def hash(self, raw: str) -> str:
        if raw not in self._hashes:
            self._hashes[raw] = make_password(raw)
        return self._hashes[raw]

    def matches(self, raw: str, encoded: str) -> bool:
        key = (raw, encoded)
        if key not in self._verified:
            self._verified[key] = bool(encoded) and check_password(raw, encoded)
        return self._verified[key]


def _load_accounts(
    report: LoadReport,
    divisions: dict[str, Division],
    departments: dict[tuple[str, str], Department],
    centres: dict[str, ServiceCentre],
    region: frozenset[str],
) -> None:
    specs = [s for s in account_data.ACCOUNTS if nodes.on_node(s.division, region)]
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    passwords = _Passwords()
    for spec in specs:
        role = Role(spec.role) if spec.role else None
        values = {
            "kind": spec.kind,
            "real_name": spec.real_name,
            "role": spec.role,
            "department": departments[(spec.division, spec.department)] if spec.department else None,
            "division": divisions[spec.division],
            "service_centre": centres[spec.service_centre] if spec.service_centre else None,
            "id_number": spec.id_number,
            "uscc": spec.uscc,
            "legal_representative": spec.legal_representative,
            "phone": spec.phone,
            "address": spec.address,
            "is_demo": True,
            "is_active": True,
            "is_staff": role in ADMIN_SITE_ROLES,
            "is_superuser": role == Role.SYSTEM_ADMIN,
        }
        user = existing.get(spec.username)
        created = user is None
        if user is None:
            user = User(username=spec.username)
        changed = [k for k, v in values.items() if not _same(getattr(user, k), v)]
        for k in changed:
            setattr(user, k, values[k])
        if created or not passwords.matches(spec.password, user.password):
            user.password = passwords.hash(spec.password)
            changed.append("password")
        if changed:
            user.full_clean()  # validates the resident ID / USCC check digits
            user.save()
        report.count("account", "created" if created else ("updated" if changed else "unchanged"))


def _load_cases(report: LoadReport) -> None:
    """The demo's cases (casebook.py), each scenario played once through the services (replay.py)."""
    played = replay.play(casebook.SCENARIOS)
    report.created["scenario"] += len(played)
    report.unchanged["scenario"] += len(casebook.SCENARIOS) - len(played)


def load_demo(*, cases: bool = True) -> LoadReport:
    """Load (or refresh) every piece of demo data in one transaction. Refused unless DEMO_MODE is on.
    ``cases``: also the demo's cases, played through the services with the clock set back (slower).
    With TONGBAN_NODE_CODE set (a node of the federation), that region's rows only (data/nodes.py), without
    the casebook and earlier licences, which are 诸暨市's stories."""
    if not getattr(settings, "DEMO_MODE", False):
        raise DemoModeRequired()
    region = nodes.region(getattr(settings, "TONGBAN_NODE_CODE", ""))
    cases = cases and not region
    report = LoadReport()
    with transaction.atomic():
        divisions = _load_divisions(report)
        departments = _load_departments(report, divisions, region)
        centres = _load_centres(report, divisions, departments, region)
        theme_rows = _load_themes(report)
        entries = _load_entries(report, theme_rows)
        demo_licences.load_licence_types(report)  # before the guides that name them
        impls = _load_implementations(report, divisions, departments, entries, region)
        _load_bundles(report, divisions, departments, impls, region)
        _load_synonyms(report)
        _load_accounts(report, divisions, departments, centres, region)
        if not region:  # 诸暨市's stories: its earlier licences, hotline orders and shared-data records
            demo_licences.load_existing_licences(report)
            demo_hotline.load(report)
            load_sharing(report)  # the sharing catalogue and the providers' records (demo/sharing.py)
        if cases:
            _load_cases(report)
        demo_evaluation.load(report, cases=cases)  # 好差评: dimensions, ratings of the finished cases
    return report


# ---------------------------------------------------------------------------------------------------------
# Demo accounts as documentation (README, `tongban demo accounts`)


def account_rows() -> list[dict[str, str]]:
    names = {code: name for code, name, _ in regions.DIVISIONS}
    rows = []
    for spec in account_data.ACCOUNTS:
        dept = regions.department(spec.division, spec.department).name if spec.department else ""
        rows.append(
            {
                "username": spec.username,
                "password": spec.password,
                "role": spec.label,
                "department": dept,
                "region": names[spec.division],
            }
        )
    return rows

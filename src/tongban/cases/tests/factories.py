"""Factories for case tests, built on factory_boy and the lower apps' factories.

- ``world()``: 诸暨市 with a service centre and its window, 公安 and 人社, a window clerk, approvers, a head, a
  supervisor, two citizens and a published 新生儿入户 guide (every row from a factory).
- ``CaseFactory(world=w, status=…)``: a case brought to that state through the case services, as people would
  (applied online or at the window, accepted, reviewed, decided, issued …).
- ``make_env()``: the world plus a published 新生儿出生 bundle with uploads, and the health department's
  approver; ``BundleCaseFactory(env=e, phase=…)``: a bundle case in that phase, through the services.
- Helpers for the API (``Api``, ``auth``) and the bundle pages (``answers``, ``files``, ``token``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from factory.django import DjangoModelFactory

from tongban.accounts.models import User
from tongban.accounts.services import PRINCIPAL_PRESENT
from tongban.accounts.tests.factories import (
    PASSWORD,
    ApproverFactory,
    CatalogueAdminFactory,
    CitizenFactory,
    DepartmentHeadFactory,
    SupervisorFactory,
    WindowClerkFactory,
)
from tongban.accounts.tokens import issue_token
from tongban.bundles.models import Bundle, BundleItem
from tongban.bundles.services import publish_bundle
from tongban.bundles.tests.factories import BundleFactory, BundleItemFactory
from tongban.cases import services as s
from tongban.cases.domain.workflow import CaseStatus
from tongban.cases.forms import new_token
from tongban.cases.forms_bundles import material_field
from tongban.cases.models import BundleCase, Case
from tongban.catalogue.models import ImplementationVersion
from tongban.catalogue.tests.factories import PublishedVersionFactory, materials
from tongban.core.identifiers import make_resident_id
from tongban.core.testing import files as samples
from tongban.jurisdictions.models import Department, Division, ServiceCentre, Window
from tongban.jurisdictions.tests.factories import (
    DepartmentFactory,
    DivisionFactory,
    ServiceCentreFactory,
    WindowFactory,
)

__all__ = ["PASSWORD"]  # tests sign the world's users in with it

TODAY = dt.date(2026, 9, 29)  # before National Day: deadlines cross a holiday and a make-up Saturday
PNG = samples.png()  # real files: uploads are read whole (core/uploads.py)
PDF = samples.pdf()
S = CaseStatus


# --- the world ----------------------------------------------------------------------------------------------


@dataclass
class World:
    centre: ServiceCentre
    window: Window
    police: Department
    hrss: Department
    clerk: User
    approver: User
    other_approver: User
    head: User
    supervisor: User
    applicant: User
    other_citizen: User
    version: ImplementationVersion  # a published, reviewed item of 公安 with an expert-review special step


def newborn_version(division: Division, department: Department) -> ImplementationVersion:
    """新生儿入户 with two review steps, an expert review that stops the clock, and a 结婚证 that may be
    brought later (容缺)."""
    return PublishedVersionFactory(
        name="新生儿入户",
        division=division,
        department=department,
        steps=[
            {"name": "受理", "days": 1},
            {"name": "审核", "days": 2},
            {"name": "审批", "days": 1},
            {"name": "办结", "days": 1},
        ],
        special_steps=[{"name": "专家评审", "max_days": 10, "counted_in_limit": False}],
        materials=[*materials(), {"name": "结婚证", "source": "applicant", "copies": 1, "necessity": "deferrable"}],
    )


def world(code: str = "330681", prefix: str = "", applicant_name: str = "张三", phone: str = "13800000001") -> World:
    """The cast of a county (诸暨市 unless ``code`` says otherwise): ``world("330602", prefix="yc_",
    applicant_name="孙七", phone="13911112222")`` is the same for 越城区, its usernames prefixed and its own
    citizens."""
    div = DivisionFactory(code=code)
    here = div.name
    police = DepartmentFactory(division=div, name=f"{here}公安局", kind="police")
    hrss = DepartmentFactory(division=div, name=f"{here}人力资源和社会保障局", kind="hrss")
    centre = ServiceCentreFactory(
        division=div,
        name=f"{here}政务服务中心",
        address=f"{here}人民路1号",
        opening_hours="周一至周五",
        departments=[police, hrss],
    )
    area, born = div.code[:6], dt.date(1990, 1, 1)
    return World(
        centre=centre,
        window=WindowFactory(centre=centre, number="3", name="综合窗口"),
        police=police,
        hrss=hrss,
        clerk=WindowClerkFactory(username=f"{prefix}clerk", service_centre=centre, real_name="窗口王"),
        approver=ApproverFactory(username=f"{prefix}approver", department=police, real_name="审批李"),
        other_approver=ApproverFactory(username=f"{prefix}approver2", department=hrss, real_name="人社赵"),
        head=DepartmentHeadFactory(username=f"{prefix}head", department=police, real_name="局长陈"),
        supervisor=SupervisorFactory(username=f"{prefix}supervisor", division=div, real_name="督办周"),
        applicant=CitizenFactory(
            username=f"{prefix}zhangsan",
            real_name=applicant_name,
            id_number=make_resident_id(area, born, 11),
            phone=phone,
        ),
        other_citizen=CitizenFactory(
            username=f"{prefix}lisi", real_name="李四", id_number=make_resident_id(area, born, 13), phone=phone
        ),
        version=newborn_version(div, police),
    )


def outsiders(w: World, *departments: Department) -> dict[str, User | None]:
    """Everyone with no business with the world's cases, by role: another citizen, the clerk of 越城区's
    centre (which serves the world's departments and ``departments`` too, yet received nothing), an approver
    and a head of 人社, the supervisor of 越城区, a catalogue administrator, and no one (None: anonymous)."""
    yuecheng = DivisionFactory(code="330602")
    centre = ServiceCentreFactory(
        division=yuecheng,
        name="越城区政务服务中心",
        address="绍兴市越城区",
        opening_hours="周一至周五",
        departments=[w.police, w.hrss, *departments],
    )
    return {
        "other_citizen": w.other_citizen,
        "other_centre_clerk": WindowClerkFactory(username="clerk2", service_centre=centre, real_name="外人"),
        "other_department_approver": w.other_approver,
        "other_department_head": DepartmentHeadFactory(username="head2", department=w.hrss, real_name="外人"),
        "other_jurisdiction_supervisor": SupervisorFactory(username="supervisor2", division=yuecheng, real_name="外人"),
        "catalogue_admin": CatalogueAdminFactory(username="catadmin", division=w.centre.division, real_name="外人"),
        "anonymous": None,
    }


def form(w: World) -> dict[str, str]:
    """The world's item form, answered by the world's applicant in their own name."""
    return {
        "applicant_name": w.applicant.real_name,
        "applicant_id_number": w.applicant.id_number or "",
        "child_name": "张小宝",
        "child_birth_date": "2026-11-01",
    }


# --- cases in a state, through the services -------------------------------------------------------------------

# Who comes to the window in the world's at-window applications unless told otherwise: the other citizen's
# ID (so the case is also that account's), under the name and phone given at the desk.
WINDOW_APPLICANT = {"name": "王五", "phone": "13900000000"}
IDENTITY_CHECK = "读取居民身份证芯片并人证比对"
PAPER = ("居民身份证", "出生医学证明")
# The path to each state: the state it starts from and the step taken.
ROUTES: dict[str, tuple[str | None, str]] = {
    S.DRAFT: (None, "start"),
    S.SUBMITTED: (S.DRAFT, "submit"),
    S.CORRECTION: (S.SUBMITTED, "request_correction"),
    S.REFUSED: (S.SUBMITTED, "refuse"),
    S.WITHDRAWN: (S.SUBMITTED, "withdraw"),
    S.IN_PROGRESS: (S.SUBMITTED, "accept"),
    S.RETURNED: (S.IN_PROGRESS, "return_for_correction"),
    S.SUSPENDED: (S.IN_PROGRESS, "suspend"),
    S.DECIDED: (S.IN_PROGRESS, "decide"),
    S.CLOSED: (S.DECIDED, "issue_result"),
}


def steps_to(routes: dict[str, tuple[str | None, str]], target: str) -> list[str]:
    """The steps from nothing to ``target``, first step first."""
    steps: list[str] = []
    state: str | None = target
    while state is not None:
        state, step = routes[state]
        steps.insert(0, step)
    return steps


class CaseFactory(DjangoModelFactory[Case]):
    """A case of the world's item brought to ``status`` through the case services, each step by the person
    whose step it is: ``CaseFactory(world=w, status="decided")``.

    ``channel``: "online" (the world's applicant applies and uploads ``uploads``, the 结婚证 unless told
    otherwise) or "window" (the clerk receives ``window_applicant`` with ``paper`` checked, ``agent`` a
    proxy's details, and scans ``uploads``, none unless told). ``deferrals``: accepted
    with these materials brought later (容缺); ``awaiting_decision``: every review step done; ``grant``: the
    decision; ``form_extra``: more form values as if the item's form asked for them."""

    class Meta:
        model = Case

    world: World | None = None
    status = S.SUBMITTED
    channel = "online"
    uploads: Sequence[str] | None = None
    window_applicant: dict[str, str] | None = None
    agent: s.WindowAgent | None = None
    paper: Sequence[str] = PAPER
    deferrals: Sequence[s.Deferral] = ()
    awaiting_decision = False
    grant = True
    form_extra: dict[str, Any] | None = None

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        w = kwargs.pop("world")
        if w is None:
            raise TypeError("give CaseFactory its world: CaseFactory(world=w, status=…)")
        return bring_to(w, S(kwargs.pop("status")), **kwargs)


def bring_to(
    w: World,
    status: CaseStatus,
    *,
    channel: str = "online",
    uploads: Sequence[str] | None = None,
    window_applicant: dict[str, str] | None = None,
    agent: s.WindowAgent | None = None,
    paper: Sequence[str] = PAPER,
    deferrals: Sequence[s.Deferral] = (),
    awaiting_decision: bool = False,
    grant: bool = True,
    form_extra: dict[str, Any] | None = None,
) -> Case:
    """The steps of ``CaseFactory``; see there."""
    if status not in ROUTES:
        raise ValueError(f"CaseFactory cannot bring a case to “{status}”")
    if channel == "window" and status is S.DRAFT:
        raise ValueError("the window receives applications, it makes no drafts")
    clerk, approver = s.Ctx(w.clerk, "window", w.window), s.Ctx(w.approver)
    applicant = s.Ctx(w.applicant, "online")
    deferred = {d.material for d in deferrals}
    case: Case | None = None
    for step in steps_to(ROUTES, status):
        if step == "start" and channel == "online":
            case = _with_form_extra(s.start_online(applicant, w.version.implementation, form(w)), form_extra)
            for name in ("结婚证",) if uploads is None else uploads:
                if name not in deferred:
                    s.attach_material(applicant, case, name, f"{name}.png", PNG)
            continue
        if step == "start":  # at the window: received, hence submitted
            case = s.apply_at_window(
                clerk,
                w.version.implementation,
                applicant=window_applicant or {**WINDOW_APPLICANT, "id_number": w.other_citizen.id_number or ""},
                identity_check=IDENTITY_CHECK,
                form_data=form(w),
                paper_materials=list(paper),
                # The principal came along unless the test says how the clerk checked them.
                agent=s.WindowAgent(principal_check=PRINCIPAL_PRESENT, **agent) if agent else None,
            )
            case = _with_form_extra(case, form_extra)
            for name in uploads or ():
                s.attach_material(clerk, case, name, f"{name}.png", PNG)
            case = Case.objects.get(pk=case.pk)
            continue
        assert case is not None
        if step == "submit":
            case = case if channel == "window" else s.submit(applicant, case, case.revision)
        elif step == "request_correction":
            case = s.request_correction(clerk, case, ["缺少父亲签字"], case.revision)
        elif step == "refuse":
            case = s.refuse(clerk, case, "不属于本机关职权范围", case.revision)
        elif step == "withdraw":  # the applicant's own step, whoever received the application
            case = s.withdraw(s.Ctx(case.applicant, "online"), case, "不再需要", case.revision)
        elif step == "accept":  # the clerk holds what the guide requires, less what is promised (容缺)
            hold_missing(case, but=deferred)
            case = s.accept(clerk, case, case.revision, list(deferrals))
            if awaiting_decision and status is S.IN_PROGRESS:
                case = _review(approver, case)
        elif step == "return_for_correction":
            case = s.return_for_correction(approver, case, ["结婚证不清晰"], "材料不清", case.revision)
        elif step == "suspend":
            case = s.suspend(approver, case, "专家评审", "需组织专家评审", case.revision)
        elif step == "decide":
            case = _review(approver, case)
            reason = "符合《户口登记条例》第七条" if grant else "不符合落户条件"
            case = s.decide(approver, case, grant, reason, case.revision)
        elif step == "issue_result":
            case = s.issue_result(clerk, case, "window", case.revision)
    assert case is not None and case.status == status, (status, case and case.status)
    return case


def _with_form_extra(case: Case, extra: dict[str, Any] | None) -> Case:
    """Form values the world's guide does not ask for (an address for the post …), as if it did: written
    past the services, which would refuse a field the form does not declare."""
    if extra:
        Case.objects.filter(pk=case.pk).update(form_data={**case.form_data, **extra})
        case.refresh_from_db()
    return case


def _review(approver: s.Ctx, case: Case) -> Case:
    while not case.awaiting_decision:
        case = s.complete_step(approver, case, "材料齐全，符合规定", case.revision)
    return case


# --- bundle applications ------------------------------------------------------------------------------------


def material(name: str, necessity: str = "required", replaceable: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "source": "government" if replaceable else "applicant",
        "material_type": "copy",
        "form": "either",
        "copies": 1,
        "necessity": necessity,
        "licence_replaceable": replaceable,
        "licence_type": "居民身份证" if replaceable else "",
    }


ID_CARD = material("居民身份证", replaceable=True)


@dataclass
class Env:
    w: World
    bundle: Bundle
    items: dict[str, BundleItem]
    doctor: User  # approver of the health department
    health: Department


def uploads_bundle(div: Division, police: Department, code: str = "B-NEWBORN") -> tuple[Bundle, Department]:
    """新生儿出生 with materials the applicant really uploads: 父母结婚证 is needed by all three items
    (uploaded once), the certificate reaches 新生儿入户 as its result, 预防接种登记表 may be deferred."""
    health = DepartmentFactory(division=div, name=f"{div.name}卫生健康局", kind="health")
    cert = PublishedVersionFactory(
        name="出生医学证明",
        division=div,
        department=health,
        materials=[ID_CARD, material("父母结婚证"), material("住院分娩记录")],
    )
    vacc = PublishedVersionFactory(
        name="预防接种证",
        division=div,
        department=health,
        materials=[ID_CARD, material("父母结婚证（复印件）"), material("儿童预防接种登记表", "deferrable")],
        promised_days=3,
    )
    reg = PublishedVersionFactory(
        name="新生儿入户",
        division=div,
        department=police,
        materials=[ID_CARD, material("出生医学证明"), material("父母结婚证"), material("居民户口簿")],
    )
    bundle = BundleFactory(code=code, division=div, lead_department=health)
    first = BundleItemFactory(bundle=bundle, implementation=cert.implementation, order=1)
    BundleItemFactory(bundle=bundle, implementation=vacc.implementation, order=2)
    BundleItemFactory(
        bundle=bundle, implementation=reg.implementation, order=3, result_as_material="出生医学证明", depends_on=[first]
    )
    return publish_bundle(bundle), health


def make_env(w: World | None = None, *, prefix: str = "", bundle_code: str = "B-NEWBORN") -> Env:
    """The bundle world of ``w`` (a new ``world()`` unless given; ``prefix`` as its usernames')."""
    w = w or world()
    bundle, health = uploads_bundle(w.centre.division, w.police, bundle_code)
    w.centre.departments.add(health)
    doctor = ApproverFactory(username=f"{prefix}health_approver", department=health, real_name="卫健刘")
    items = {i.implementation.entry.name: i for i in bundle.items.all()}
    return Env(w, bundle, items, doctor, health)


BUNDLE_FORM = {"applicant_name": "张三", "child_name": "张小宝", "child_birth_date": "2026-09-20"}
BUNDLE_UPLOADS = ("父母结婚证", "住院分娩记录", "居民户口簿")
P = BundleCase.Phase
# The path to each phase: the phase it starts from and the step taken.
BUNDLE_ROUTES: dict[str, tuple[str | None, str]] = {
    P.DRAFT: (None, "start"),
    P.SUBMITTED: (P.DRAFT, "submit"),
    P.CORRECTION: (P.SUBMITTED, "request_correction"),
    P.IN_PROGRESS: (P.SUBMITTED, "accept"),
    P.READY: (P.IN_PROGRESS, "decide_all"),
    P.CLOSED: (P.READY, "issue_results"),
}


class BundleCaseFactory(DjangoModelFactory[BundleCase]):
    """A 新生儿出生 bundle case of the env's applicant brought to ``phase`` through the services:
    ``BundleCaseFactory(env=e, phase="in_progress", decided=["出生医学证明"])``. ``result_mode``: chosen before
    submitting; ``decided``: items granted by their department once accepted (their dependants start);
    ``uploads``: what the applicant uploads while drafting."""

    class Meta:
        model = BundleCase

    env: Env | None = None
    phase = P.SUBMITTED
    result_mode = BundleCase.ResultMode.TOGETHER
    decided: Sequence[str] = ()
    uploads: Sequence[str] = BUNDLE_UPLOADS

    @classmethod
    def _create(cls, model_class: type[BundleCase], *args: Any, **kwargs: Any) -> BundleCase:
        env = kwargs.pop("env")
        if env is None:
            raise TypeError("give BundleCaseFactory its env: BundleCaseFactory(env=make_env(), phase=…)")
        return bring_bundle_to(env, BundleCase.Phase(kwargs.pop("phase")), **kwargs)


def bring_bundle_to(
    env: Env,
    phase: str,
    *,
    result_mode: str = BundleCase.ResultMode.TOGETHER,
    decided: Sequence[str] = (),
    uploads: Sequence[str] = BUNDLE_UPLOADS,
) -> BundleCase:
    """The steps of ``BundleCaseFactory``; see there."""
    if phase not in BUNDLE_ROUTES:
        raise ValueError(f"BundleCaseFactory cannot bring a bundle case to “{phase}”")
    applicant, clerk = s.Ctx(env.w.applicant, "online"), s.Ctx(env.w.clerk, "window", env.w.window)
    bc: BundleCase | None = None
    for step in steps_to(BUNDLE_ROUTES, phase):
        if step == "start":
            bc = s.start_bundle_online(
                applicant, env.bundle, None, {**BUNDLE_FORM, "applicant_name": env.w.applicant.real_name}
            )
            for name in uploads:
                s.attach_bundle_material(applicant, bc, name, f"{name}.pdf", PDF)
            bc = BundleCase.objects.get(pk=bc.pk)
            if result_mode != bc.result_mode:
                bc = s.choose_result_mode(applicant, bc, result_mode, bc.revision)
            continue
        assert bc is not None
        if step == "submit":  # the window will find every material held (paper copies checked)
            bc = bundle_holding_all(s.submit_bundle(applicant, bc, bc.revision))
        elif step == "request_correction":
            bc = s.request_bundle_correction(clerk, bc, ["父母结婚证"], bc.revision)
        elif step == "accept":
            bc = s.accept_bundle(clerk, bc, bc.revision)
            for name in decided:
                grant_item(env, bc, name)
        elif step == "decide_all":
            for name in ("出生医学证明", "预防接种证", "新生儿入户"):
                if child(bc, name).status != S.DECIDED:
                    grant_item(env, bc, name)
        elif step == "issue_results":
            bc = BundleCase.objects.get(pk=bc.pk)
            bc = s.issue_bundle_results(clerk, bc, "window", bc.revision)
        bc = BundleCase.objects.get(pk=bc.pk)
    assert bc is not None and bc.phase == phase, (phase, bc and bc.phase)
    return bc


def bundle_at_window(env: Env, paper: Sequence[str] = BUNDLE_UPLOADS, bundle: Bundle | None = None) -> BundleCase:
    """The env's bundle (or ``bundle``) received at the window for the world's applicant, with these paper
    copies checked by the clerk and nothing else."""
    return s.apply_bundle_at_window(
        s.Ctx(env.w.clerk, "window", env.w.window),
        bundle or env.bundle,
        item_ids=None,
        applicant={"name": "张三", "id_number": env.w.applicant.id_number or "", "phone": "13900000000"},
        identity_check=IDENTITY_CHECK,
        form_data={**BUNDLE_FORM, "applicant_id_number": env.w.applicant.id_number},
        paper_materials=list(paper),
    )


def child(bc: BundleCase, name: str) -> Case:
    """The bundle case's item named ``name``."""
    return Case.objects.select_related("version").get(bundle_case_id=bc.pk, version__name=name)


def grant_item(env: Env, bc: BundleCase, name: str) -> Case:
    """The item's department grants it (the health department's approver, else the world's police approver)."""
    kid = child(bc, name)
    approver = env.doctor if kid.deciding_department_id == env.health.pk else env.w.approver
    return s.decide(s.Ctx(approver), kid, True, "符合规定", kid.revision)


def answers(w: World) -> dict[str, Any]:
    return {
        "f_applicant_name": "张三",
        "f_applicant_id_number": w.applicant.id_number,
        "f_child_name": "张小宝",
        "f_child_birth_date": "2026-09-20",
    }


def token() -> str:
    return new_token()


def files(**named: bytes) -> dict[str, Any]:
    return {
        material_field(name): SimpleUploadedFile(f"{name}.pdf", content, "application/pdf")
        for name, content in named.items()
    }


# --- the case API (/api/v1) as a client with one user's token ---------------------------------------------


def auth(user: Any) -> dict[str, Any]:
    raw, _ = issue_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def calendar_year_post(year: int, basis: str, days: list[tuple[dt.date, str, str]]) -> dict[str, str]:
    """The admin's 年度节假日安排 form (workdays.admin) with its inline days: (date, kind, name)."""
    data = {
        "year": str(year),
        "basis": basis,
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (date, kind, name) in enumerate(days):
        data.update({f"days-{i}-date": date.isoformat(), f"days-{i}-kind": kind, f"days-{i}-name": name})
    return data


def holding_all(case: Any) -> Any:
    """The case (or case number) with every material its guide requires held, as a window clerk ticks the
    paper copies checked: acceptance says the materials are complete, so it needs them all."""
    row = Case.objects.get(number=case) if isinstance(case, str) else case
    if isinstance(case, dict):
        row = Case.objects.get(number=case["number"])
    hold_missing(row)
    return case


def hold_missing(case: Case, but: Iterable[str] = ()) -> None:
    """Paper copies checked at the window for every material the case still lacks, except ``but``."""
    from tongban.cases.facts import case_facts
    from tongban.cases.models import CaseMaterial

    facts = case_facts(case)
    names = [n for n in facts.missing_required + facts.missing_deferrable if n not in set(but)]
    CaseMaterial.objects.bulk_create([CaseMaterial(case=case, name=name, paper_checked=True) for name in names])


def bundle_holding_all(bundle_case: Any) -> Any:
    """The bundle case (or its number) with every material its items require held (see ``holding_all``)."""
    from tongban.cases.models import BundleCase, Case

    number = bundle_case if isinstance(bundle_case, str) else bundle_case.number
    for child in Case.objects.filter(bundle_case=BundleCase.objects.get(number=number)):
        holding_all(child)
    return bundle_case


class Api:
    """A client of /api/v1 acting with one user's bearer token (or none)."""

    def __init__(self, client: Client, who: Any = None):
        self.client, self.user = client, who
        self.headers: dict[str, Any] = auth(who) if who is not None else {}

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | bytes | None = None, **headers: Any) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post("/api/v1" + path, data, content_type="application/json", **self.headers, **headers)

    def upload(self, number: str, name: str, filename: str, content: bytes) -> Any:
        return self.client.post(
            f"/api/v1/cases/{number}/materials",
            {"name": name, "file": SimpleUploadedFile(filename, content)},
            **self.headers,
        )

    def act(self, case: dict | str, action: str, revision: int | None = None, **body: Any) -> Any:
        number = case if isinstance(case, str) else case["number"]
        if revision is None and isinstance(case, dict):
            revision = case["revision"]
        return self.post(f"/cases/{number}/actions/{action}", {"revision": revision, **body})

    def apply(self, w: World, *, submit: bool = True, key: str | None = None, **form_extra: Any) -> Any:
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.post(
            "/cases",
            {"implementation": w.version.implementation.code, "form_data": {**form(w), **form_extra}, "submit": submit},
            **headers,
        )

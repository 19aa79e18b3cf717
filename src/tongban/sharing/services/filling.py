"""Forms filled from shared data: the sharing app as the case domain's ``SharedDataSource``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.audit.services import record as audit
from tongban.cases.shared_data import Filled, FilledValue
from tongban.catalogue.models import ItemImplementation
from tongban.core.actor import Actor

from ..domain import credit
from ..domain import filling as table
from ..models import CreditMeasure, DataResource, IntakeLink
from ..providers import infos
from ..selectors import subject_code_of
from . import consent as consents
from .access import ask, consent_in_force, own

OWN_PURPOSE = "本人网上申请，填写申请表"
CREDIT_LABELS = {"dishonest": "失信", "good": "守信（良好记录）", "none": "无失信记录"}


def measure_lines() -> list[credit.Line]:
    rows = CreditMeasure.objects.select_related("item")
    return [
        credit.Line(credit.Standing(r.standing), credit.Measure(r.measure), r.item.code if r.item else "") for r in rows
    ]


def _needs_consent(resource: DataResource, role: str) -> bool:
    return resource.rules.filter(role=role, needs_consent=True).exists()


CREDIT_CHECK_PURPOSE = "受理时核查信用（容缺受理、告知承诺是否适用）"


class PlatformSharedData:
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
        impl = ItemImplementation.objects.select_related("published_version").filter(code=item_code).first()
        version = impl.published_version if impl else None
        if impl is None or version is None:
            return Filled(refusals=("没有找到该事项",))
        purpose = f"受理申请：{version.name}"
        materials = [m.name for m in version.materials.all()]
        values: list[FilledValue] = []
        refusals: list[str] = []
        replaceable: list[str] = []
        resources = DataResource.objects.filter(active=True).select_related("department")
        by_provider = {r.provider: r for r in resources}
        role = str(actor.staff_role or "")
        for provider in table.SOURCES_BY_KIND.get(subject_kind, ()):
            resource = by_provider.get(provider)
            wanted = table.wanted(provider, form_keys)
            if resource is None or not wanted:
                continue
            if (
                consent
                and _needs_consent(resource, role)
                and consent_in_force(subject_code, resource, item_code) is None
            ):
                consents.give(
                    subject_code=subject_code,
                    subject_name="",
                    resource=resource,
                    fields=sorted(wanted),
                    purpose=purpose,
                    controllers=f"{impl.department.name}；受理窗口所在服务中心",
                    collected="window",
                    item_code=item_code,
                    recorded_by=user,
                    ip=ip,
                )
            answer = ask(
                user,
                actor,
                resource_code=resource.code,
                subject_code=subject_code,
                fields=sorted(wanted),
                purpose=purpose,
                item_code=item_code,
                intake_key=intake_key,
                ip=ip,
            )
            source = f"{resource.name}（{resource.department.name}）"
            if answer.refused:
                refusals.append(f"{resource.name}：{answer.decision.message}")
                continue
            if not answer.found:
                refusals.append(f"{resource.name}：没有该主体的记录，请按证件手工填写")
                continue
            labels = dict(infos()[provider].fields)
            values += [FilledValue(wanted[k], labels.get(k, k), v, source) for k, v in answer.values.items()]
            replaceable += table.replaced(materials, resource.replaced_material_names())
        credit = self._credit(user, actor, by_provider.get("credit"), subject_code, item_code, intake_key, purpose, ip)
        return Filled(tuple(values), tuple(refusals), tuple(dict.fromkeys(replaceable)), credit)

    def _credit(
        self,
        user: Any,
        actor: Actor,
        resource: DataResource | None,
        subject_code: str,
        item_code: str,
        intake_key: str,
        purpose: str,
        ip: str,
    ) -> str:
        """The credit base's answer for the clerk (失信 → restrictions, a good record → 容缺/告知承诺), if the
        catalogue lets the clerk ask it for this item."""
        if resource is None or not resource.rules.filter(role=str(actor.staff_role or "")).exists():
            return ""
        answer = ask(
            user,
            actor,
            resource_code=resource.code,
            subject_code=subject_code,
            fields=["standing", "list_name"],
            purpose=purpose,
            item_code=item_code,
            intake_key=intake_key,
            ip=ip,
        )
        if answer.refused or not answer.found:
            return ""
        value = answer.values.get("standing", "")
        standing = CREDIT_LABELS.get(value, "")
        listed = answer.values.get("list_name", "")
        said = f"{standing}（{listed}）" if listed else standing
        measures = (
            credit.applicable(credit.Standing(value), item_code, measure_lines()) if value in CREDIT_LABELS else []
        )
        if measures:
            said += "：" + "；".join(credit.MEASURE_LABELS[m] for m in measures)
        return said

    def credit_measures(
        self, user: Any, actor: Actor, *, item_code: str, subject_code: str, case_number: str, ip: str
    ) -> frozenset[str]:
        """The credit measures (domain.credit) that apply to this applicant for this item, asked of the credit
        base for the case at hand (an access on the subject's record); none where the catalogue does not let
        this requester ask, or the base has no line for the subject."""
        resource = DataResource.objects.filter(active=True, provider="credit").first()
        if resource is None or not resource.rules.filter(role=str(actor.staff_role or "")).exists():
            return frozenset()
        answer = ask(
            user,
            actor,
            resource_code=resource.code,
            subject_code=subject_code,
            fields=["standing"],
            purpose=CREDIT_CHECK_PURPOSE,
            case_number=case_number,
            item_code=item_code,
            ip=ip,
        )
        value = answer.values.get("standing", "") if not answer.refused and answer.found else ""
        if value not in CREDIT_LABELS:
            return frozenset()
        return frozenset(m.value for m in credit.applicable(credit.Standing(value), item_code, measure_lines()))

    def fill_own(self, user: Any, *, item_code: str, form_keys: frozenset[str], ip: str) -> Filled:
        kind = "legal" if getattr(user, "uscc", None) else "natural"
        by_provider = {r.provider: r for r in DataResource.objects.filter(active=True).select_related("department")}
        values: list[FilledValue] = []
        refusals: list[str] = []
        for provider in table.SOURCES_BY_KIND[kind]:
            resource = by_provider.get(provider)
            wanted = {k: v for k, v in table.wanted(provider, form_keys).items() if v}
            if resource is None or not wanted:
                continue
            answer = own(
                user,
                resource_code=resource.code,
                fields=sorted(wanted),
                purpose=OWN_PURPOSE,
                item_code=item_code,
                ip=ip,
            )
            if answer.refused or not answer.found:
                refusals.append(f"{resource.name}：没有可用的数据，请自行填写")
                continue
            labels = dict(infos()[provider].fields)
            source = f"{resource.name}（{resource.department.name}）"
            values += [FilledValue(wanted[k], labels.get(k, k), v, source) for k, v in answer.values.items()]
        return Filled(tuple(values), tuple(refusals))

    def consent_online(self, user: Any, *, item_code: str, case_number: str, ip: str) -> list[str]:
        impl = (
            ItemImplementation.objects.select_related("department", "published_version").filter(code=item_code).first()
        )
        code = subject_code_of(user)
        if impl is None or not code:
            return []
        needing = DataResource.objects.filter(active=True, rules__needs_consent=True).distinct()
        given = []
        for resource in needing:
            if consent_in_force(code, resource, item_code) is not None:
                continue
            fields = sorted({k for r in resource.rules.filter(needs_consent=True) for k in r.fields})
            consents.give(
                subject_code=code,
                subject_name=getattr(user, "real_name", ""),
                resource=resource,
                fields=fields,
                purpose=f"办理“{impl.published_version.name if impl.published_version else item_code}”（{case_number}）",
                controllers=f"{impl.department.name}；受理该申请的服务中心",
                collected="online_form",
                item_code=item_code,
                subject=user,
                ip=ip,
            )
            given.append(resource.name)
        return given

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
        with transaction.atomic():
            if IntakeLink.objects.filter(intake_key=intake_key).exists():
                return  # a replayed submission
            IntakeLink.objects.create(
                intake_key=intake_key[:80],
                case_number=case_number,
                subject_code=subject_code[:18],
                confirmed={k: True for k in confirmed},
                materials_replaced=materials,
            )
            audit(
                "sharing.confirmed",
                "case",
                case_number,
                actor=user,
                detail={"fields": confirmed, "materials_replaced": materials},
            )

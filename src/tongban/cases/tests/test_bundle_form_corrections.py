"""A bundle case's correction names fields of its one form as well as materials, like a single case's: the
applicant changes those fields only, in the one form and in each item that asks them, and every change is an
event with what changed, on the page and in the API. An item's own 退回补正 of a field reaches the one form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tongban.cases import services as s
from tongban.cases.models import BundleCase, Case, CaseEvent
from tongban.cases.tests.factories import TODAY, BundleCaseFactory, Env, auth, child, make_env
from tongban.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_env()


def page(who: Any, bc: BundleCase) -> str:
    client = Client()
    client.force_login(who)
    return re.sub(r"\s+", " ", client.get(f"/bundles/cases/{bc.number}/").content.decode())


def api(who: Any, bc: BundleCase) -> dict[str, Any]:
    return Client().get(f"/api/v1/bundle-cases/{bc.number}", **auth(who)).json()


def act(who: Any, bc: BundleCase, action: str, **body: Any) -> Any:
    return Client().post(
        f"/api/v1/bundle-cases/{bc.number}/actions/{action}",
        {"revision": BundleCase.objects.get(pk=bc.pk).revision, **body},
        content_type="application/json",
        **auth(who),
    )


def test_a_bundles_correction_names_form_fields_and_the_applicant_changes_those_only(env: Env) -> None:
    bc = BundleCaseFactory(env=env, phase="submitted")
    client = Client()
    client.force_login(env.w.clerk)
    r = client.post(
        f"/bundles/cases/{bc.number}/do/correction/",
        {"revision": bc.revision, "items": ["父母结婚证"], "form_fields": ["child_name"]},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.correction_items == ["父母结婚证", "申请表“新生儿姓名”栏需更正"]
    assert bc.correction_fields == ["child_name"]
    assert {c.version.name: c.correction_fields for c in Case.objects.filter(bundle_case=bc)} == {
        "出生医学证明": ["child_name"],
        "预防接种证": ["child_name"],
        "新生儿入户": ["child_name"],
    }
    # The applicant's page asks for the named field alone.
    mine = page(env.w.applicant, bc)
    fix = mine.split('id="fix-fields"')[1].split("</fieldset>")[0]
    assert 'name="f_child_name"' in fix and "f_child_birth_date" not in fix
    # Any other field is refused, whoever sends it.
    refused = act(env.w.applicant, bc, "resubmit", form_data={"child_birth_date": "2026-09-21"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "field_not_named"
    assert BundleCase.objects.get(pk=bc.pk).phase == "correction"
    # A corrected answer the form does not accept stays on the page with its reason.
    client.force_login(env.w.applicant)
    r = client.post(f"/bundles/cases/{bc.number}/do/resubmit/", {"revision": bc.revision, "f_child_name": ""})
    assert r.status_code == 400 and BundleCase.objects.get(pk=bc.pk).phase == "correction"
    r = client.post(f"/bundles/cases/{bc.number}/do/resubmit/", {"revision": bc.revision, "f_child_name": "张晓宝"})
    assert r.status_code == 302, r.content.decode()[:2000]
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.phase == "submitted" and bc.form_data["child_name"] == "张晓宝" and bc.correction_fields == []
    change = {"field": "child_name", "label": "新生儿姓名", "before": "张小宝", "after": "张晓宝"}
    assert bc.events.get(action="resubmit").data == {"changed": [change]}
    for kid in Case.objects.filter(bundle_case=bc):
        assert kid.form_data["child_name"] == "张晓宝" and kid.correction_fields == []
        assert CaseEvent.objects.get(case=kid, action="resubmit").data == {"changed": [change]}
    # On the page and in the API, what changed: the answers to those who see them, the field to a supervisor.
    assert "更正申请表：新生儿姓名（张小宝 → 张晓宝）" in page(env.w.clerk, bc)
    resubmitted = [e for e in api(env.w.applicant, bc)["events"] if e["action"] == "resubmit"]
    assert resubmitted[0]["changes"] == [change]
    masked = [e for e in api(env.w.supervisor, bc)["events"] if e["action"] == "resubmit"]
    assert masked[0]["changes"] == [{**change, "before": None, "after": None}]
    assert "张晓宝" not in page(env.w.supervisor, bc)


def test_the_api_names_fields_in_a_correction_and_refuses_unknown_ones(env: Env) -> None:
    bc = BundleCaseFactory(env=env, phase="submitted")
    unknown = act(env.w.clerk, bc, "request_correction", items=["父母结婚证"], fields=["father_name"])
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "fields"
    done = act(env.w.clerk, bc, "request_correction", items=[], fields=["child_birth_date"])
    assert done.status_code == 200, done.content[:300]
    body = done.json()
    assert body["correction_fields"] == ["child_birth_date"]
    assert body["correction_items"] == ["申请表“出生日期”栏需更正"]
    again = act(env.w.applicant, bc, "resubmit", form_data={"child_birth_date": "2026-09-21"})
    assert again.status_code == 200 and again.json()["form_data"]["child_birth_date"] == "2026-09-21"


def test_an_items_return_for_correction_of_a_field_reaches_the_one_form(env: Env) -> None:
    bc = BundleCaseFactory(env=env, phase="in_progress")
    cert = child(bc, "出生医学证明")
    cert = s.return_for_correction(
        s.Ctx(env.doctor), cert, [], "姓名与住院记录不一致", cert.revision, fields=["child_name"]
    )
    assert cert.correction_items == ["申请表“新生儿姓名”栏需更正"]
    s.supply_correction(s.Ctx(env.w.applicant, "online"), cert, cert.revision, {"child_name": "张晓宝"})
    bc = BundleCase.objects.get(pk=bc.pk)
    assert bc.form_data["child_name"] == "张晓宝"
    event = bc.events.get(action="form_corrected")
    assert event.data["item"] == "出生医学证明" and event.data["changed"][0]["after"] == "张晓宝"
    assert event.data["others"] == ["预防接种证", "新生儿入户"]  # they hold the earlier answer, as given
    assert child(bc, "预防接种证").form_data["child_name"] == "张小宝"
    shown = page(env.w.clerk, bc)
    assert "事项补正更正申请表" in shown and "“预防接种证、新生儿入户”仍按原填写内容办理" in shown
    assert [e["action"] for e in api(env.w.applicant, bc)["events"]][-1] == "form_corrected"

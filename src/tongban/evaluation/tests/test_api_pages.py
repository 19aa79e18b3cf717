"""The API (/api/v1/evaluation/…) and the pages: the public figures, the applicant's form, the window screen
without sign-in, the office's handling and the seams on the case page and the supervision board."""

from __future__ import annotations

import pytest

from tongban.cases.tests.factories import Api
from tongban.core import clock
from tongban.evaluation import services
from tongban.evaluation.models import Evaluation, Rectification

from .factories import S, bring_to, dimensions, finished, world

pytestmark = pytest.mark.django_db


def test_api_rates_a_case_and_publishes_figures(client):
    dimensions()
    w, case = finished()
    public = Api(client)
    scale = public.get("/evaluation/scale").json()
    assert scale["levels"]["5"] == "非常满意" and scale["dimensions"]["attitude"] == "服务态度"
    assert scale["rectify_days"] == [5, 15]
    assert Api(client, w.other_citizen).post(f"/evaluation/cases/{case.number}/rating", {"level": 5}).status_code == 404
    me = Api(client, w.applicant)
    bad = me.post(f"/evaluation/cases/{case.number}/rating", {"level": 9})
    assert bad.status_code in (400, 422) and "error" in bad.json()
    no_reason = me.post(f"/evaluation/cases/{case.number}/rating", {"level": 1})
    assert no_reason.status_code == 400 and no_reason.json()["error"]["field"] == "comment"
    made = me.post(
        f"/evaluation/cases/{case.number}/rating", {"level": 1, "comment": "材料反复退回", "scores": {"guide": 1}}
    )
    assert made.status_code == 201 and made.json()["rectification_status"] == "pending"
    again = me.post(f"/evaluation/cases/{case.number}/rating", {"level": 5})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    figures = public.get("/evaluation/figures", {"by": "department"}).json()
    assert figures["overall"]["total"] == 1 and figures["overall"]["satisfaction_rate"] == 0.0
    assert figures["rows"][0]["per_level"]["非常不满意"] == 1 and figures["rows"][0]["rectification_rate"] == 0.0
    assert public.get("/evaluation/figures", {"by": "nobody"}).status_code in (400, 422)
    # the office's handling through the API
    office = Api(client, w.approver)
    (row,) = office.get("/evaluation/rectifications").json()
    assert Api(client, w.other_approver).get("/evaluation/rectifications").json() == []
    done = office.post(
        f"/evaluation/rectifications/{row['id']}/actions/rectify_at_once", {"note": "已更新办事指南", "revision": 0}
    )
    assert done.status_code == 200 and done.json()["status"] == "rectified"
    stale = office.post(f"/evaluation/rectifications/{row['id']}/actions/explain", {"note": "x", "revision": 0})
    assert stale.status_code == 409
    call = office.post(
        f"/evaluation/rectifications/{row['id']}/actions/call_back", {"note": "已回访", "satisfaction_after": 4}
    )
    assert call.status_code == 200 and call.json()["called_back"]
    after = public.get("/evaluation/figures").json()["overall"]
    assert after["rectification_rate"] == 100.0 and after["callback_rate"] == 100.0
    assert (
        Api(client, w.applicant)
        .post(f"/evaluation/rectifications/{row['id']}/actions/appeal", {"note": "x"})
        .status_code
        == 404
    )


def test_pages_case_link_rating_form_and_public_figures(client):
    w, case = finished()
    client.force_login(w.applicant)
    page = client.get(f"/cases/{case.number}/")
    assert 'id="rate-case"' in page.content.decode() and "评价本次服务" in page.content.decode()
    form = client.get(f"/evaluation/cases/{case.number}/")
    assert form.status_code == 200 and "非常不满意" in form.content.decode()
    refused = client.post(f"/evaluation/cases/{case.number}/", {"level": "2"})
    assert refused.status_code == 400 and "差评请写明" in refused.content.decode()
    sent = client.post(f"/evaluation/cases/{case.number}/", {"level": "2", "comment": "等了很久"})
    assert sent.status_code == 302 and Evaluation.objects.filter(case=case, level=2).exists()
    assert "已评价：不满意" in client.get(f"/cases/{case.number}/").content.decode()
    running = bring_to(w, S.IN_PROGRESS)
    assert 'id="rate-case"' not in client.get(f"/cases/{running.number}/").content.decode()
    client.logout()
    public = client.get("/evaluation/?by=department").content.decode()
    assert w.police.name in public and "满意率" in public and w.applicant.real_name not in public
    for by in ("item", "centre", "window", "clerk", "nonsense"):
        assert client.get(f"/evaluation/?by={by}").status_code == 200
    long_ago = client.get("/evaluation/?start=2020-01-01&end=2020-12-31").content.decode()
    assert 'id="overall-satisfaction">—<' in long_ago
    assert client.get("/evaluation/?start=nonsense").status_code == 200
    client.force_login(w.clerk)  # staff may not rate a case for the applicant
    assert client.get(f"/evaluation/cases/{case.number}/").status_code == 403


def test_the_window_screen_and_the_office_pages(client):
    w = world()
    case = bring_to(w, S.SUBMITTED, channel="window")
    client.force_login(w.clerk)
    assert 'id="open-screen"' in client.get(f"/cases/{case.number}/").content.decode()
    opened = client.post(f"/evaluation/window/{case.number}/")
    assert opened.status_code == 302 and "/evaluation/screen/" in opened.url
    client.logout()  # the applicant's tablet: nobody signed in
    screen = client.get(opened.url).content.decode()
    assert 'id="screen-qr"' in screen and "<svg" in screen
    done = client.post(opened.url, {"level": "1", "comment": "工作人员一直在看手机"})
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    assert client.get(opened.url).status_code == 410
    spent = client.post(opened.url, {"level": "5"})
    assert spent.status_code == 410 and 'id="screen-expired"' in spent.content.decode()
    rectification = Rectification.objects.get()
    client.force_login(w.approver)
    assert str(rectification.pk) in client.get("/evaluation/rectifications/").content.decode()
    page = client.post(
        f"/evaluation/rectifications/{rectification.pk}/", {"action": "explain", "note": "", "revision": "0"}
    )
    assert page.status_code == 400 and "请写明" in page.content.decode()
    ok = client.post(
        f"/evaluation/rectifications/{rectification.pk}/",
        {"action": "rectify_at_once", "note": "已批评教育", "revision": "0"},
    )
    assert ok.status_code == 302
    client.force_login(w.other_approver)
    assert client.get(f"/evaluation/rectifications/{rectification.pk}/").status_code == 404
    client.force_login(w.applicant)
    assert client.get("/evaluation/rectifications/").status_code == 403
    client.force_login(w.supervisor)
    board = client.get("/cases/supervision/").content.decode()
    assert 'id="evaluation-figures"' in board and "满意率 0.0%" in board


def test_the_screen_refuses_expired_or_forged_tokens(client):
    assert client.get("/evaluation/screen/forged/").status_code == 410
    assert client.post("/evaluation/screen/forged/", {"level": "5"}).status_code == 410
    assert services.invitation_of("forged") is None


def test_figures_for_a_period_and_a_region(client):
    w, case = finished()
    services.rate_case(w.applicant, case, services.EvaluationInput(level=5))
    public = Api(client)
    today = clock.today().isoformat()
    assert public.get("/evaluation/figures", {"start": today, "end": today}).json()["overall"]["total"] == 1
    assert (
        public.get("/evaluation/figures", {"start": "2020-01-01", "end": "2020-12-31"}).json()["overall"]["total"] == 0
    )
    wrong = public.get("/evaluation/figures", {"start": "2026-12-31", "end": "2026-01-01"})
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "start"
    assert public.get("/evaluation/figures", {"region": "330681"}).json()["overall"]["total"] == 1
    assert public.get("/evaluation/figures", {"region": "110101"}).status_code == 404

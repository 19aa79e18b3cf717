"""A licence's changes through the one entry point, and how the online and offline checks see them: revoked
at once online and, after the status list is re-signed (outbox), offline; expired; superseded by a 变更."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.audit.models import AuditEntry
from tongban.cases.services import SYSTEM, Ctx
from tongban.core.errors import DomainError
from tongban.notifications.models import LocalSmsMessage
from tongban.outbox.models import Message

from .. import offline
from ..domain.verdict import Outcome
from ..models import Annotation, LicenceEvent, LicenceVersion, StatusList, VerificationRecord
from ..selectors import qr_text
from ..services import keys, status
from ..services.perform import AnnotationInput, expire_due, perform
from ..services.verification import check
from .factories import issued, licence_world

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def offline_verdict(tmp_path: Path, text: str, today: dt.date | None = None) -> tuple[int, dict]:
    """What the command-line verifier says with the key list and status list as downloaded now."""
    (tmp_path / "keys.json").write_text(json.dumps(keys.key_list_document()), encoding="utf-8")
    (tmp_path / "status.json").write_text(json.dumps(status.current_document(1)), encoding="utf-8")
    args = [text, "--keys", str(tmp_path / "keys.json"), "--status", str(tmp_path / "status.json"), "--json"]
    if today:
        args += ["--today", today.isoformat()]
    out = io.StringIO()
    code = offline.run(args, out)
    return code, json.loads(out.getvalue())


def test_revocation_shows_online_at_once_and_offline_from_the_re_signed_list(
    client, tmp_path, django_capture_on_commit_callbacks
):
    w = licence_world()
    _, licence = issued(w)
    qr = qr_text(BASE, licence.versions.get())
    assert offline_verdict(tmp_path, qr)[1]["outcome"] == "valid"
    before = StatusList.objects.get(number=1).signed_generation

    with django_capture_on_commit_callbacks(execute=True):
        perform(Ctx(w.head), licence.identifier, "revoke", licence.revision, reason="以欺骗手段取得")

    page = client.get(reverse("licences:verify"), {"q": licence.identifier})
    assert page.status_code == 200 and 'data-outcome="revoked"' in page.content.decode()
    assert "已失效（吊销）" in page.content.decode()
    # the worker re-signed the list after the commit (tests run tasks at once)
    assert Message.objects.filter(topic=status.TOPIC).exists()
    assert StatusList.objects.get(number=1).signed_generation > before
    code, said = offline_verdict(tmp_path, qr)
    assert (code, said["outcome"], said["status_checked"]) == (1, "revoked", True)
    event = LicenceEvent.objects.get(licence=licence, action="revoke")
    assert event.reason == "以欺骗手段取得" and event.actor == w.head
    assert AuditEntry.objects.filter(action="licence.revoke", object_id=licence.identifier).exists()
    assert LocalSmsMessage.objects.filter(body__contains="已吊销").exists()


def test_suspension_is_lifted_and_only_the_issuing_department_acts(tmp_path):
    w = licence_world()
    _, licence = issued(w)
    with pytest.raises(DomainError) as refused:
        perform(Ctx(w.other_approver), licence.identifier, "suspend", licence.revision, reason="x")
    assert refused.value.status == 404
    with pytest.raises(DomainError) as refused:
        perform(Ctx(w.approver), licence.identifier, "revoke", licence.revision, reason="x")
    assert refused.value.status == 403
    licence = perform(Ctx(w.applicant), licence.identifier, "suspend", licence.revision, reason="证件遗失")
    qr = qr_text(BASE, licence.versions.get())
    assert offline_verdict(tmp_path, qr)[1]["outcome"] == "suspended"
    with pytest.raises(DomainError) as stale:
        perform(Ctx(w.approver), licence.identifier, "resume", licence.revision - 1, reason="找回")
    assert stale.value.status == 409
    licence = perform(Ctx(w.approver), licence.identifier, "resume", licence.revision, reason="已找回")
    assert offline_verdict(tmp_path, qr)[1]["outcome"] == "valid"


def test_a_change_makes_a_new_version_and_the_old_one_stays_verifiable_as_superseded(tmp_path):
    w = licence_world()
    case, licence = issued(w)
    first = licence.versions.get()
    changed = perform(
        Ctx(w.approver), licence.identifier, "change", licence.revision,
        reason="更正姓名", changes={"child_name": "张小宝宝"},
    )  # fmt: skip
    assert changed.version == 2 and changed.identifier.endswith(".002." + changed.identifier[-1])
    second = LicenceVersion.objects.get(licence=licence, number=2)
    assert second.content["fields"]["child_name"] == "张小宝宝"
    assert LicenceVersion.objects.get(pk=first.pk).content == first.content  # the old one untouched
    assert offline_verdict(tmp_path, qr_text(BASE, first))[1]["outcome"] == "superseded"
    assert offline_verdict(tmp_path, qr_text(BASE, second))[1]["outcome"] == "valid"
    online = check(first.identifier, channel="page")
    assert online.outcome is Outcome.SUPERSEDED and "现行版本为第2版" in online.reasons[-1]
    case.refresh_from_db()
    assert case.result_licence_id == first.identifier  # the case keeps what it issued


def test_an_annotation_leaves_the_signed_content_alone():
    w = licence_world()
    _, licence = issued(w)
    version = licence.versions.get()
    perform(
        Ctx(w.approver), licence.identifier, "annotate", licence.revision,
        reason="迁出登记", annotation=AnnotationInput("已迁往绍兴市越城区", valid_until=dt.date(2030, 1, 1)),
    )  # fmt: skip
    note = Annotation.objects.get(licence=licence)
    assert note.text == "已迁往绍兴市越城区" and note.author == w.approver and note.valid_until == dt.date(2030, 1, 1)
    assert LicenceVersion.objects.get(pk=version.pk).signature == version.signature
    assert check(licence.identifier, channel="page").outcome is Outcome.VALID


def test_licences_past_their_validity_expire(tmp_path):
    w = licence_world(validity_rule="until", validity_years=None, valid_until=dt.date(2027, 1, 31))
    _, licence = issued(w)
    qr = qr_text(BASE, licence.versions.get())
    assert offline_verdict(tmp_path, qr, dt.date(2027, 2, 1))[1]["outcome"] == "expired"
    assert expire_due(dt.date(2027, 1, 31)) == 0
    assert expire_due(dt.date(2027, 2, 1)) == 1
    licence.refresh_from_db()
    assert licence.status == "expired"
    assert check(licence.identifier, channel="page").outcome is Outcome.EXPIRED
    with pytest.raises(DomainError):
        perform(SYSTEM, licence.identifier, "expire", None)


def test_a_changed_record_is_refused_online():
    """A licence row changed behind the platform's back no longer matches its signature."""
    w = licence_world()
    _, licence = issued(w)
    version = licence.versions.get()
    tampered = {**version.content, "fields": {**version.content["fields"], "child_name": "李四"}}
    LicenceVersion.objects.filter(pk=version.pk).update(content=tampered)
    assert check(licence.identifier, channel="page").outcome is Outcome.FORGED


def test_every_check_is_recorded_with_when_and_where(client):
    w = licence_world()
    _, licence = issued(w)
    qr = qr_text(BASE, licence.versions.get())
    code = qr.rsplit("/", 1)[-1]
    page = client.get(f"/lv/{code}", HTTP_USER_AGENT="Phone/1.0", REMOTE_ADDR="10.1.2.3")
    assert page.status_code == 200 and 'data-outcome="valid"' in page.content.decode()
    # the public page masks the holder
    assert "张三" not in page.content.decode() and "张*" in page.content.decode()
    client.get(reverse("licences:verify"), {"q": code[:-2] + ("AA" if code[-2:] != "AA" else "BB")})
    rows = list(VerificationRecord.objects.order_by("id"))
    assert [(r.channel, r.outcome) for r in rows] == [("qr", "valid"), ("page", "forged")]
    assert rows[0].ip == "10.1.2.3" and rows[0].user_agent == "Phone/1.0" and rows[0].licence == licence
    assert rows[0].at <= timezone.now()
    # A typo is not a forgery: a malformed identifier is answered as unreadable, and says why.
    typo = client.get(reverse("licences:verify"), {"q": "1.2.156.3005.2.bogus"}).content.decode()
    assert 'data-outcome="unreadable"' in typo and "证照标识格式不正确" in typo and "伪造" not in typo


def test_the_command_line_verifier_runs_without_django(tmp_path):
    """`tongban licences verify` goes straight to the offline verifier: no settings, no database."""
    import subprocess
    import sys

    w = licence_world()
    _, licence = issued(w)
    (tmp_path / "keys.json").write_text(json.dumps(keys.key_list_document()), encoding="utf-8")
    (tmp_path / "status.json").write_text(json.dumps(status.current_document(1)), encoding="utf-8")
    (tmp_path / "qr.txt").write_text(qr_text(BASE, licence.versions.get()), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", "from tongban.cli import main; main()", "licences", "verify", str(tmp_path / "qr.txt"),
         "--keys", str(tmp_path / "keys.json"), "--status", str(tmp_path / "status.json")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "核验结果：有效" in run.stdout and licence.identifier in run.stdout

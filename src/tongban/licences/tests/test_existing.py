"""存量证照归集: licences an earlier system issued, registered through one service (rows, CSV, Excel, the
command, the admin), signed and verifiable like the platform's own, idempotent, every bad row refused with
its line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tongban.audit.models import AuditEntry
from tongban.cases.services import SYSTEM, Ctx
from tongban.core import sm2
from tongban.core.errors import DomainError
from tongban.core.identifiers import make_resident_id

from .. import offline
from ..domain import identifier as ids
from ..models import Licence, LicenceEvent
from ..selectors import qr_text
from ..services import keys, status
from ..services.existing import ExistingLicence, import_file, register_existing
from ..services.signing import seal_of
from ..services.verification import check
from .factories import licence_type, world

pytestmark = pytest.mark.django_db
HOLDER_ID = make_resident_id("330681", dt.date(1988, 2, 29), 41)
ISSUED = dt.date(dt.date.today().year - 5, 6, 1)  # within the test type's ten years whenever the tests run
HEADER = "证照类型代码,证照编号,持证主体,持证主体代码,颁发机构代码,颁发日期,有效期止,姓名,出生日期"


def record(kind_code: str, issuer_code: str, **changes) -> ExistingLicence:
    base = ExistingLicence(
        type_code=kind_code,
        number="330681-HK-2016-000123",
        holder_name="李四",
        holder_code=HOLDER_ID,
        issuer_code=issuer_code,
        issued_on=ISSUED,
        fields={"姓名": "李四", "birth_date": "1988-02-29"},
        source_system="原户籍管理系统",
    )
    return dataclasses.replace(base, **changes)


def test_an_earlier_licence_is_registered_signed_and_verifiable_like_the_platforms_own(tmp_path):
    w = world()
    kind = licence_type()
    licence, created = register_existing(SYSTEM, record(kind.code, w.police.uscc))
    assert created and licence.source == Licence.Source.EXISTING and licence.source_system == "原户籍管理系统"
    # the face number is the earlier system's; the identifier follows GB/T 36904 from a serial of its year
    assert licence.number == "330681-HK-2016-000123"
    parts = ids.parse(licence.identifier)
    assert (parts.type_code, parts.issuer_code, parts.serial, parts.version) == (
        kind.code,
        w.police.uscc,
        f"{ISSUED.year}0000001",
        1,
    )
    # validity from the type's rule (ten years) counted from the issue date
    assert (licence.issued_on, licence.valid_until) == (ISSUED, dt.date(ISSUED.year + 10, 5, 31))
    version = licence.versions.get()
    assert version.content["fields"] == {
        "child_name": "李四",
        "birth_date": "1988-02-29",
        "guardian": "",
        "registered_by": "",
    }
    assert version.content["source"] == {"kind": "existing", "system": "原户籍管理系统"}
    seal = seal_of(version)
    assert sm2.verify(bytes.fromhex(version.key.public_key), seal.signed_bytes(), seal.signature)
    assert LicenceEvent.objects.get(licence=licence).data["source_system"] == "原户籍管理系统"
    assert AuditEntry.objects.filter(action="licence.register_existing", object_id=licence.identifier).exists()


def test_registration_is_idempotent_and_verified_online_and_offline(tmp_path):
    w = world()
    kind = licence_type(validity_rule="permanent", validity_years=None)
    first, created = register_existing(SYSTEM, record(kind.code, w.police.uscc))
    again, created_again = register_existing(SYSTEM, record(kind.code, w.police.uscc))
    assert created and not created_again and again.pk == first.pk and Licence.objects.count() == 1
    assert check(first.identifier, channel="page").outcome.value == "valid"
    status.republish_all()
    (tmp_path / "keys.json").write_text(json.dumps(keys.key_list_document()), encoding="utf-8")
    (tmp_path / "status.json").write_text(json.dumps(status.current_document(1)), encoding="utf-8")
    out = io.StringIO()
    qr = qr_text("http://testserver", first.versions.get())
    code = offline.run([qr, "--keys", str(tmp_path / "keys.json"), "--status", str(tmp_path / "status.json")], out)
    assert code == 0, out.getvalue()


def _changed(kind_code: str, w, changes: dict) -> ExistingLicence:
    return dataclasses.replace(record(kind_code, w.police.uscc), **changes)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issued_on": dt.date(2010, 1, 4)}, "valid_until", "过期"),
        ({"holder_code": "330681198802290000"}, "applicant_id_number", "既不是有效的公民身份号码"),
        ({"type_code": "X" * 21}, "type_code", "不存在"),
        ({"issuer_code": "91330681MA2JY7C3XX"}, "issuer_code", "不是平台上的部门"),
        ({"fields": {"birth_date": "1988-02-29"}}, "fields", "缺少照面字段：姓名"),
        ({"issued_on": dt.date(2099, 1, 1)}, "issued_on", "不能晚于今天"),
    ],
)
def test_a_bad_record_is_refused_with_a_clear_message(changes, field, message):
    w = world()
    kind = licence_type()
    with pytest.raises(DomainError) as refused:
        register_existing(SYSTEM, _changed(kind.code, w, changes))
    assert refused.value.field == field and message in refused.value.message
    assert not Licence.objects.exists()


def test_only_the_issuing_departments_approvers_and_head_or_a_system_admin_register():
    w = world()
    kind = licence_type()
    with pytest.raises(DomainError) as refused:
        register_existing(Ctx(w.other_approver), record(kind.code, w.police.uscc))
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        register_existing(Ctx(w.applicant), record(kind.code, w.police.uscc))
    licence, created = register_existing(Ctx(w.approver), record(kind.code, w.police.uscc))
    assert created and LicenceEvent.objects.get(licence=licence).actor == w.approver


def test_a_csv_file_registers_each_good_row_and_names_each_bad_line():
    w = world()
    kind = licence_type()
    until = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    lines = [
        HEADER,
        f"{kind.code},HK-1,李四,{HOLDER_ID},{w.police.uscc},2020-01-02,{until},李四,1988-02-29",
        f"{kind.code},HK-2,王五,{HOLDER_ID},{w.police.uscc},2020/01/02,长期,王五,1988-02-29",
        f"{kind.code},HK-3,赵六,{HOLDER_ID},{w.police.uscc},去年,,赵六,",
        f"{kind.code},,钱七,{HOLDER_ID},{w.police.uscc},2020-01-02,,钱七,",
    ]
    data = ("\ufeff" + "\n".join(lines)).encode()
    report = import_file(SYSTEM, data, "户口簿.csv", "原户籍管理系统")
    assert len(report.created) == 2 and report.found == []
    assert [line for line, _ in report.errors] == [4, 5]
    assert "颁发日期“去年”不是日期" in report.errors[0][1] and "“证照编号”不能为空" in report.errors[1][1]
    permanent = Licence.objects.get(number="HK-2")
    assert permanent.valid_until is None and permanent.issued_on == dt.date(2020, 1, 2)
    assert str(Licence.objects.get(number="HK-1").valid_until) == until
    again = import_file(SYSTEM, data, "户口簿.csv", "原户籍管理系统")
    assert (len(again.created), len(again.found), len(again.errors)) == (0, 2, 2)


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_file_through_the_command_and_the_admin(tmp_path, client):
    w = world()
    kind = licence_type()
    header = HEADER.split(",")
    row = [kind.code, "HK-9", "李四", HOLDER_ID, w.police.uscc, dt.date(2021, 6, 1), None, "李四", "1988-02-29"]
    path = Path(tmp_path / "old.xlsx")
    path.write_bytes(_xlsx([header, row]))
    out = io.StringIO()
    call_command("licences", "import-existing", str(path), "--source-system", "原系统", stdout=out)
    assert "新归集 1 张" in out.getvalue()
    licence = Licence.objects.get(number="HK-9")
    assert licence.source_system == "原系统" and licence.valid_until == dt.date(2031, 5, 31)

    # the department's approver uploads the same file and one more row in the admin
    w.approver.is_staff = True
    w.approver.save(update_fields=["is_staff"])
    client.force_login(w.approver)
    url = reverse("admin:licences_licence_import_existing")
    changelist = client.get(reverse("admin:licences_licence_changelist"))
    assert url in changelist.content.decode()
    upload = io.BytesIO(_xlsx([header, row, [*row[:1], "HK-10", *row[2:]]]))
    upload.name = "old.xlsx"
    page = client.post(url, {"file": upload, "source_system": "原系统"})
    assert page.status_code == 200
    assert "新归集 1 张，已归集过 1 张，有误 0 行" in page.content.decode()
    assert Licence.objects.filter(source="existing").count() == 2
    shown = client.get(reverse("licences:detail", args=[licence.identifier])).content.decode()
    assert 'data-source="existing"' in shown and "原由原系统签发" in shown

    # a citizen may not open it
    client.force_login(w.applicant)
    assert client.get(url).status_code in (302, 403)

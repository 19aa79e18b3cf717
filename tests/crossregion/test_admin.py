"""The read-only admin of cross-region and joint cases: lists filter and search, pages load, personal data is
masked, opening a case is audited, nothing can be added or changed, and a clerk sees only their centre's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.core.testing.admin import change_url, login
from tongban.crossregion.models import CrossRegionCase

from .conftest import APPLICANT, take_move, take_no_crime, user

pytestmark = pytest.mark.django_db


def test_admin_lists_and_pages_are_read_only_masked_audited_and_scoped(federation):
    xcase = take_no_crime(federation)
    joint = take_move(federation)
    root = User.objects.create_superuser("xr_root", "root@example.cn", "Root-pass-2024")
    client = login(root)
    listing = client.get(reverse("admin:crossregion_crossregioncase_changelist"), {"q": xcase.ref, "mode": "proxy"})
    text = listing.content.decode()
    assert listing.status_code == 200 and xcase.ref in text and APPLICANT.id_number not in text
    page = client.get(change_url(xcase))
    text = page.content.decode()
    assert page.status_code == 200 and "读取居民身份证芯片并人证比对" in text and "窗口收件" in text  # the timeline
    assert APPLICANT.id_number not in text and APPLICANT.phone not in text
    assert AuditEntry.objects.filter(action="crossregion.view", object_id=str(xcase.pk), actor=root).exists()
    joint_page = client.get(change_url(joint))
    assert joint_page.status_code == 200 and "迁出" in joint_page.content.decode()
    assert client.get(reverse("admin:crossregion_jointcase_changelist"), {"phase": "running"}).status_code == 200
    assert client.get(reverse("admin:crossregion_crossregioncase_add")).status_code == 403
    assert client.post(change_url(xcase), {"status": "closed"}).status_code == 403
    assert CrossRegionCase.objects.get(pk=xcase.pk).status == "taken"

    for clerk, seen in (("zj_window", 200), ("jiyuan_window", 404)):  # another centre's: as if it did not exist
        staff = user(clerk)
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        assert login(staff).get(change_url(xcase)).status_code == seen, clerk

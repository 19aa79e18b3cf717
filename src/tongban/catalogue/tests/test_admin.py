"""The catalogue in the Django admin: pages, workflow, read-only published versions, history, scoping, 六统一."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.accounts.tests.factories import CatalogueAdminFactory
from tongban.catalogue import services
from tongban.catalogue.admin import VERSION_FIELDSETS, field_label
from tongban.catalogue.models import ImplementationVersion, ItemImplementation, MaterialRequirement, VersionEvent
from tongban.catalogue.tests import factories as f
from tongban.core.identifiers import make_uscc
from tongban.core.testing.admin import change_url, login, messages_of, post_data
from tongban.jurisdictions.models import Department, ServiceCentre, Window

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------------------------------


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.cn", "Root-pass-2024")


@pytest.fixture
def zhuji():
    return f.DivisionFactory(code="330681", name="诸暨市")


@pytest.fixture
def pinghu():
    return f.DivisionFactory(code="330482", name="平湖市")


@pytest.fixture
def catalogue_admin(zhuji) -> User:
    """A 事项管理员 of 诸暨市 with the role's group and its Django permissions, as in real use (scoping must hold
    despite them)."""
    user = CatalogueAdminFactory(division=zhuji, username="zj_catalogue", real_name="诸暨事项管理员")
    assert user.is_staff and user.has_perm("catalogue.change_catalogueentry")
    return user


def workflow_url(version: ImplementationVersion, action: str) -> str:
    return reverse("admin:catalogue_implementationversion_workflow", args=[version.pk, action])


def invalid_draft(div, **overrides) -> ImplementationVersion:
    """A draft that breaks three rules: empty complaint phone, promised > statutory, free but online payment."""
    return f.DraftVersionFactory(
        name="护照签发",
        division=div,
        complaint_phone="",
        promised_days=30,
        statutory_days=20,
        online_payment=True,
        **overrides,
    )


# --- every page loads --------------------------------------------------------------------------------------


@pytest.fixture
def full_catalogue(zhuji, pinghu):
    """Rows of the catalogue and jurisdiction models, in two regions."""
    published = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    draft = f.DraftVersionFactory(name="居民身份证申领", division=zhuji)
    other = f.PublishedVersionFactory(
        name="户口迁移", division=pinghu, department=f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    )
    centre = ServiceCentre.objects.create(
        division=zhuji,
        name="诸暨市政务服务中心",
        kind="government",
        address="诸暨市暨阳街道",
        opening_hours="周一至周五 8:30-17:00",
    )
    window = Window.objects.create(centre=centre, number="1", name="综合受理", kind="general")
    window.departments.add(published.implementation.department)
    published.implementation.entry.themes.add(f.ThemeFactory())
    return {"published": published, "draft": draft, "other": other}


def test_catalogue_pages_answer_200_for_the_scoped_admin(catalogue_admin, full_catalogue):
    client = login(catalogue_admin)
    version = full_catalogue["published"]
    for url in (
        reverse("admin:catalogue_itemimplementation_changelist"),
        reverse("admin:catalogue_itemimplementation_add"),
        change_url(version.implementation),
        change_url(version),
        change_url(full_catalogue["draft"]),
        reverse("admin:catalogue_itemimplementation_uniformity"),
        reverse("admin:catalogue_implementationversion_changelist"),
        reverse("admin:catalogue_catalogueentry_changelist"),
    ):
        assert login(catalogue_admin).get(url).status_code == 200, url
    index = client.get(reverse("admin:index")).content.decode()
    assert "六统一比对报告" in index


def test_changelists_search_and_filter(superuser, full_catalogue, zhuji):
    client = login(superuser)
    url = reverse("admin:catalogue_itemimplementation_changelist")
    page = client.get(url, {"q": "户口迁移"}).content.decode()
    assert "户口迁移" in page and "居民身份证申领" not in page
    page = client.get(url, {"region": zhuji.code}).content.decode()
    assert "居民身份证申领" in page and "户口迁移" not in page
    page = client.get(url, {"newest_status": "draft"}).content.decode()
    assert "居民身份证申领" in page and "户口迁移" not in page
    page = client.get(url, {"department_kind": "police"}).content.decode()
    assert "户口迁移" in page
    assert "六统一比对报告" in page
    entries = client.get(reverse("admin:catalogue_catalogueentry_changelist"), {"q": "宝宝落户"}).content.decode()
    assert "新生儿入户" in entries  # found by its alias
    versions = client.get(
        reverse("admin:catalogue_implementationversion_changelist"), {"status__exact": "draft"}
    ).content.decode()
    assert "居民身份证申领" in versions and "户口迁移" not in versions


# --- workflow ------------------------------------------------------------------------------------------------


def test_submit_and_publish_through_the_admin(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    response = client.post(workflow_url(version, "submit"), follow=True)
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.status == "in_review"
    response = client.post(workflow_url(version, "publish"), follow=True)
    version.refresh_from_db()
    assert version.status == "published"
    assert version.implementation.published_version_id == version.pk
    assert any("已发布" in m for m in messages_of(response))
    publish = VersionEvent.objects.get(version=version, action="publish")
    assert publish.actor == superuser


def test_publish_shows_every_violation_in_chinese_and_changes_nothing(superuser, zhuji):
    version = invalid_draft(zhuji)
    services.submit_version(version)
    events_before = VersionEvent.objects.filter(version=version).count()
    client = login(superuser)
    response = client.post(workflow_url(version, "publish"), {"next": change_url(version)}, follow=True)
    msgs = messages_of(response)
    expected = {v.field for v in services.publish_violations(version)}
    assert {"complaint_phone", "promised_days", "online_payment"} <= expected
    for field in expected:  # every violation, each naming the field's Chinese label
        assert any(m.startswith(f"{field_label(field)}：") for m in msgs), (field, msgs)
    assert "监督投诉电话：监督投诉电话不能为空" in msgs
    assert any("承诺办结时限：承诺办结时限（30个工作日）不能超过法定办结时限" in m for m in msgs)
    assert any("发布前检查发现" in m and "未作任何改动" in m for m in msgs)
    version.refresh_from_db()
    assert version.status == "in_review"
    assert version.implementation.published_version_id is None
    assert VersionEvent.objects.filter(version=version).count() == events_before
    # The messages are shown on the page the admin returns to.
    assert "监督投诉电话不能为空" in response.content.decode()


def test_reject_needs_a_reason(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    services.submit_version(version)
    client = login(superuser)
    response = client.post(workflow_url(version, "reject"), {"note": "  "}, follow=True)
    assert any("退回修改时必须说明原因" in m for m in messages_of(response))
    version.refresh_from_db()
    assert version.status == "in_review"
    client.post(workflow_url(version, "reject"), {"note": "办理地点写错了"})
    version.refresh_from_db()
    assert version.status == "draft"
    assert VersionEvent.objects.get(version=version, action="reject").note == "办理地点写错了"


def test_workflow_refuses_get_unknown_actions_and_wrong_states(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    assert client.get(workflow_url(version, "submit")).status_code == 405
    assert client.post(workflow_url(version, "explode")).status_code == 404
    response = client.post(workflow_url(version, "publish"), follow=True)
    assert any("“草稿”状态的版本不能执行“发布”操作" in m for m in messages_of(response))
    version.refresh_from_db()
    assert version.status == "draft"


def test_retire_from_the_admin(superuser, zhuji):
    version = f.PublishedVersionFactory(division=zhuji)
    login(superuser).post(workflow_url(version, "retire"))
    version.refresh_from_db()
    assert version.status == "retired"
    assert ItemImplementation.objects.get(pk=version.implementation_id).published_version_id is None


def test_list_actions_publish_each_version_and_report_violations_per_version(superuser, zhuji):
    good = f.DraftVersionFactory(name="新生儿入户", division=zhuji)
    bad = invalid_draft(zhuji)
    for v in (good, bad):
        services.submit_version(v)
    client = login(superuser)
    response = client.post(
        reverse("admin:catalogue_implementationversion_changelist"),
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "published" and bad.status == "in_review"
    msgs = messages_of(response)
    assert any(m.startswith("“护照签发”第1版 · 监督投诉电话：") for m in msgs)
    assert any("共2个版本，成功1个" in m for m in msgs)


def test_list_action_submit_and_retire(superuser, zhuji):
    draft = f.DraftVersionFactory(name="居民身份证申领", division=zhuji)
    published = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    client = login(superuser)
    url = reverse("admin:catalogue_implementationversion_changelist")
    client.post(url, {"action": "submit_selected", "_selected_action": [draft.pk]})
    client.post(url, {"action": "retire_selected", "_selected_action": [published.pk]})
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == ("in_review", "retired")


def test_implementation_page_shows_versions_buttons_and_starts_a_new_version(superuser, zhuji):
    version = f.PublishedVersionFactory(division=zhuji)
    impl = version.implementation
    client = login(superuser)
    page = client.get(change_url(impl)).content.decode()
    assert "第1版" in page and "已发布" in page
    assert "新建版本" in page and "停用" in page
    response = client.post(reverse("admin:catalogue_itemimplementation_new_version", args=[impl.pk]))
    draft = impl.versions.get(number=2)
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    assert draft.status == "draft" and draft.name == version.name
    assert draft.materials.count() == version.materials.count()
    page = client.get(change_url(impl)).content.decode()
    assert "编辑第2版草稿" in page and "提交审核" in page
    # A second press opens the same draft rather than creating another.
    client.post(reverse("admin:catalogue_itemimplementation_new_version", args=[impl.pk]))
    assert impl.versions.count() == 2


def test_adding_an_implementation_creates_a_first_draft_from_the_entry(superuser, zhuji):
    entry = f.CatalogueEntryFactory(name="出生医学证明办理", standard_fees=[{"item": "工本费", "amount": "10"}])
    dept = f.DepartmentFactory(division=zhuji, name="诸暨市卫生健康局", kind="health")
    client = login(superuser)
    response = client.post(
        reverse("admin:catalogue_itemimplementation_add"),
        {"entry": entry.pk, "division": zhuji.pk, "department": dept.pk, "code": ""},
    )
    impl = ItemImplementation.objects.get(entry=entry)
    version = impl.versions.get()
    assert response.status_code == 302 and response["Location"] == change_url(version)
    assert impl.code == f"{entry.code}-{zhuji.code}-000-{dept.uscc}-1-00"
    assert version.status == "draft" and version.name == "出生医学证明办理"
    assert version.exercise_level == "county" and version.statutory_days == entry.statutory_days
    assert [m.name for m in version.materials.all()] == entry.standard_materials
    assert [s.name for s in version.steps.all()] == entry.standard_steps
    assert version.charged and version.fees == [{"item": "工本费", "amount": "10"}]
    assert VersionEvent.objects.get(version=version).actor == superuser


def test_adding_an_implementation_with_a_department_of_another_region_is_refused(superuser, zhuji, pinghu):
    entry = f.CatalogueEntryFactory(name="出生医学证明办理")
    dept = f.DepartmentFactory(division=pinghu, name="平湖市卫生健康局", kind="health")
    response = login(superuser).post(
        reverse("admin:catalogue_itemimplementation_add"),
        {"entry": entry.pk, "division": zhuji.pk, "department": dept.pk},
    )
    assert response.status_code == 200
    assert "不属于所选实施区划" in response.content.decode()
    assert not ItemImplementation.objects.filter(entry=entry).exists()


# --- editing drafts, read-only published versions -------------------------------------------------------------


def test_version_fieldsets_cover_every_content_field():
    shown = {name for _title, opts in VERSION_FIELDSETS for name in opts["fields"]}
    assert set(ImplementationVersion().content_fields()) <= shown


def test_editing_a_draft_records_actor_and_changed_fields(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    data = post_data(client.get(change_url(version)))
    data["phone"] = "0575-87099999"
    data["handling_forms"] = ["window", "online", "post"]
    # add a third material through the inline
    prefix = "materials"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"{prefix}-{total}-name": "户口簿",
            f"{prefix}-{total}-order": "0",
            f"{prefix}-{total}-source": "applicant",
            f"{prefix}-{total}-material_type": "original",
            f"{prefix}-{total}-form": "paper",
            f"{prefix}-{total}-copies": "1",
            f"{prefix}-{total}-necessity": "required",
            f"{prefix}-{total}-version": str(version.pk),
        }
    )
    response = client.post(change_url(version), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert version.phone == "0575-87099999"
    assert version.handling_forms == ["window", "online", "post"]
    names = list(version.materials.values_list("name", flat=True))
    assert names == ["居民身份证", "出生医学证明", "户口簿"]  # the new row without a position goes last
    event = VersionEvent.objects.filter(version=version, action="edit").get()
    assert event.actor == superuser
    assert set(event.changes) == {"phone", "handling_forms", "materials"}
    assert event.changes["phone"] == ["0575-87012345", "0575-87099999"]
    assert event.changes["materials"] == ["2", "3"]
    # The history panel shows who changed what, with Chinese labels.
    page = client.get(change_url(version)).content.decode()
    assert "version-history" in page and "咨询电话" in page and "0575-87099999" in page and "root" in page


def test_saving_an_unchanged_draft_records_no_event(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    response = client.post(change_url(version), post_data(client.get(change_url(version))))
    assert response.status_code == 302
    assert not VersionEvent.objects.filter(version=version, action="edit").exists()


def test_deleting_a_material_in_a_draft(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    data = post_data(client.get(change_url(version)))
    data["materials-1-DELETE"] = "on"
    assert client.post(change_url(version), data).status_code == 302
    assert list(version.materials.values_list("name", flat=True)) == ["居民身份证"]


def test_invalid_form_schema_is_refused_with_chinese_messages(superuser, zhuji):
    version = f.DraftVersionFactory(division=zhuji)
    client = login(superuser)
    data = post_data(client.get(change_url(version)))
    data["form_schema"] = json.dumps(
        [{"key": "Bad Key", "label": "", "type": "colour"}, {"key": "gender", "label": "性别", "type": "select"}],
        ensure_ascii=False,
    )
    response = client.post(change_url(version), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "键名“Bad Key”无效" in page and "类型“colour”不受支持" in page and "必须提供选项" in page
    data["form_schema"] = "[{"
    assert "JSON" in client.post(change_url(version), data).content.decode()
    data["form_schema"] = "[]"
    data["fees"] = json.dumps([{"item": "工本费", "amount": "二十"}], ensure_ascii=False)
    assert "金额（amount）应为数字" in client.post(change_url(version), data).content.decode()
    version.refresh_from_db()
    assert version.form_schema == f.guide_content()["form_schema"]
    assert not VersionEvent.objects.filter(version=version, action="edit").exists()


def test_published_version_page_is_read_only_and_cannot_be_posted(superuser, zhuji):
    version = f.PublishedVersionFactory(division=zhuji)
    client = login(superuser)
    response = client.get(change_url(version))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone"' not in page and 'name="materials-0-name"' not in page
    assert "0575-87012345" in page  # shown, not editable
    assert "自然人" in page  # JSON lists shown with labels
    assert "保存" not in page.split('id="implementationversion_form"')[-1].split("</form>")[0]
    response = client.post(change_url(version), {"phone": "110"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.phone == "0575-87012345"
    assert client.post(reverse("admin:catalogue_implementationversion_delete", args=[version.pk])).status_code == 403


def test_version_page_shows_checks_differences_history_and_preview(superuser, zhuji):
    draft = invalid_draft(zhuji)
    client = login(superuser)
    page = client.get(change_url(draft)).content.decode()
    assert "发布前检查" in page and "监督投诉电话不能为空" in page
    assert "六统一比对" in page
    assert reverse("admin:catalogue_implementationversion_preview", args=[draft.pk]) in page
    preview = client.get(reverse("admin:catalogue_implementationversion_preview", args=[draft.pk]))
    assert preview.status_code == 200 and "护照签发" in preview.content.decode()
    published = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    page = client.get(change_url(published)).content.decode()
    assert f"/items/{published.implementation.code}/?version=1" in page
    assert "发布前检查" not in page


# --- scoping ---------------------------------------------------------------------------------------------------


def test_scoped_admin_cannot_see_or_act_on_another_region(catalogue_admin, zhuji, pinghu):
    own = f.DraftVersionFactory(name="新生儿入户", division=zhuji)
    other = f.DraftVersionFactory(
        name="户口迁移", division=pinghu, department=f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    )
    client = login(catalogue_admin)
    listing = client.get(reverse("admin:catalogue_itemimplementation_changelist")).content.decode()
    assert own.implementation.code in listing and other.implementation.code not in listing
    versions = client.get(reverse("admin:catalogue_implementationversion_changelist")).content.decode()
    assert "户口迁移" not in versions
    assert client.get(change_url(other.implementation)).status_code == 404
    assert client.get(change_url(other)).status_code == 404
    assert client.post(workflow_url(other, "submit")).status_code == 404
    assert client.get(reverse("admin:catalogue_implementationversion_preview", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("admin:catalogue_itemimplementation_new_version", args=[other.implementation.pk])
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == "draft"
    # A list action cannot reach it either: the selection is taken from the scoped queryset.
    client.post(
        reverse("admin:catalogue_implementationversion_changelist"),
        {"action": "submit_selected", "_selected_action": [other.pk]},
    )
    other.refresh_from_db()
    assert other.status == "draft"
    # Its own region works.
    client.post(workflow_url(own, "submit"))
    own.refresh_from_db()
    assert own.status == "in_review"


def test_scoped_admin_choices_are_limited_to_the_subtree(catalogue_admin, zhuji, pinghu):
    f.DepartmentFactory(division=zhuji, name="诸暨市公安局")
    foreign = f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    response = login(catalogue_admin).get(reverse("admin:catalogue_itemimplementation_add"))
    form = response.context["adminform"].form
    assert set(form.fields["division"].queryset) == {zhuji}
    assert foreign not in form.fields["department"].queryset
    entry = f.CatalogueEntryFactory(name="户口迁移")
    response = login(catalogue_admin).post(
        reverse("admin:catalogue_itemimplementation_add"),
        {"entry": entry.pk, "division": pinghu.pk, "department": foreign.pk},
    )
    assert response.status_code == 200
    assert not ItemImplementation.objects.filter(entry=entry).exists()


def test_scoped_admin_sees_departments_of_the_subtree_only(catalogue_admin, zhuji, pinghu):
    f.DepartmentFactory(division=zhuji, name="诸暨市公安局")
    foreign = f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    client = login(catalogue_admin)
    page = client.get(reverse("admin:jurisdictions_department_changelist")).content.decode()
    assert "诸暨市公安局" in page and "平湖市公安局" not in page
    assert client.get(change_url(foreign)).status_code == 404


def test_scoped_admin_may_not_change_the_basic_catalogue_or_divisions(catalogue_admin, zhuji):
    entry = f.CatalogueEntryFactory(name="新生儿入户")
    client = login(catalogue_admin)
    assert client.get(change_url(entry)).status_code == 200  # may read
    assert client.post(change_url(entry), {"name": "改名"}).status_code == 403
    assert client.get(reverse("admin:jurisdictions_division_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.name == "新生儿入户"


def test_staff_without_a_catalogue_role_cannot_use_the_catalogue_admin(zhuji):
    clerk = User.objects.create_user(
        "clerk", password="Clerk-pass-2024", kind="staff", role="window_clerk", division=zhuji, is_staff=True
    )
    version = f.DraftVersionFactory(division=zhuji)
    client = login(clerk)
    assert client.get(reverse("admin:catalogue_itemimplementation_changelist")).status_code == 403
    assert client.post(workflow_url(version, "submit")).status_code in (403, 404)
    version.refresh_from_db()
    assert version.status == "draft"


# --- 六统一 ------------------------------------------------------------------------------------------------------


def test_uniformity_report_lists_departures_with_counts(superuser, zhuji, pinghu):
    uniform = f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    departing = f.DraftVersionFactory(
        name="户口迁移",
        division=pinghu,
        department=f.DepartmentFactory(division=pinghu, name="平湖市公安局"),
        statutory_days=30,
        promised_days=5,
    )
    services.update_draft(departing, materials=[*f.materials(), {"name": "结婚证", "source": "applicant"}])
    services.publish_now(departing)
    client = login(superuser)
    url = reverse("admin:catalogue_itemimplementation_uniformity")
    response = client.get(url)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.checked == 2 and report.consistent_count == 1
    counts = {key: count for key, _label, count, _url in response.context["aspect_counts"]}
    assert counts == {"materials": 1, "statutory_days": 1, "fees": 0, "steps": 0}
    page = response.content.decode()
    assert "增加了基本目录之外的申请材料“结婚证”" in page
    assert "法定办结时限为30个工作日，基本目录为20个工作日" in page
    only = client.get(url, {"only": "1"}).context["rows"]
    assert [r["row"].implementation.pk for r in only] == [departing.implementation_id]
    by_region = client.get(url, {"region": f.DivisionFactory(code="330681").code}).context["report"]
    assert [r.implementation.pk for r in by_region.rows] == [uniform.implementation_id]
    by_aspect = client.get(url, {"aspect": "statutory_days"}).context["rows"]
    assert len(by_aspect) == 1
    dept = departing.implementation.department
    by_dept = client.get(url, {"department": dept.pk}).context["report"]
    assert by_dept.checked == 1
    # The implementation's own page shows its differences.
    impl_page = client.get(change_url(departing.implementation)).content.decode()
    assert "结婚证" in impl_page and "六统一比对" in impl_page


def test_uniformity_report_queries_are_bounded(superuser, zhuji, django_assert_max_num_queries):
    client = login(superuser)
    url = reverse("admin:catalogue_itemimplementation_uniformity")
    f.PublishedVersionFactory(
        name="事项一", division=zhuji, department=f.DepartmentFactory(division=zhuji, name="一局")
    )
    client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for i in range(6):
        f.PublishedVersionFactory(
            name=f"事项{i + 2}", division=zhuji, department=f.DepartmentFactory(division=zhuji, name=f"{i + 2}局")
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).context["report"].checked == 7


def test_scoped_admin_report_covers_own_region_only(catalogue_admin, zhuji, pinghu):
    f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    f.PublishedVersionFactory(
        name="户口迁移", division=pinghu, department=f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    )
    response = login(catalogue_admin).get(reverse("admin:catalogue_itemimplementation_uniformity"))
    assert response.context["report"].checked == 1
    assert "户口迁移" not in response.content.decode()


# --- jurisdictions, bundles, search ---------------------------------------------------------------------------


def test_department_uscc_is_validated(superuser, zhuji):
    client = login(superuser)
    data = {
        "division": zhuji.pk,
        "name": "诸暨市民政局",
        "short_name": "",
        "kind": "civil_affairs",
        "uscc": "11330681MB0000000X",
        "phone": "",
        "address": "",
    }
    response = client.post(reverse("admin:jurisdictions_department_add"), data)
    assert response.status_code == 200
    assert not Department.objects.filter(name="诸暨市民政局").exists()
    assert "errorlist" in response.content.decode()
    data["uscc"] = make_uscc("1", "1", "330681", "00000042").lower()
    assert client.post(reverse("admin:jurisdictions_department_add"), data).status_code == 302
    assert Department.objects.get(name="诸暨市民政局").uscc == data["uscc"].upper()


def test_division_code_must_match_level_and_parent(superuser):
    province = f.DivisionFactory(code="330000", name="浙江省")
    client = login(superuser)
    url = reverse("admin:jurisdictions_division_add")
    response = client.post(url, {"code": "330700", "name": "金华市", "level": 3, "parent": province.pk})
    assert "对应的层级是“市级”" in response.content.decode()
    response = client.post(url, {"code": "320500", "name": "苏州市", "level": 2, "parent": province.pk})
    assert "不在上级区划" in response.content.decode()
    assert client.post(url, {"code": "330700", "name": "金华市", "level": 2, "parent": province.pk}).status_code == 302


def test_material_rows_of_published_versions_stay_unchanged(superuser, zhuji):
    version = f.PublishedVersionFactory(division=zhuji)
    before = list(MaterialRequirement.objects.filter(version=version).values_list("name", flat=True))
    login(superuser).post(change_url(version), {"materials-TOTAL_FORMS": "0"})
    assert list(MaterialRequirement.objects.filter(version=version).values_list("name", flat=True)) == before


def test_province_catalogue_admin_may_change_the_basic_catalogue():
    province = f.DivisionFactory(code="330000", name="浙江省")
    user = User.objects.create_user(
        "zj_province", password="Pro-pass-2024", kind="staff", role="catalogue_admin", division=province, is_staff=True
    )
    entry = f.CatalogueEntryFactory(name="新生儿入户")
    client = login(user)
    data = post_data(client.get(change_url(entry)))
    data["keywords"] = "上户口 报户口 孩子落户"
    assert client.post(change_url(entry), data).status_code == 302
    entry.refresh_from_db()
    assert entry.keywords == "上户口 报户口 孩子落户"


def test_autocomplete_offers_only_the_subtree(catalogue_admin, zhuji, pinghu):
    f.DepartmentFactory(division=zhuji, name="诸暨市公安局")
    f.DepartmentFactory(division=pinghu, name="平湖市公安局")
    response = login(catalogue_admin).get(
        reverse("admin:autocomplete"),
        {"app_label": "catalogue", "model_name": "itemimplementation", "field_name": "department", "term": "公安"},
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["诸暨市公安局"]


def test_uniformity_report_command(zhuji, pinghu):
    from io import StringIO

    from django.core.management import CommandError, call_command

    f.PublishedVersionFactory(name="新生儿入户", division=zhuji)
    f.PublishedVersionFactory(
        name="户口迁移",
        division=pinghu,
        department=f.DepartmentFactory(division=pinghu, name="平湖市公安局"),
        statutory_days=30,
        promised_days=5,
    )
    out = StringIO()
    call_command("uniformity_report", stdout=out)
    text = out.getvalue()
    assert "已发布实施清单事项 2 项：与基本目录一致 1 项，存在差异 1 项" in text
    assert "法定办结时限为30个工作日，基本目录为20个工作日" in text and "新生儿入户" not in text
    out = StringIO()
    call_command("uniformity_report", "--json", "--region", "330681", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["checked"], data["departing"], data["implementations"]) == (1, 0, [])
    with pytest.raises(SystemExit):
        call_command("uniformity_report", "--fail-on-difference", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("uniformity_report", "--region", "999999")


@pytest.mark.django_db
def test_admin_home_links_to_the_excel_import(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Excel 导入导出" in response.content.decode() and "/admin/catalogue/excel/" in response.content.decode()

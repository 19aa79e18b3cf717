"""Every write to the catalogue goes through here, with its rules.

Versions move only along workflow.TRANSITIONS; each move appends a VersionEvent; publishing checks the
consistency rules (rules.guide_violations) and reports every violation at once; the publish transaction
also bumps CatalogueGeneration so search indexes in every process rebuild.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Model
from django.utils import timezone

from tongban.audit.services import record as audit_record
from tongban.core.errors import ConflictError, DomainError

from . import guide_files, snapshots
from .licence_types import face_field_errors, type_code_error, validity_errors
from .models import (
    CatalogueEntry,
    CatalogueGeneration,
    GuideFile,
    HandlingStep,
    ImplementationVersion,
    ItemImplementation,
    LicenceType,
    MaterialRequirement,
    SpecialStep,
    VersionEvent,
)
from .rules import Violation, guide_violations, licence_type_violations
from .workflow import TransitionNotAllowed, VersionAction, VersionStatus, next_status

PART_MODELS: dict[str, type[Model]] = {
    "materials": MaterialRequirement,
    "steps": HandlingStep,
    "special_steps": SpecialStep,
}


class PublishRejected(DomainError):
    def __init__(self, violations: list[Violation]):
        self.violations = violations
        first = violations[0] if violations else None
        summary = "；".join(v.message for v in violations)
        super().__init__(
            "publish_rejected",
            f"发布前检查未通过（{len(violations)}项）：{summary}",
            first.field if first else None,
            status=422,
        )


def _part_fields(model: type[Model]) -> list[str]:
    """A part row's columns; a reference is its id (a material's files: ``blank_form_file_id`` …)."""
    return [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "version")]


def snapshot(version: ImplementationVersion) -> dict[str, Any]:
    """A plain dict of the whole guide (content and parts): for rules, diffs, export and comparisons."""
    data = {name: getattr(version, name) for name in version.content_fields()}
    impl = version.implementation
    data["item_type"] = impl.entry.item_type
    for key, model in PART_MODELS.items():
        fields = _part_fields(model)
        data[key] = [{f: getattr(row, f) for f in fields} for row in getattr(version, key).all()]
    return data


@transaction.atomic
def store_guide_file(name: str, data: bytes, actor: Any = None) -> GuideFile:
    """Keep a blank form or sample (guide_files.py checks it): the same bytes under the same name are one row,
    the same bytes are stored once. A stored file never changes. Raises DomainError with a Chinese reason."""
    reason = guide_files.problem(name, data)
    if reason:
        raise DomainError("bad_guide_file", reason, "file")
    clean = guide_files.clean_name(name)
    sha = guide_files.digest(data)
    existing = GuideFile.objects.filter(sha256=sha, name=clean).first()
    if existing is not None:
        return existing
    path = guide_files.storage_path(sha, clean)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # the storage renamed it: keep its name (equal bytes stored twice, harmless)
            path = saved
    row = GuideFile(
        sha256=sha,
        name=clean,
        content_type=guide_files.content_type(clean),
        size=len(data),
        uploaded_by=_user(actor),
    )
    row.file.name = path
    row.save()
    return row


def _user(actor: Any) -> Any:
    """Only a saved user is recorded as the actor (commands and imports may act without one)."""
    return actor if getattr(actor, "pk", None) else None


def bump_catalogue_generation() -> None:
    updated = CatalogueGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    if not updated:
        CatalogueGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
    # This process sees the publication at once (others within TONGBAN_CATALOGUE_RECHECK_SECONDS).
    snapshots.forget_published()
    transaction.on_commit(snapshots.forget_published)


def _event(
    version: ImplementationVersion,
    action: VersionAction,
    from_status: str,
    actor: Any,
    note: str = "",
    changes: dict | None = None,
) -> None:
    VersionEvent.objects.create(
        version=version,
        action=action.value,
        from_status=from_status,
        to_status=version.status,
        actor=_user(actor),
        note=note,
        changes=changes or {},
    )


def _write_parts(version: ImplementationVersion, key: str, rows: list[dict[str, Any]]) -> None:
    model = PART_MODELS[key]
    allowed = set(_part_fields(model))
    for row in rows:
        unknown = set(row) - allowed
        if unknown:
            raise DomainError("unknown_field", f"未知字段：{'、'.join(sorted(unknown))}", key)
    model._default_manager.filter(version=version).delete()
    model._default_manager.bulk_create(
        [model(version=version, **{"order": i, **row} if "order" in allowed else row) for i, row in enumerate(rows)]
    )


def _apply_content(version: ImplementationVersion, content: dict[str, Any]) -> dict[str, list]:
    allowed = set(version.content_fields())
    unknown = set(content) - allowed
    if unknown:
        raise DomainError("unknown_field", f"未知字段：{'、'.join(sorted(unknown))}", sorted(unknown)[0])
    changes = {}
    for name, value in content.items():
        old = getattr(version, name)
        if old != value:
            changes[name] = [old, value]
            setattr(version, name, value)
    return changes


@transaction.atomic
def create_implementation(
    *,
    entry: CatalogueEntry,
    division: Any,
    department: Any,
    code: str,
    content: dict[str, Any],
    materials: list[dict] | None = None,
    steps: list[dict] | None = None,
    special_steps: list[dict] | None = None,
    actor: Any = None,
    note: str = "",
) -> ImplementationVersion:
    if department.division_id != division.pk:
        raise DomainError("department_region_mismatch", "实施机关不属于所选行政区划", "department")
    if ItemImplementation.objects.filter(code=code).exists():
        raise ConflictError("duplicate_code", f"实施编码“{code}”已存在", "code")
    impl = ItemImplementation.objects.create(code=code, entry=entry, division=division, department=department)
    version = ImplementationVersion(implementation=impl, number=1, created_by=_user(actor))
    _apply_content(version, content)
    version.save()
    for key, rows in (("materials", materials), ("steps", steps), ("special_steps", special_steps)):
        _write_parts(version, key, rows or [])
    _event(version, VersionAction.CREATE, "", actor, note)
    return version


def _locked(version: ImplementationVersion) -> ImplementationVersion:
    return ImplementationVersion.objects.select_for_update().select_related("implementation__entry").get(pk=version.pk)


@transaction.atomic
def update_draft(
    version: ImplementationVersion,
    *,
    content: dict[str, Any] | None = None,
    materials: list[dict] | None = None,
    steps: list[dict] | None = None,
    special_steps: list[dict] | None = None,
    actor: Any = None,
    note: str = "",
    action: VersionAction = VersionAction.EDIT,
) -> ImplementationVersion:
    locked = _locked(version)
    if locked.status != VersionStatus.DRAFT:
        raise ConflictError("not_editable", "只有草稿版本可以修改；已发布的版本请先新建版本。", "status")
    before = snapshot(locked)
    changes = _apply_content(locked, content or {})
    locked.save()
    for key, rows in (("materials", materials), ("steps", steps), ("special_steps", special_steps)):
        if rows is not None:
            _write_parts(locked, key, rows)
            after_rows = snapshot(locked)[key]
            if after_rows != before[key]:
                changes[key] = [len(before[key]), len(after_rows)]
    if changes:
        _event(locked, action, locked.status, actor, note, {k: [str(a), str(b)] for k, (a, b) in changes.items()})
    return locked


def _transition(
    locked: ImplementationVersion, action: VersionAction, actor: Any, note: str, stamp_published: bool = False
) -> ImplementationVersion:
    """Move a version the caller has already locked (``_locked``) along the workflow table."""
    before = locked.status
    try:
        locked.status = next_status(before, action).value
    except TransitionNotAllowed as exc:
        raise ConflictError("transition_not_allowed", str(exc), "status") from exc
    fields = ["status"]
    if stamp_published:
        locked.published_at = timezone.now()
        fields.append("published_at")
    locked.save(update_fields=fields)
    _event(locked, action, before, actor, note)
    return locked


def next_status_or_conflict(version: ImplementationVersion, action: VersionAction) -> None:
    """Check a transition before doing the work it needs (rules, reasons), so the refusal comes first."""
    try:
        next_status(version.status, action)
    except TransitionNotAllowed as exc:
        raise ConflictError("transition_not_allowed", str(exc), "status") from exc


@transaction.atomic
def submit_version(version: ImplementationVersion, actor: Any = None, note: str = "") -> ImplementationVersion:
    return _transition(_locked(version), VersionAction.SUBMIT, actor, note)


@transaction.atomic
def reject_version(version: ImplementationVersion, actor: Any = None, note: str = "") -> ImplementationVersion:
    locked = _locked(version)
    next_status_or_conflict(locked, VersionAction.REJECT)
    if not note.strip():
        raise DomainError("reason_required", "退回修改时必须说明原因", "note")
    return _transition(locked, VersionAction.REJECT, actor, note)


def publish_violations(version: ImplementationVersion) -> list[Violation]:
    guide = snapshot(version)
    code = str(guide.get("result_licence_type") or "").strip()
    row = LicenceType.objects.filter(code=code).values().first() if code else None
    licence_type = dict(row) if row else None
    return guide_violations(guide) + licence_type_violations(guide, licence_type)


@transaction.atomic
def publish_version(version: ImplementationVersion, actor: Any = None, note: str = "") -> ImplementationVersion:
    locked = _locked(version)
    next_status_or_conflict(locked, VersionAction.PUBLISH)
    violations = publish_violations(locked)
    if violations:
        raise PublishRejected(violations)
    impl = ItemImplementation.objects.select_for_update().get(pk=locked.implementation_id)
    if impl.published_version_id and impl.published_version_id != locked.pk:
        previous = _locked(ImplementationVersion(pk=impl.published_version_id))
        _transition(previous, VersionAction.SUPERSEDE, actor, f"被第{locked.number}版替代")
    published = _transition(locked, VersionAction.PUBLISH, actor, note, stamp_published=True)
    impl.published_version = published
    impl.save(update_fields=["published_version"])
    published.implementation = impl
    bump_catalogue_generation()
    return published


@transaction.atomic
def publish_now(version: ImplementationVersion, actor: Any = None, note: str = "") -> ImplementationVersion:
    """Submit and publish in one step (imports, demo data): the same checks as the two-step path."""
    submit_version(version, actor, note)
    return publish_version(version, actor, note)


@transaction.atomic
def retire_version(version: ImplementationVersion, actor: Any = None, note: str = "") -> ImplementationVersion:
    locked = _locked(version)
    retired = _transition(locked, VersionAction.RETIRE, actor, note)
    ItemImplementation.objects.filter(pk=locked.implementation_id, published_version=locked).update(
        published_version=None
    )
    bump_catalogue_generation()
    return retired


@transaction.atomic
def start_new_version(implementation: ItemImplementation, actor: Any = None, note: str = "") -> ImplementationVersion:
    """A new draft copied from the newest version. An existing draft is returned as it is (idempotent)."""
    impl = ItemImplementation.objects.select_for_update().get(pk=implementation.pk)
    pending = impl.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]).first()
    if pending and pending.status == VersionStatus.DRAFT:
        return pending
    if pending:
        raise ConflictError("version_in_review", f"第{pending.number}版正在审核中，审核完成后才能新建版本", "status")
    source = impl.versions.order_by("-number").first()
    number = (impl.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    draft = ImplementationVersion(implementation=impl, number=number, created_by=_user(actor))
    if source is not None:
        for name in source.content_fields():
            setattr(draft, name, getattr(source, name))
    draft.change_note = note
    draft.save()
    if source is not None:
        data = snapshot(source)
        for key in PART_MODELS:
            _write_parts(draft, key, data[key])
    _event(draft, VersionAction.CREATE, "", actor, note or (f"基于第{source.number}版新建" if source else ""))
    return draft


# ---- licence types (证照类型) -----------------------------------------------------------------------------


def licence_type_errors(data: dict[str, Any]) -> dict[str, str]:
    """Every problem of a licence type's definition at once, by field (admin form, import, API)."""
    errors: dict[str, str] = {}
    code_problem = type_code_error(str(data.get("code") or ""), str(data.get("defining_body_code") or ""))
    if code_problem:
        errors["code"] = code_problem
    for name, label in (("name", "证照类型名称"), ("defining_body", "证照定义机构"), ("face_title", "照面标题")):
        if not str(data.get(name) or "").strip():
            errors[name] = f"{label}不能为空"
    face = face_field_errors(data.get("face_fields"))
    if face:
        errors["face_fields"] = "；".join(face)
    validity = validity_errors(
        str(data.get("validity_rule") or ""), data.get("validity_years"), data.get("valid_until")
    )
    if validity:
        errors["validity_rule"] = "；".join(validity)
    return errors


@transaction.atomic
def save_licence_type(data: dict[str, Any], actor: Any = None) -> LicenceType:
    """Create or update (by code) a licence type. Its code never changes: licences already issued carry it."""
    errors = licence_type_errors(data)
    if errors:
        field = next(iter(errors))
        raise DomainError("invalid_licence_type", "；".join(errors.values()), field)
    fields = {f.name for f in LicenceType._meta.concrete_fields} - {"id", "code", "updated_at"}
    licence_type, _ = LicenceType.objects.update_or_create(
        code=data["code"], defaults={k: v for k, v in data.items() if k in fields}
    )
    audit_record("catalogue.licence_type_saved", "licence_type", licence_type.code, actor=_user(actor))
    return licence_type

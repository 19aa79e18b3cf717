"""All writes to accounts: self-registration, staff accounts and roles, and the role groups of the admin site."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tongban.audit.services import record as audit
from tongban.core.identifiers import resident_id_error, uscc_error
from tongban.core.uploads import upload_problem

from . import validation
from .models import Authorisation, User
from .roles import (
    ADMIN_SITE_ROLES,
    ROLE_LABELS,
    ROLES_REQUIRING_DEPARTMENT,
    ROLES_REQUIRING_DIVISION,
    AccountKind,
    Role,
    parse_role,
)
from .tokens import revoke_all

# A standing authorisation lasts at most a year; one for a single application is recorded for its days.
AUTHORISATION_MAX_DAYS = 366
DUPLICATE_USERNAME = "该用户名已被使用，请换一个"
DUPLICATE_ID_NUMBER = "该公民身份号码已注册，请直接登录或找回密码"
DUPLICATE_USCC = "该统一社会信用代码已注册，请直接登录或联系单位管理员"

# --- role groups of the admin site ---------------------------------------------------------------------------

# The group of each admin-site role carries the same name as the role, so administrators recognise it.
ROLE_GROUP_NAMES: dict[Role, str] = {role: ROLE_LABELS[role] for role in sorted(ADMIN_SITE_ROLES)}
# Catalogue administrators maintain these apps' models (no delete: guides are retired, not deleted) …
CATALOGUE_ADMIN_APPS = ("catalogue", "bundles")
CATALOGUE_ADMIN_MODELS = (("search", "searchsynonym"),)
CATALOGUE_ADMIN_ACTIONS = ("add", "change", "view")
# … and need to see jurisdictions to pick a department or division in the catalogue forms.
CATALOGUE_ADMIN_VIEW_APPS = ("jurisdictions",)


def _create_missing_permissions(using: str) -> None:
    # Permissions are created per app on post_migrate; make sure every app's exist before granting them.
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)


def catalogue_admin_permissions(using: str = DEFAULT_DB_ALIAS):
    actions = Q()
    for action in CATALOGUE_ADMIN_ACTIONS:
        actions |= Q(codename__startswith=f"{action}_")
    models = Q()
    for app_label, model in CATALOGUE_ADMIN_MODELS:
        models |= Q(content_type__app_label=app_label, content_type__model=model)
    scope = (Q(content_type__app_label__in=CATALOGUE_ADMIN_APPS) | models) & actions
    view_only = Q(content_type__app_label__in=CATALOGUE_ADMIN_VIEW_APPS, codename__startswith="view_")
    return Permission.objects.using(using).filter(scope | view_only)


def ensure_role_groups(using: str = DEFAULT_DB_ALIAS) -> dict[Role, Group]:
    """Create or update the group of each admin-site role; idempotent (run after every migrate).

    The groups' permissions are managed here: changes made to these two groups by hand are reset.
    """
    _create_missing_permissions(using)
    groups: dict[Role, Group] = {}
    for role, name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        if role == Role.SYSTEM_ADMIN:
            perms = Permission.objects.using(using).all()
        else:
            perms = catalogue_admin_permissions(using)
        group.permissions.set(list(perms))
        groups[role] = group
    return groups


def role_group(role: Role | str) -> Group | None:
    """The group of an admin-site role (created on first use); None for roles that do not use the admin."""
    role = parse_role(role)
    if role not in ADMIN_SITE_ROLES:
        return None
    group = Group.objects.filter(name=ROLE_GROUP_NAMES[role]).first()
    return group if group is not None else ensure_role_groups()[role]


def sync_role_groups(user: User) -> None:
    """Make ``is_staff`` and the role-group membership follow ``user.role``; other groups are left alone."""
    role = parse_role(user.role) if user.role else None
    should_be_staff = bool(user.is_superuser or (role in ADMIN_SITE_ROLES and user.kind == AccountKind.STAFF))
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])
    wanted = role_group(role) if role is not None and user.kind == AccountKind.STAFF else None
    stale = user.groups.filter(name__in=ROLE_GROUP_NAMES.values())
    if wanted is not None:
        stale = stale.exclude(pk=wanted.pk)
    user.groups.remove(*stale)
    if wanted is not None:
        user.groups.add(wanted)


def role_binding_errors(
    role: Role | str, *, department: Any = None, division: Any = None, centre: Any = None
) -> dict[str, str]:
    """What is missing or inconsistent for a staff member with ``role``; keys are User field names."""
    role = parse_role(role)
    label = ROLE_LABELS[role]
    errors: dict[str, str] = {}
    if role in ROLES_REQUIRING_DIVISION and division is None:
        errors["division"] = f"{label}必须指定所属区划"
    if role in ROLES_REQUIRING_DEPARTMENT and department is None:
        errors["department"] = f"{label}必须指定所属部门"
    if department is not None and division is not None and department.division_id != division.pk:
        errors["department"] = f"部门“{department.name}”不属于{division.name}，请选择本区划的部门"
    if centre is not None and division is not None and not centre.division.path.startswith(division.path):
        errors["service_centre"] = f"服务中心“{centre.name}”不在{division.name}范围内"
    return errors


@transaction.atomic
def assign_role(user: User, role: Role | str, department: Any = None, division: Any = None, centre: Any = None) -> User:
    """Make ``user`` a staff member with ``role``, bound to a department, division and service centre.

    The division defaults to the department's. Sets ``kind`` to staff, ``is_staff`` for the roles that work
    in the admin site, and the role's group. Raises ValidationError (Chinese, by field) on a bad binding.
    """
    try:
        role = parse_role(role)
    except ValueError as exc:
        raise ValidationError({"role": str(exc)}) from exc
    if division is None and department is not None:
        division = department.division
    errors = role_binding_errors(role, department=department, division=division, centre=centre)
    if errors:
        raise ValidationError(errors)
    user.kind = AccountKind.STAFF.value
    user.role = role.value
    user.department = department
    user.division = division
    user.service_centre = centre
    user.is_staff = bool(user.is_superuser or role in ADMIN_SITE_ROLES)
    user.save()
    sync_role_groups(user)
    return user


# --- accounts ------------------------------------------------------------------------------------------------


def password_changed(user: User) -> int:
    """After a password change or reset: every API token issued before it stops working (a token taken with
    the old password must not outlive it), on the record. Returns how many live tokens were revoked.

    Sessions need nothing here: Django ends the other sessions itself (the session hash covers the password).
    The token cache of this process is emptied at once; another process keeps a token at most
    TONGBAN_API_TOKEN_CACHE_SECONDS longer (accounts/tokens.py)."""
    revoked = revoke_all(user)
    audit("auth.password_changed", "user", user.pk, actor=user, detail={"tokens_revoked": revoked})
    return revoked


def _check_username(username: str, errors: dict[str, Any]) -> str:
    username = validation.normalize_username(username)
    if msg := validation.username_error(username):
        errors["username"] = msg
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = DUPLICATE_USERNAME
    return username


def _check_phone(phone: str, errors: dict[str, Any], required: bool = True) -> str:
    phone = validation.normalize_phone(phone)
    if (phone or required) and (msg := validation.phone_error(phone)):
        errors["phone"] = msg
    return phone


def _check_password(password: str, candidate: User, errors: dict[str, Any]) -> None:
    if not password:
        errors["password"] = "请设置密码"
        return
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = exc.error_list


def _save_new(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Another registration won the race between our check and the insert: say which value is taken.
        errors: dict[str, str] = {}
        if User.objects.filter(username__iexact=user.username).exists():
            errors["username"] = DUPLICATE_USERNAME
        if user.id_number and User.objects.filter(id_number=user.id_number).exists():
            errors["id_number"] = DUPLICATE_ID_NUMBER
        if user.uscc and User.objects.filter(uscc=user.uscc).exists():
            errors["uscc"] = DUPLICATE_USCC
        raise ValidationError(errors or "账号保存失败，请稍后重试") from exc
    return user


@transaction.atomic
def register_citizen(
    *,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    phone: str,
    address: str = "",
    is_demo: bool = False,
) -> User:
    """Create a citizen (自然人) account. Raises ValidationError with Chinese messages keyed by field
    (``username``, ``real_name``, ``id_number``, ``phone``, ``password``)."""
    errors: dict[str, Any] = {}
    username = _check_username(username, errors)
    real_name = validation.normalize_name(real_name)
    if msg := validation.person_name_error(real_name):
        errors["real_name"] = msg
    id_number = validation.normalize_identifier(id_number)
    if msg := resident_id_error(id_number):
        errors["id_number"] = msg
    elif User.objects.filter(id_number=id_number).exists():
        errors["id_number"] = DUPLICATE_ID_NUMBER
    phone = _check_phone(phone, errors)
    user = User(
        username=username,
        kind=AccountKind.CITIZEN.value,
        real_name=real_name,
        id_number=id_number,
        phone=phone,
        address=validation.to_halfwidth(address)[:200],
        is_demo=is_demo,
    )
    _check_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    return _save_new(user, password)


@transaction.atomic
def register_enterprise(
    *,
    username: str,
    password: str,
    real_name: str,
    uscc: str,
    legal_representative: str,
    phone: str,
    address: str = "",
    is_demo: bool = False,
) -> User:
    """Create an enterprise (法人) account; ``real_name`` is the registered name of the organisation.
    Raises ValidationError keyed by ``username``, ``real_name``, ``uscc``, ``legal_representative``,
    ``phone``, ``password``."""
    errors: dict[str, Any] = {}
    username = _check_username(username, errors)
    real_name = validation.normalize_name(real_name)
    if msg := validation.organisation_name_error(real_name):
        errors["real_name"] = msg
    uscc = validation.normalize_identifier(uscc)
    if msg := uscc_error(uscc):
        errors["uscc"] = msg
    elif User.objects.filter(uscc=uscc).exists():
        errors["uscc"] = DUPLICATE_USCC
    legal_representative = validation.normalize_name(legal_representative)
    if msg := validation.person_name_error(legal_representative):
        errors["legal_representative"] = msg.replace("姓名", "法定代表人姓名")
    phone = _check_phone(phone, errors)
    user = User(
        username=username,
        kind=AccountKind.ENTERPRISE.value,
        real_name=real_name,
        uscc=uscc,
        legal_representative=legal_representative,
        phone=phone,
        address=validation.to_halfwidth(address)[:200],
        is_demo=is_demo,
    )
    _check_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    return _save_new(user, password)


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str,
    real_name: str,
    role: Role | str,
    department: Any = None,
    division: Any = None,
    centre: Any = None,
    phone: str = "",
    is_demo: bool = False,
) -> User:
    """Create a staff account with its role (see ``assign_role`` for the binding rules)."""
    errors: dict[str, Any] = {}
    username = _check_username(username, errors)
    real_name = validation.normalize_name(real_name)
    if msg := validation.person_name_error(real_name):
        errors["real_name"] = msg
    phone = _check_phone(phone, errors, required=False)
    try:
        errors.update(
            role_binding_errors(
                role,
                department=department,
                division=division or (department.division if department else None),
                centre=centre,
            )
        )
    except ValueError as exc:
        errors["role"] = str(exc)
    user = User(username=username, kind=AccountKind.STAFF.value, real_name=real_name, phone=phone, is_demo=is_demo)
    _check_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    # Saved first with the role so the model's invariants hold at every point; assign_role finishes the rest.
    user.role = parse_role(role).value
    _save_new(user, password)
    return assign_role(user, role, department=department, division=division, centre=centre)


# --- authorisations (委托授权) --------------------------------------------------------------------------------


def _principal(principal_id_number: str) -> tuple[str, str, str | None]:
    """(normalised number, kind, why it is no valid resident ID or credit code)."""
    number = validation.normalize_identifier(principal_id_number)
    if len(number) == 18 and not uscc_error(number) and resident_id_error(number):
        return number, Authorisation.PrincipalKind.LEGAL, None
    msg = resident_id_error(number)
    why = f"委托人证件号码应为公民身份号码或统一社会信用代码：{msg}" if msg else None
    return number, Authorisation.PrincipalKind.NATURAL, why


def authorisation_errors(
    *,
    agent: User | None,
    principal_name: str,
    principal_id_number: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    document: tuple[str, bytes] | None = None,
    verified_by: User | None = None,
    verification_note: str = "",
) -> dict[str, str]:
    """What is wrong with an authorisation to be recorded, by field, in Chinese (the admin form shows these)."""
    errors: dict[str, str] = {}
    number, _, why = _principal(principal_id_number)
    if why:
        errors["principal_id_number"] = why
    if not validation.normalize_name(principal_name).strip():
        errors["principal_name"] = "请填写委托人姓名或名称"
    if agent is None:
        errors["agent"] = "请选择受托人账号"
    elif agent.kind == AccountKind.STAFF:
        errors["agent"] = "受托人应为自然人或法人账号，工作人员账号不能受托代办"
    elif number and number in (agent.id_number, agent.uscc):
        errors["agent"] = "委托人与受托人是同一人，无需委托"
    if valid_from is None or valid_until is None:
        errors["valid_until"] = "请填写委托有效期"
    elif valid_until < valid_from:
        errors["valid_until"] = "有效期至不能早于有效期起"
    elif (valid_until - valid_from).days > AUTHORISATION_MAX_DAYS:
        errors["valid_until"] = f"委托有效期最长{AUTHORISATION_MAX_DAYS}天，期满请重新办理"
    if verified_by is not None and verified_by.role != Role.WINDOW_CLERK:
        errors["verified_by"] = "窗口核验人应为综合窗口受理人员"
    elif verified_by is not None and not verification_note.strip():
        errors["verification_note"] = "请写明窗口如何核验委托人身份和委托意愿"
    if document is None and verified_by is None:
        errors["document"] = "请上传授权委托书，或由窗口工作人员当面核验委托人"
    elif document is not None and (problem := upload_problem(*document)[1]):
        errors["document"] = problem
    return errors


def record_authorisation(
    *,
    recorded_by: User,
    agent: User,
    principal_name: str,
    principal_id_number: str,
    valid_from: dt.date,
    valid_until: dt.date,
    scope_items: Iterable[str] = (),
    document: tuple[str, bytes] | None = None,
    verified_by: User | None = None,
    verification_note: str = "",
) -> Authorisation:
    """Record that the principal (a resident ID or a credit code) lets ``agent`` apply in their name.

    The evidence is the signed authorisation document (a PDF or image, inspected like every upload) or a window
    clerk's check of the principal in person (``verified_by`` with a note), at least one. Raises
    ValidationError keyed by field, in Chinese; on the record in the audit log."""
    errors = authorisation_errors(
        agent=agent,
        principal_name=principal_name,
        principal_id_number=principal_id_number,
        valid_from=valid_from,
        valid_until=valid_until,
        document=document,
        verified_by=verified_by,
        verification_note=verification_note,
    )
    if errors:
        raise ValidationError(errors)
    return _store_authorisation(
        principal_name,
        principal_id_number,
        scope_items,
        document,
        {"evidence": "document" if document is not None else "window_check"},
        agent=agent,
        valid_from=valid_from,
        valid_until=valid_until,
        verified_by=verified_by,
        verification_note=verification_note.strip(),
        recorded_by=recorded_by,
    )


def _store_authorisation(
    principal_name: str,
    principal_id_number: str,
    scope_items: Iterable[str],
    document: tuple[str, bytes] | None,
    evidence: dict[str, Any],
    **fields: Any,
) -> Authorisation:
    """Saves an authorisation whose evidence was checked, with its document's scan, and its audit entry."""
    number, kind, _ = _principal(principal_id_number)
    authorisation = Authorisation(
        principal_kind=kind,
        principal_name=validation.normalize_name(principal_name).strip(),
        principal_id_number=number,
        principal=User.objects.filter(Q(id_number=number) | Q(uscc=number)).first(),
        scope_items=sorted({c.strip() for c in scope_items if c and c.strip()}),
        **fields,
    )
    with transaction.atomic():
        if document is not None:
            authorisation.document_sha256 = hashlib.sha256(document[1]).hexdigest()
            authorisation.document.save(uuid.uuid4().hex[:16], ContentFile(document[1]), save=False)
        authorisation.save()
        detail = {
            "agent": authorisation.agent_id,
            "principal_kind": kind,
            "items": authorisation.scope_items,
            "valid": [authorisation.valid_from.isoformat(), authorisation.valid_until.isoformat()],
            **evidence,
            "document_sha256": authorisation.document_sha256,
        }
        audit("authorisation.record", "authorisation", authorisation.pk, actor=authorisation.recorded_by, detail=detail)
    return authorisation


# How a window clerk checked the principal's identity document when an agent applies for them: in person,
# or by the document the agent brings (the principal absent: then a written authorisation is needed too).
PRINCIPAL_PRESENT = "委托人到场，读取身份证芯片并人证比对"
PRINCIPAL_CHECKS = (
    PRINCIPAL_PRESENT,
    "核验委托人身份证原件（委托人未到场）",
    "核验委托人身份证复印件（委托人未到场）",
    "核验营业执照原件或加盖公章的复印件",
)
# How a window clerk checks the identity of whoever stands at the window.
PERSON_CHECKS = ("读取身份证芯片并人证比对", "核验纸质身份证原件", "电子身份证扫码")


def window_authorisation_errors(
    *,
    clerk: User,
    principal_name: str,
    principal_id_number: str,
    agent_name: str,
    agent_id_number: str,
    principal_check: str,
    agent_check: str,
    written: bool,
    document: tuple[str, bytes] | None = None,
) -> dict[str, str]:
    """What is wrong with the evidence a window clerk records for an agent applying for a principal, by field,
    in Chinese: both identity documents checked, and the written authorisation — which only the principal in
    person may stand in for (an enterprise always authorises in writing, under its seal)."""
    errors: dict[str, str] = {}
    number, kind, why = _principal(principal_id_number)
    if why:
        errors["principal_id_number"] = why
    if not validation.normalize_name(principal_name).strip():
        errors["principal_name"] = "请填写委托人姓名或名称"
    agent_number = validation.normalize_identifier(agent_id_number)
    if not agent_name.strip():
        errors["agent_name"] = "请填写代办人/经办人姓名"
    if msg := resident_id_error(agent_number):
        errors["agent_id_number"] = f"代办人/经办人公民身份号码有误：{msg}"
    elif agent_number == number:
        errors["agent_id_number"] = "代办人与申请人是同一人，无需委托"
    if clerk.role != Role.WINDOW_CLERK:
        errors["clerk"] = "只有综合窗口受理人员可以核验委托"
    if principal_check not in PRINCIPAL_CHECKS:
        errors["principal_check"] = "请选择委托人身份证件的核验方式"
    elif kind == Authorisation.PrincipalKind.LEGAL and principal_check != PRINCIPAL_CHECKS[-1]:
        errors["principal_check"] = "法人委托请核验营业执照原件或加盖公章的复印件"
    if not agent_check.strip():
        errors["agent_check"] = "请选择代办人/经办人身份证件的核验方式"
    in_person = principal_check == PRINCIPAL_PRESENT and kind == Authorisation.PrincipalKind.NATURAL
    if not (written or document or in_person):
        errors["written"] = "委托人未到场的，须收取书面授权委托书（法人须加盖公章）"
    if document is not None and (problem := upload_problem(*document)[1]):
        errors["document"] = problem
    return errors


def record_window_authorisation(
    *,
    clerk: User,
    principal_name: str,
    principal_id_number: str,
    agent_name: str,
    agent_id_number: str,
    scope_items: Iterable[str],
    principal_check: str,
    agent_check: str,
    written: bool,
    day: dt.date,
    document: tuple[str, bytes] | None = None,
) -> Authorisation:
    """An agent (代办人, an enterprise's 经办人) applies at the window for a principal: the clerk's check of both
    identity documents and of the written authorisation becomes the same record an online agent applies under,
    for these items and this day's application (the agent's account, where there is one, may follow it). Raises
    ValidationError keyed by field; on the record in the audit log."""
    errors = window_authorisation_errors(
        clerk=clerk,
        principal_name=principal_name,
        principal_id_number=principal_id_number,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        principal_check=principal_check,
        agent_check=agent_check,
        written=written,
        document=document,
    )
    if errors:
        raise ValidationError(errors)
    agent_number = validation.normalize_identifier(agent_id_number)
    note = f"委托人：{principal_check}；受托人：{agent_check}" + ("；收取书面授权委托书" if written else "")
    checks = {"principal_check": principal_check, "agent_check": agent_check, "written": written}
    return _store_authorisation(
        principal_name,
        principal_id_number,
        scope_items,
        document,
        {"evidence": "window_check", **checks},
        agent=User.objects.filter(id_number=agent_number, kind=AccountKind.CITIZEN).first(),
        agent_name=validation.normalize_name(agent_name).strip()[:50],
        agent_id_number=agent_number,
        valid_from=day,
        valid_until=day,  # this application: a standing authorisation is recorded as such (the admin)
        verified_by=clerk,
        verification_note=note[:200],
        recorded_by=clerk,
        **checks,
    )


def revoke_authorisation(authorisation: Authorisation, *, by: User, reason: str) -> Authorisation:
    """The principal withdrew it (or it was recorded in error): it no longer lets anyone apply."""
    if not reason.strip():
        raise ValidationError({"revoke_reason": "请写明撤销原因"})
    with transaction.atomic():
        updated = Authorisation.objects.filter(pk=authorisation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoke_reason=reason.strip()[:200]
        )
        if updated:
            audit("authorisation.revoke", "authorisation", authorisation.pk, actor=by, detail={"reason": reason})
    authorisation.refresh_from_db()
    return authorisation

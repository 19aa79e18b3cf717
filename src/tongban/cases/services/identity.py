"""Whom an online application is for: the signed-in person, or a principal who authorised them (委托授权).

The fields of a form that identify the applicant (their resident ID number or credit code, and the name that
goes with it) are bound to the account that applies: a citizen applies with their own ID number and real
name, an enterprise with its own credit code and name. A form that names someone else is refused, unless
the account holds an authorisation in force from that person for this item (accounts.Authorisation: who,
for whom, which items, how long, on what evidence); then the case is that person's, applied for by the
account as their agent (代办), and records the authorisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from tongban.accounts.models import Authorisation, User
from tongban.accounts.selectors import authorisation_in_force
from tongban.accounts.validation import normalize_identifier, normalize_name
from tongban.core.actor import AccountKind

from .context import FormInvalid

# The identifier of a natural or a legal person, and the name that belongs to it.
NAME_OF = {"applicant_id_number": "applicant_name", "uscc": "enterprise_name"}
LABELS = {
    "applicant_id_number": "申请人公民身份号码",
    "applicant_name": "申请人姓名",
    "uscc": "统一社会信用代码",
    "enterprise_name": "单位名称",
}
NOT_YOURS = "{label}须与登录账号的实名信息一致。为他人申请，须先登记委托授权（授权委托书或窗口核验）后再提交"


def _own(user: User) -> dict[str, str]:
    """The field that names the applicant, with the account's own value: a citizen's resident ID number, an
    enterprise's credit code. Other identifiers in a form name other people or things (an enterprise's
    representative, the enterprise a bankruptcy administrator asks about) and are not bound."""
    if user.kind == AccountKind.ENTERPRISE:
        return {"uscc": user.uscc or ""}
    return {"applicant_id_number": user.id_number or ""}


def _same_name(given: Any, recorded: str) -> bool:
    return not recorded or normalize_name(str(given or "")).strip() == normalize_name(recorded).strip()


def bound_applicant(
    user: User, implementation_codes: Iterable[str], form_data: Mapping[str, Any], day: dt.date
) -> Authorisation | None:
    """The authorisation the form's applicant is named under (None: the account itself). Raises FormInvalid
    on each identifying field that names someone else without one, or whose name does not match."""
    errors: dict[str, str] = {}
    found: Authorisation | None = None
    own = _own(user)
    codes = list(implementation_codes)
    for key, name_key in NAME_OF.items():
        if key not in own:
            continue
        raw = form_data.get(key)
        given = normalize_identifier(raw) if isinstance(raw, str) else ""
        if not given:
            continue
        if given == own.get(key):
            if not _same_name(form_data.get(name_key), user.real_name):
                errors[name_key] = NOT_YOURS.format(label=LABELS[name_key])
            continue
        authorisation = authorisation_in_force(user, given, codes, day)
        if authorisation is None:
            errors[key] = NOT_YOURS.format(label=LABELS[key])
        elif not _same_name(form_data.get(name_key), authorisation.principal_name):
            errors[name_key] = f"{LABELS[name_key]}应与委托授权中的委托人“{authorisation.principal_name}”一致"
        else:
            found = authorisation
    if errors:
        raise FormInvalid(errors)
    return found


def applicant_fields_for(user: User, authorisation: Authorisation | None) -> dict[str, Any]:
    """The case's applicant columns: the account's own identity, or the principal's with the account as agent."""
    legal = user.kind == AccountKind.ENTERPRISE
    own = {
        "applicant": user,
        "applicant_kind": "legal" if legal else "natural",
        "applicant_name": user.real_name or user.get_username(),
        "applicant_id_number": (user.uscc if legal else user.id_number) or "",
        "applicant_phone": user.phone,
    }
    if authorisation is None:
        return own
    return {
        **own,
        "applicant_kind": authorisation.principal_kind,
        "applicant_name": authorisation.principal_name,
        "applicant_id_number": authorisation.principal_id_number,
        "authorisation": authorisation,
    }


def agent_fields_for(user: User, authorisation: Authorisation | None) -> dict[str, Any]:
    """A single case also names the agent who applied (代办人) beside the principal."""
    if authorisation is None:
        return {"agent_name": "", "agent_id_number": ""}
    return {"agent_name": (user.real_name or user.get_username())[:50], "agent_id_number": user.id_number or ""}

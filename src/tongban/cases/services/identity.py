"""Whom an application is for: the signed-in person, or a principal who authorised them (委托授权) — online
under an authorisation recorded before, at the window under the clerk's check recorded as one.

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
from typing import Any, TypedDict

from django.core.exceptions import ValidationError

from tongban.accounts.models import Authorisation, User
from tongban.accounts.selectors import authorisation_in_force
from tongban.accounts.services import record_window_authorisation, window_authorisation_errors
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


def agent_fields_for(user: User | None, authorisation: Authorisation | None) -> dict[str, Any]:
    """A case also names the agent who applied (代办人) beside the principal: the one a window clerk checked,
    or the account that applied online."""
    if authorisation is None:
        return {"agent_name": "", "agent_id_number": ""}
    if authorisation.agent_name or user is None:
        return {"agent_name": authorisation.agent_name, "agent_id_number": authorisation.agent_id_number}
    return {"agent_name": (user.real_name or user.get_username())[:50], "agent_id_number": user.id_number or ""}


# ---- at the window ------------------------------------------------------------------------------------


class WindowAgent(TypedDict, total=False):
    """Who applies at the window for the applicant (代办人, or an enterprise's 经办人), and the clerk's evidence:
    how the principal's identity document was checked (the agent's is the window's identity check), whether the
    written authorisation (授权委托书) was handed over, and its scan where one was made."""

    name: str
    id_number: str
    principal_check: str
    written: bool
    document: tuple[str, bytes] | None


# The authorisation's fields as the window form names them.
WINDOW_FIELDS = {
    "principal_name": "name",
    "principal_id_number": "id_number",
    "agent_check": "identity_check",
    "document": "authorisation_file",
}


def _window_authorisation(
    clerk: User, applicant: Mapping[str, str], agent: WindowAgent, identity_check: str
) -> dict[str, Any]:
    return {
        "clerk": clerk,
        "principal_name": applicant.get("name", ""),
        "principal_id_number": applicant.get("id_number", ""),
        "agent_name": agent.get("name", ""),
        "agent_id_number": agent.get("id_number", ""),
        "principal_check": agent.get("principal_check", ""),
        "agent_check": identity_check,
        "written": bool(agent.get("written")),
        "document": agent.get("document"),
    }


def acting_for(agent: WindowAgent | None) -> bool:
    """Whether someone applies at the window for the applicant (their name or number given)."""
    return bool(agent and (agent.get("name") or agent.get("id_number")))


def check_window_agent(
    clerk: User, applicant: Mapping[str, str], agent: WindowAgent | None, identity_check: str
) -> None:
    """Raises FormInvalid, keyed by the window form's fields, while the evidence of an agency is incomplete."""
    if agent is None or not acting_for(agent):
        return
    errors = window_authorisation_errors(**_window_authorisation(clerk, applicant, agent, identity_check))
    if errors:
        raise FormInvalid({WINDOW_FIELDS.get(k, k): v for k, v in errors.items()})


def authorise_at_window(
    clerk: User,
    applicant: Mapping[str, str],
    agent: WindowAgent | None,
    identity_check: str,
    implementation_codes: Iterable[str],
    day: dt.date,
) -> Authorisation | None:
    """The clerk's check, recorded as the authorisation the application is made under (accounts.Authorisation:
    the same record as an online agent's), for these items and this day; None for the applicant in person."""
    if agent is None or not acting_for(agent):
        return None
    try:
        return record_window_authorisation(
            **_window_authorisation(clerk, applicant, agent, identity_check),
            scope_items=implementation_codes,
            day=day,
        )
    except ValidationError as exc:
        raise FormInvalid({WINDOW_FIELDS.get(k, k): "；".join(v) for k, v in exc.message_dict.items()}) from None

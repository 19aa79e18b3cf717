"""The result of a cross-region case as it travels back: on the deciding node, what an issue sends (the
e-licence's PDF, the signed decision document, the parcel's waybill) and the sentence people read; on the
receiving node (receiving.apply_report), the files are kept on its copy for the applicant and the window."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.core.files.storage import default_storage

from tongban.cases.domain.workflow import CaseAction
from tongban.cases.models import Case
from tongban.core.public_url import public_base_url
from tongban.licences.documents import licence_pdf
from tongban.licences.models import LicenceVersion
from tongban.licences.selectors import version_by_identifier


def _licence(case: Case) -> LicenceVersion | None:
    return version_by_identifier(case.result_licence_id) if case.result_licence_id else None


def licence_note(case: Case) -> str:
    """The e-licence as people read it: its name and the number on its face, not the identifier (an OID)."""
    version = _licence(case)
    if version is None:
        return "电子证照已签发" if case.result_licence_id else ""
    return f"电子证照：{version.licence.name}（证照编号 {version.licence.number}）"


def _issue_data(case: Case) -> dict[str, Any]:
    event = case.events.filter(action=CaseAction.ISSUE_RESULT.value).order_by("-at", "-id").first()
    return dict(event.data or {}) if event else {}


def _entry(kind: str, name: str, filename: str, content: bytes, **more: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "filename": filename,
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode(),
        **more,
    }


def result_summary(case: Case) -> tuple[str, dict[str, Any]]:
    """The issue's note and what its message carries: the result files (the e-licence as rendered here, with
    its identifier and holder; the signed decision document of an electronic delivery) and the waybill."""
    data = _issue_data(case)
    sent: list[dict[str, Any]] = []
    notes = []
    version = _licence(case)
    if version is not None:
        licence = version.licence
        sent.append(
            _entry(
                "licence",
                f"电子{licence.name}",
                f"licence-{licence.number or version.identifier}.pdf",
                licence_pdf(licence, version, public_base_url()),
                identifier=version.identifier,
                number=licence.number,
                holder=licence.holder_name,
            )
        )
        notes.append(licence_note(case))
    document = str(data.get("document") or "")
    if case.result_delivery == "electronic" and document and default_storage.exists(document):
        with default_storage.open(document, "rb") as fh:
            sent.append(_entry("decision", "决定文书（已签名）", f"{case.number}-decision-signed.pdf", fh.read()))
    if data.get("tracking"):
        notes.append(f"运单号 {data['tracking']}")
    if data.get("address"):
        notes.append(f"寄往 {data['address']}")
    return "；".join(notes)[:200], {"results": sent}

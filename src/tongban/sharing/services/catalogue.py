"""The sharing catalogue's history: each change an administrator saves is appended as the resource's whole
state after it (fields and rules included), so any earlier state can be read back."""

from __future__ import annotations

from typing import Any

from tongban.audit.services import record as audit

from ..models import CatalogueChange, DataResource


def snapshot(resource: DataResource) -> dict[str, Any]:
    return {
        "code": resource.code,
        "name": resource.name,
        "provider": resource.provider,
        "department": resource.department_id,
        "sharing_type": resource.sharing_type,
        "legal_basis": resource.legal_basis,
        "update_frequency": resource.update_frequency,
        "replaces_materials": resource.replaces_materials,
        "active": resource.active,
        "fields": [
            {"key": f.key, "label": f.label, "sensitivity": f.sensitivity}
            for f in resource.fields.order_by("position", "id")
        ],
        "rules": [
            {
                "role": r.role,
                "department": r.department_id,
                "item": r.item.code if r.item is not None else "",
                "fields": r.fields,
                "needs_case": r.needs_case,
                "needs_consent": r.needs_consent,
                "condition": r.condition,
            }
            for r in resource.rules.select_related("item").order_by("id")
        ],
    }


def record_change(user: Any, resource: DataResource, change: str, ip: str = "") -> CatalogueChange:
    state = snapshot(resource) if change != "deleted" else {"code": resource.code}
    row = CatalogueChange.objects.create(user=user, resource_code=resource.code, change=change, snapshot=state)
    audit("sharing.catalogue_" + change, "sharing_resource", resource.code, actor=user, ip=ip)
    return row

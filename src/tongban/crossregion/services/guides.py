"""Another region's published guide, read from its node's public API (同源发布: the same document its own
pages show): the receiving side asks the deciding node's form and materials, so the application is checked on
the spot against the deciding region's own rules."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from tongban.catalogue.models import ItemImplementation
from tongban.core import caches
from tongban.core.errors import DomainError

from .. import transport

GUIDE_SECONDS = 300.0
_guides: dict[tuple[str, str], tuple[RemoteGuide, float]] = caches.keyed({})


@dataclass(frozen=True)
class RemoteGuide:
    node_code: str
    node_name: str
    code: str
    name: str
    department: str
    form_schema: list[dict[str, Any]]
    materials: list[dict[str, Any]]  # name, necessity (required / optional / deferrable), instructions
    statutory_days: int
    limit_unit: str
    url: str


def _coded(value: Any) -> str:
    return str(value.get("code", "")) if isinstance(value, dict) else str(value or "")


def parse_guide(node: transport.Node, doc: dict[str, Any]) -> RemoteGuide:
    schema = [{**f, "type": _coded(f.get("type"))} for f in doc.get("form_schema", [])]
    materials = [
        {"name": m["name"], "necessity": _coded(m.get("necessity")), "instructions": m.get("instructions", "")}
        for m in doc.get("materials", [])
    ]
    return RemoteGuide(
        node_code=node.code,
        node_name=node.name,
        code=doc["code"],
        name=doc["name"],
        department=(doc.get("department") or {}).get("name", ""),
        form_schema=schema,
        materials=materials,
        statutory_days=int(doc.get("statutory_days") or 0),
        limit_unit=_coded(doc.get("limit_unit")),
        url=f"{node.endpoint}/items/{urllib.parse.quote(doc['code'])}/",
    )


def remote_guide(node_code: str, item_code: str) -> RemoteGuide:
    key = (node_code, item_code)
    hit = _guides.get(key)
    if hit is not None and time.monotonic() - hit[1] < GUIDE_SECONDS:
        return hit[0]
    node = next((n for n in transport.nodes() if n.code == node_code), None)
    if node is None or not node.endpoint:
        raise DomainError("unknown_node", "办理地不在跨域通办节点目录中", "node", status=404)
    url = f"{node.endpoint}/api/v1/implementations/{urllib.parse.quote(item_code)}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            doc = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise DomainError("not_found", "办理地未发布该事项的办事指南", "item", status=404) from exc
        raise DomainError("peer_unavailable", f"暂时无法读取{node.name}的办事指南，请稍后再试", "item") from exc
    except (OSError, ValueError) as exc:
        raise DomainError("peer_unavailable", f"暂时无法读取{node.name}的办事指南，请稍后再试", "item") from exc
    guide = parse_guide(node, doc)
    _guides[key] = (guide, time.monotonic())
    return guide


def guide_for(node_code: str, item_code: str) -> RemoteGuide:
    """The guide of an item of ``node_code``: this node's own published version read directly (no HTTP to
    itself, e.g. a 多地联办 leg handled here), another node's from its public API."""
    here = transport.local_code()
    if node_code != here:
        return remote_guide(node_code, item_code)
    impl = (
        ItemImplementation.objects.filter(code=item_code, published_version__isnull=False)
        .select_related("published_version", "department")
        .first()
    )
    if impl is None or impl.published_version is None:
        raise DomainError("not_found", "本节点未发布该事项的办事指南", "item", status=404)
    version = impl.published_version
    return RemoteGuide(
        node_code=here,
        node_name=transport.node_name(here),
        code=impl.code,
        name=version.name,
        department=impl.department.name,
        form_schema=[dict(f) for f in version.form_schema or []],
        materials=[
            {"name": m.name, "necessity": m.necessity, "instructions": m.instructions}
            for m in version.materials.order_by("order", "id")
        ],
        statutory_days=int(version.statutory_days or 0),
        limit_unit=version.limit_unit,
        url=f"/items/{urllib.parse.quote(impl.code)}/",
    )

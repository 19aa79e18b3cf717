"""Several nodes in one test database: each side's copy of a cross-region case is its own row (ref, side), the
case core's rows of every demo region are there, and messages are delivered by the test, as the receiving node
(settings.TONGBAN_NODE_CODE switched for the delivery). Between real node processes: tests/crossregion/
test_cluster.py."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from tongban.accounts.models import User
from tongban.catalogue.models import ItemImplementation
from tongban.core import clock
from tongban.core.testing.files import pdf
from tongban.crossregion import transport
from tongban.crossregion.models import CrossRegionCase
from tongban.crossregion.services import guides, receiving
from tongban.demo.answers import Person, fill
from tongban.demo.data import catalogue as catalogue_data
from tongban.federation import inbox

ZJ, SZ, JY = "330681", "370402", "419001"
NAMES = {ZJ: "浙江省诸暨市", SZ: "山东省枣庄市市中区", JY: "河南省济源市"}


@dataclass
class Federation:
    settings: Any
    queue: list[tuple[str, transport.LocalMessage]] = field(default_factory=list)
    delivered: list[transport.LocalMessage] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def send(self, *, to_node: str, case_ref: str, message_type: str, payload: dict) -> None:
        sender = transport.local_code()
        message = transport.LocalMessage(
            f"m{next(self._ids)}", sender, case_ref, message_type, 0, json.loads(json.dumps(payload)), clock.now()
        )
        if to_node == sender:  # as the real send does: a node's message to itself is handled at once
            inbox.handler_for(message_type)(message)
            return
        self.queue.append((to_node, message))

    @contextmanager
    def node(self, code: str) -> Iterator[None]:
        before = self.settings.TONGBAN_NODE_CODE
        self.settings.TONGBAN_NODE_CODE = code
        try:
            yield
        finally:
            self.settings.TONGBAN_NODE_CODE = before

    def deliver(self) -> int:
        """Every queued message, in order, each in its own transaction on its receiving node."""
        count = 0
        while self.queue:
            to_node, message = self.queue.pop(0)
            with self.node(to_node), transaction.atomic():
                inbox.handler_for(message.message_type)(message)
            self.delivered.append(message)
            count += 1
        return count


@pytest.fixture
def federation(demo_db, settings, monkeypatch) -> Federation:
    settings.TONGBAN_NODE_CODE = ZJ
    fed = Federation(settings)
    monkeypatch.setattr(transport, "send", fed.send)
    nodes = [transport.Node(code, name, f"http://127.0.0.1:{8100 + i}") for i, (code, name) in enumerate(NAMES.items())]
    monkeypatch.setattr(transport, "nodes", lambda: nodes)
    monkeypatch.setattr(transport, "node_name", NAMES.get)
    monkeypatch.setattr(transport, "offered_items", offered_here)
    monkeypatch.setattr(transport, "agreements", list)
    monkeypatch.setattr(guides, "remote_guide", guide_here)
    return fed


def offered_here(node_code: str) -> list[transport.OfferedItem]:
    """What the directory would list for the node: its cross-region items in the shared test database."""
    rows = ItemImplementation.objects.filter(
        division__code__startswith=node_code, entry__cross_region=True, published_version__isnull=False
    ).select_related("entry", "published_version")
    return [
        transport.OfferedItem(
            node_code,
            NAMES[node_code],
            i.code,
            i.entry.name,
            "cross_province",
            ("online", "proxy", "joint") if i.published_version.joint_handling else ("online", "proxy"),
        )
        for i in rows
    ]


def guide_here(node_code: str, item_code: str) -> guides.RemoteGuide:
    """The guide as the deciding node's public API gives it (the shared test database holds every region)."""
    from django.test import Client

    response = Client().get(f"/api/v1/implementations/{item_code}")
    assert response.status_code == 200, response.content
    doc = response.json()
    node = transport.Node(node_code, NAMES[node_code], "http://deciding.example")
    return guides.parse_guide(node, doc)


def item(key: str, division: str) -> catalogue_data.Implementation:
    return catalogue_data.implementation_of(key, division)


APPLICANT = Person("冯志强", "330681199003157715", "13957512345", "浙江省诸暨市暨阳街道浣纱南路88号")


def answers(schema: list[dict[str, Any]]) -> dict[str, Any]:
    return fill(schema, APPLICANT, dt.date(2026, 12, 3))


def form_for(version: Any) -> dict[str, Any]:
    return answers(version.form_schema)


# ---- steps several test modules share ----------------------------------------------------------------


def user(name: str) -> User:
    return User.objects.get(username=name)


def applicant() -> dict[str, str]:
    return {"name": APPLICANT.name, "id_number": APPLICANT.id_number, "phone": APPLICANT.phone}


def both(ref: str) -> tuple[CrossRegionCase, CrossRegionCase]:
    rows = {r.side: r for r in CrossRegionCase.objects.filter(ref=ref)}
    return rows["receiving"], rows["deciding"]


def take_no_crime(federation, scans=None) -> CrossRegionCase:
    impl = item("no_crime_certificate", SZ)
    version = ItemImplementation.objects.get(code=impl.code).published_version
    with federation.node(ZJ):
        return receiving.take_at_window(
            user("zj_window"),
            deciding_node=SZ,
            item_code=impl.code,
            item_name=impl.item.name,
            applicant=applicant(),
            identity_check="读取居民身份证芯片并人证比对",
            form_data=form_for(version),
            scans=scans if scans is not None else [("居民身份证（申请人）", "id.pdf", pdf("id"))],
        )


def apply_no_crime_online(federation, scan_tag: str, phone: str = "") -> tuple[User, CrossRegionCase]:
    """A 诸暨 citizen applies online there for 市中区's 无犯罪记录证明 (the application not yet delivered)."""
    impl = item("no_crime_certificate", SZ)
    version = ItemImplementation.objects.get(code=impl.code).published_version
    citizen = User.objects.filter(kind="citizen", id_number__startswith="3306").first()
    with federation.node(ZJ):
        return citizen, receiving.apply_online(
            citizen,
            deciding_node=SZ,
            item_code=impl.code,
            item_name=impl.item.name,
            form_data=form_for(version),
            uploads=[("居民身份证（申请人）", "id.pdf", pdf(scan_tag))],
            phone=phone,
        )


def take_move(federation, who: dict[str, str] | None = None, titles=("迁出地：准予迁出", "迁入地：办理落户")):
    """济源 迁出 (its 户口迁出登记) then 诸暨 迁入 (工作调动户口迁移), taken at 诸暨's window: each leg with its own
    node's form, every paper once."""
    from tongban.crossregion.services.joint import LegSpec, take_joint

    out_impl, in_impl = item("hukou_move_out", JY), item("work_transfer_move", ZJ)
    out_v, in_v = (ItemImplementation.objects.get(code=i.code).published_version for i in (out_impl, in_impl))
    names = dict.fromkeys(m.name for v in (out_v, in_v) for m in v.materials.all())
    with federation.node(ZJ):
        return take_joint(
            user("zj_window"),
            name="工作调动户口迁移（济源迁往诸暨）",
            legs=[
                LegSpec("out", titles[0], JY, out_impl.code, form_data=form_for(out_v)),
                LegSpec("in", titles[1], ZJ, in_impl.code, ("out",), form_data=form_for(in_v)),
            ],
            applicant=who or applicant(),
            identity_check="读取居民身份证芯片并人证比对",
            scans=[(name, "scan.pdf", pdf(name)) for name in names],
        )


from .cluster_fixture import federation_nodes  # noqa: E402, F401  (the session's three demo nodes)

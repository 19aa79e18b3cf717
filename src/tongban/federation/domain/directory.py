"""The federation directory (the members' global configuration, after X-Road): which nodes exist, their keys
and endpoints, the items each offers across regions, and point-to-point agreements. Signed with a key kept off
the nodes; every node verifies it and never goes back to an older version. No Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tongban.core import sm2

from . import envelope

# 通办范围 and the three ways an item can be handled across regions (domain.md §3).
SCOPES = {"cross_province": "跨省通办", "province": "全省通办"}
MODES = {"online": "全程网办", "proxy": "异地代收代办", "joint": "多地联办"}
_CODE = re.compile(r"^\d{6}$")


class DirectoryError(ValueError):
    pass


@dataclass(frozen=True)
class OfferedItem:
    node_code: str
    item_code: str
    name: str
    scope: str  # a key of SCOPES
    modes: tuple[str, ...]  # keys of MODES

    @property
    def scope_label(self) -> str:
        return SCOPES[self.scope]

    @property
    def mode_labels(self) -> list[str]:
        return [MODES[m] for m in self.modes]


@dataclass(frozen=True)
class Agreement:
    """点对点: two jurisdictions open extra items to each other between two dates (both inclusive)."""

    parties: tuple[str, str]
    items: tuple[tuple[str, str], ...]  # (item code, name)
    valid_from: dt.date
    valid_to: dt.date

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    endpoint: str
    public_key: bytes
    offers: tuple[OfferedItem, ...] = ()

    @property
    def public_key_pem(self) -> str:
        return sm2.public_key_pem(self.public_key)


@dataclass(frozen=True)
class TimeStampAuthority:
    """A time-stamping authority (时间戳服务) the federation trusts to stamp the nodes' message logs; the
    ``protocol`` names the adapter that speaks to it."""

    name: str
    url: str
    public_key: bytes
    protocol: str

    @property
    def key_id(self) -> str:
        return sm2.key_id(self.public_key).hex()


@dataclass(frozen=True)
class Directory:
    version: int
    issued_at: dt.datetime
    nodes: tuple[Node, ...]
    agreements: tuple[Agreement, ...]
    time_stamping: tuple[TimeStampAuthority, ...] = ()

    def node(self, code: str) -> Node | None:
        return next((n for n in self.nodes if n.code == code), None)


def _text(value: Any, what: str, limit: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise DirectoryError(f"{what}缺失或无效")
    return value.strip()


def _code(value: Any, what: str) -> str:
    code = _text(value, what, 6)
    if not _CODE.match(code):
        raise DirectoryError(f"{what}应为6位行政区划代码：{code}")
    return code


def _date(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DirectoryError(f"{what}不是有效日期：{value}") from exc


def _offer(node_code: str, raw: Any) -> OfferedItem:
    if not isinstance(raw, dict):
        raise DirectoryError(f"节点 {node_code} 的通办事项应为对象")
    scope = raw.get("scope")
    if scope not in SCOPES:
        raise DirectoryError(f"节点 {node_code} 的事项通办范围无效：{scope}（应为 {'、'.join(SCOPES)}）")
    modes = raw.get("modes")
    if not isinstance(modes, list) or not modes or any(m not in MODES for m in modes):
        raise DirectoryError(f"节点 {node_code} 的事项办理方式无效：{modes}（应为 {'、'.join(MODES)}）")
    return OfferedItem(
        node_code, _text(raw.get("item_code"), "事项编码", 64), _text(raw.get("name"), "事项名称"), scope, tuple(modes)
    )


def _node(raw: Any) -> Node:
    if not isinstance(raw, dict):
        raise DirectoryError("节点应为对象")
    code = _code(raw.get("code"), "节点代码")
    endpoint = _text(raw.get("endpoint"), f"节点 {code} 的地址", 300).rstrip("/")
    if not endpoint.startswith(("http://", "https://")):
        raise DirectoryError(f"节点 {code} 的地址应以 http:// 或 https:// 开头")
    try:
        public = sm2.public_key_from_pem(_text(raw.get("public_key"), f"节点 {code} 的公钥", 1000))
    except sm2.SignatureError as exc:
        raise DirectoryError(f"节点 {code} 的公钥无效：{exc}") from exc
    offers = raw.get("offers", [])
    if not isinstance(offers, list):
        raise DirectoryError(f"节点 {code} 的通办事项应为列表")
    return Node(
        code, _text(raw.get("name"), f"节点 {code} 的名称"), endpoint, public, tuple(_offer(code, o) for o in offers)
    )


def _agreement(raw: Any, known: set[str]) -> Agreement:
    if not isinstance(raw, dict) or not isinstance(raw.get("parties"), list) or len(raw["parties"]) != 2:
        raise DirectoryError("点对点协议应列出两个地区")
    parties = tuple(_code(p, "协议地区代码") for p in raw["parties"])
    if parties[0] == parties[1] or not set(parties) <= known:
        raise DirectoryError(f"点对点协议的两个地区应为目录中不同的节点：{'、'.join(parties)}")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise DirectoryError("点对点协议应列出开放的事项")
    pairs = tuple(
        (_text(i.get("item_code"), "事项编码", 64), _text(i.get("name"), "事项名称"))
        for i in items
        if isinstance(i, dict)
    )
    if len(pairs) != len(items):
        raise DirectoryError("点对点协议的事项应为对象")
    valid_from, valid_to = _date(raw.get("valid_from"), "协议起始日期"), _date(raw.get("valid_to"), "协议截止日期")
    if valid_to < valid_from:
        raise DirectoryError("点对点协议的截止日期早于起始日期")
    return Agreement((parties[0], parties[1]), pairs, valid_from, valid_to)


def _authority(raw: Any) -> TimeStampAuthority:
    if not isinstance(raw, dict):
        raise DirectoryError("时间戳服务应为对象")
    name = _text(raw.get("name"), "时间戳服务的名称")
    url = _text(raw.get("url"), f"时间戳服务“{name}”的地址", 300)
    if not url.startswith(("http://", "https://")):
        raise DirectoryError(f"时间戳服务“{name}”的地址应以 http:// 或 https:// 开头")
    try:
        public = sm2.public_key_from_pem(_text(raw.get("public_key"), f"时间戳服务“{name}”的公钥", 1000))
    except sm2.SignatureError as exc:
        raise DirectoryError(f"时间戳服务“{name}”的公钥无效：{exc}") from exc
    return TimeStampAuthority(name, url, public, _text(raw.get("protocol", "sm2-json"), "时间戳协议", 40))


def parse(document: Any) -> Directory:
    """The directory's content, checked whole: a node or agreement that does not hold refuses the document."""
    if not isinstance(document, dict):
        raise DirectoryError("目录应为 JSON 对象")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DirectoryError("目录版本号应为正整数")
    try:
        issued_at = envelope.parse_time(document.get("issued_at"), "issued_at")
    except envelope.EnvelopeError as exc:
        raise DirectoryError(str(exc)) from exc
    raw_nodes = document.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise DirectoryError("目录中没有节点")
    nodes = tuple(_node(n) for n in raw_nodes)
    codes = [n.code for n in nodes]
    if len(set(codes)) != len(codes):
        raise DirectoryError("目录中有重复的节点代码")
    agreements = tuple(_agreement(a, set(codes)) for a in document.get("agreements", []))
    stamping = document.get("timestamping", [])
    if not isinstance(stamping, list):
        raise DirectoryError("时间戳服务应为列表")
    return Directory(version, issued_at, nodes, agreements, tuple(_authority(a) for a in stamping))


def sign(document: dict[str, Any], private: bytes) -> dict[str, Any]:
    """The signed form every node downloads: the document, its signature and the signing key's id."""
    parse(document)
    public = sm2.public_key_of(private)
    return {
        "directory": document,
        "signature": envelope.sign(private, document),
        "key_id": sm2.key_id(public).hex(),
    }


def verify(signed: Any, public: bytes) -> Directory:
    """The directory of a signed document, or DirectoryError (unsigned, signed by another key, altered)."""
    if not isinstance(signed, dict) or not isinstance(signed.get("directory"), dict):
        raise DirectoryError("不是签名的联邦目录")
    signature = signed.get("signature")
    if not isinstance(signature, str) or not signature:
        raise DirectoryError("联邦目录未签名")
    if not envelope.verify(public, signed["directory"], signature):
        raise DirectoryError("联邦目录签名无效：不是目录签发密钥所签，或内容已被改动")
    return parse(signed["directory"])

"""Hash chaining of audit entries and the signed checkpoints that anchor the chain (pure; no Django).

Each entry's hash covers its own canonical content and the previous entry's hash, so changing, removing or
reordering any entry breaks every hash after it, unless every later hash is recomputed: the checkpoints,
signed with a key the database does not hold, catch that too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(fields)).encode("utf-8")).hexdigest()


def first_broken(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> int | None:
    """Entries as (id, prev_hash, hash, fields) in chain order. Returns the id of the first bad one, or None."""
    expected_prev = GENESIS
    for entry_id, prev_hash, stored_hash, fields in entries:
        if prev_hash != expected_prev or entry_hash(prev_hash, fields) != stored_hash:
            return entry_id
        expected_prev = stored_hash
    return None


# ---- signed checkpoints: the chain anchored outside the rows it protects ---------------------------------
#
# A checkpoint says "the chain had ``count`` entries, the last one ``entry_id`` with hash ``entry_hash``",
# numbered, linked to the previous checkpoint's signature and signed with a key kept outside the database
# (HMAC-SHA256). Whoever can write the database can rewrite entries and recompute every hash, or delete them
# all; they cannot sign a checkpoint that agrees, and the latest checkpoint is also kept outside the database.


def checkpoint_fields(
    number: int, at: str, entry_id: int, entry_hash: str, count: int, prev_signature: str
) -> dict[str, Any]:
    return {
        "number": number,
        "at": at,
        "entry_id": entry_id,
        "entry_hash": entry_hash,
        "count": count,
        "prev": prev_signature,
    }


def key_id(key: str) -> str:
    """Which key signed (its fingerprint, never the key): verification picks the matching one."""
    return hashlib.sha256(("tongban-audit-key\n" + key).encode("utf-8")).hexdigest()[:16]


def sign(key: str, fields: Mapping[str, Any]) -> str:
    return hmac.new(key.encode("utf-8"), canonical(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def signature_valid(keys: Iterable[str], signed_with: str, fields: Mapping[str, Any], signature: str) -> bool | None:
    """True or False; None when none of ``keys`` is the one that signed (a key retired too early)."""
    for key in keys:
        if key_id(key) == signed_with:
            return hmac.compare_digest(sign(key, fields), signature)
    return None


@dataclass(frozen=True)
class Checkpoint:
    number: int
    at: str
    entry_id: int
    entry_hash: str
    count: int
    prev_signature: str
    key_id: str
    signature: str

    def fields(self) -> dict[str, Any]:
        return checkpoint_fields(self.number, self.at, self.entry_id, self.entry_hash, self.count, self.prev_signature)


def checkpoint_problems(
    checkpoint: Checkpoint, keys: Iterable[str], seen: Mapping[int, tuple[str, int]], where: str
) -> list[str]:
    """What is wrong with one checkpoint against the entries as they are: ``seen`` maps an entry id to (its
    stored hash, how many entries up to and including it). Chinese sentences; empty when it agrees."""
    valid = signature_valid(keys, checkpoint.key_id, checkpoint.fields(), checkpoint.signature)
    label = f"{where}第{checkpoint.number}号检查点"
    if valid is None:
        return [f"{label}的签名密钥（{checkpoint.key_id}）不在当前配置的密钥中，无法校验"]
    if not valid:
        return [f"{label}签名无效：检查点被伪造或修改"]
    found = seen.get(checkpoint.entry_id)
    if found is None:
        return [f"{label}记录的第{checkpoint.entry_id}条审计记录已不存在：日志被截断或删除"]
    entry_hash, count = found
    if entry_hash != checkpoint.entry_hash:
        return [f"{label}与第{checkpoint.entry_id}条审计记录的哈希不符：此前的记录被改写（哈希链被重新计算）"]
    if count != checkpoint.count:
        return [f"{label}时共有{checkpoint.count}条记录，现在只有{count}条：有记录被删除"]
    return []


def sequence_problems(checkpoints: list[Checkpoint]) -> list[str]:
    """Checkpoints are numbered from 1 without gaps, each signing its predecessor's signature."""
    problems = []
    previous: Checkpoint | None = None
    for expected, checkpoint in enumerate(checkpoints, start=1):
        if checkpoint.number != expected:
            problems.append(f"检查点编号不连续：缺少第{expected}号（检查点被删除）")
            break
        if checkpoint.prev_signature != (previous.signature if previous else ""):
            problems.append(f"第{checkpoint.number}号检查点没有接续上一检查点的签名")
        if previous is not None and checkpoint.entry_id < previous.entry_id:
            problems.append(f"第{checkpoint.number}号检查点的记录位置早于上一检查点")
        previous = checkpoint
    return problems

"""The offline verifier (no Django, no database, no network): ``tongban licences verify``.

    tongban licences verify <QR text | file> --keys licence-keys.json [--status licence-status-1.json …]
                            [--content licence.json] [--today 2030-01-01] [--json]

The seal from the QR code (a link or the bare code, a file holding either, or a licence's content file from
the platform), the published key list and the signed status lists decide valid / revoked / suspended /
superseded / expired / forged (domain/verdict.py). Exit status 0 valid, 1 not valid (revoked, suspended,
superseded, expired, not yet valid), 2 forged or unreadable, 3 unusable input files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .domain.verdict import Verdict, decide, read_keys


class InputError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tongban licences verify", description="离线核验电子证照二维码（无需联网）")
    p.add_argument("scanned", help="二维码内容（链接或证照码），或存有它的文件，或平台下载的签名内容文件")
    p.add_argument("--keys", required=True, help="颁发机构签名公钥列表（licence-keys.json）")
    p.add_argument("--status", action="append", default=[], help="已签名的状态列表（可多次给出）")
    p.add_argument("--content", help="证照签名内容文件（含 content），核对内容是否被改动")
    p.add_argument("--today", help="按此日期判断有效期（YYYY-MM-DD），默认今天")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    return p


def _load_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取{what}文件 {path}：{exc}") from exc


def _scanned(text: str) -> tuple[str, dict[str, Any] | None]:
    path = Path(text)
    if len(text) < 4096 and path.is_file():
        raw = path.read_text(encoding="utf-8").strip()
        if raw.startswith("{"):
            data = json.loads(raw)
            return str(data.get("qr", "")), data.get("content")
        return raw, None
    return text, None


def run(argv: list[str], out: TextIO) -> int:
    options = parser().parse_args(argv)
    try:
        try:
            keys = read_keys(_load_json(options.keys, "公钥列表"))
        except (ValueError, KeyError) as exc:
            raise InputError(f"公钥列表无效：{exc}") from exc
        documents: list[dict[str, Any]] = []
        for path in options.status:
            loaded = _load_json(path, "状态列表")
            documents += loaded if isinstance(loaded, list) else [loaded]
        text, content = _scanned(options.scanned)
        if options.content:
            content = _load_json(options.content, "签名内容").get("content")
        today = dt.date.fromisoformat(options.today) if options.today else None
    except (InputError, ValueError) as exc:
        print(f"错误：{exc}", file=out)
        return 3
    verdict = decide(text, keys, documents, today, content)
    report(verdict, options.json, out)
    return verdict.exit_code


def report(verdict: Verdict, as_json: bool, out: TextIO) -> None:
    seal = verdict.seal
    if as_json:
        summary = {
            "outcome": verdict.outcome.value,
            "label": verdict.label,
            "identifier": seal.identifier if seal else None,
            "issuer": verdict.key.body if verdict.key else None,
            "valid_from": seal.valid_from.isoformat() if seal else None,
            "valid_until": seal.valid_until.isoformat() if seal and seal.valid_until else None,
            "status_checked": verdict.status_checked,
            "reasons": verdict.reasons,
        }
        print(json.dumps(summary, ensure_ascii=False), file=out)
        return
    print(f"核验结果：{verdict.label}", file=out)
    if seal is not None:
        print(f"证照标识：{seal.identifier}", file=out)
        until = seal.valid_until.isoformat() if seal.valid_until else "长期"
        print(f"有效期：{seal.valid_from.isoformat()} 至 {until}", file=out)
        if verdict.key is not None:
            print(f"颁发机构：{verdict.key.body}（{verdict.key.body_code}）", file=out)
    for reason in verdict.reasons:
        print(f"  · {reason}", file=out)


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdout)

"""`tongban licences …`: the offline verifier (offline.py; ``tongban`` runs it without Django), the status
lists signed at once, the key list exported.

    tongban licences verify <QR text | file> --keys licence-keys.json [--status …] [--content …] [--json]
    tongban licences publish-status [--list N]
    tongban licences keys [--out licence-keys.json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ... import offline


class Command(BaseCommand):
    help = "电子证照：离线核验（verify）、立即重新签名状态列表（publish-status）、导出公钥列表（keys）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        verify = sub.add_parser("verify", help="离线核验一个证照二维码（无需联网、无需数据库）", add_help=False)
        verify.add_argument("rest", nargs="*")
        publish = sub.add_parser("publish-status", help="立即重新签名状态列表")
        publish.add_argument("--list", type=int, help="只签名这一个列表")
        keys = sub.add_parser("keys", help="输出颁发机构签名公钥列表")
        keys.add_argument("--out", help="写入文件（默认输出到屏幕）")

    def run_from_argv(self, argv: list[str]) -> None:
        # `verify` parses its own options (offline.py), which Django's parser would otherwise claim.
        if len(argv) > 2 and argv[2] == "verify":
            raise SystemExit(offline.run(argv[3:], self.stdout))
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        from ...services import status
        from ...services.keys import key_list_document

        if options["command"] == "verify":
            raise SystemExit(offline.run(options["rest"], self.stdout))
        if options["command"] == "publish-status":
            if options["list"]:
                status.publish(options["list"], force=True)
                self.stdout.write(f"已签名状态列表 {options['list']}")
            else:
                self.stdout.write(f"已签名 {status.republish_all()} 个状态列表")
            return
        text = json.dumps(key_list_document(), ensure_ascii=False, indent=1)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {options['out']}")
        else:
            self.stdout.write(text)

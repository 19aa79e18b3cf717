"""`tongban licences …`: the offline verifier (offline.py; ``tongban`` runs it without Django), the status
lists signed at once, the key list exported.

    tongban licences verify <QR text | file> --keys licence-keys.json [--status …] [--content …] [--json]
    tongban licences publish-status [--list N]
    tongban licences keys [--out licence-keys.json]
    tongban licences import-existing <file.csv|file.xlsx> [--source-system NAME]   (存量证照归集)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        existing = sub.add_parser("import-existing", help="存量证照归集：从 CSV 或 Excel 文件登记原有系统签发的证照")
        existing.add_argument("file", help="CSV（UTF-8）或 .xlsx 文件，首行为列名")
        existing.add_argument("--source-system", default="原电子证照系统", help="原签发系统（文件无该列时使用）")

    def run_from_argv(self, argv: list[str]) -> None:
        # `verify` parses its own options (offline.py), which Django's parser would otherwise claim.
        if len(argv) > 2 and argv[2] == "verify":
            raise SystemExit(offline.run(argv[3:], cast(TextIO, self.stdout)))
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        from ...services import status
        from ...services.keys import key_list_document

        if options["command"] == "verify":
            raise SystemExit(offline.run(options["rest"], cast(TextIO, self.stdout)))
        if options["command"] == "import-existing":
            self._import_existing(Path(options["file"]), options["source_system"])
            return
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

    def _import_existing(self, path: Path, source_system: str) -> None:
        from tongban.cases.services import SYSTEM
        from tongban.core.errors import DomainError

        from ...services.existing import import_file

        try:
            report = import_file(SYSTEM, path.read_bytes(), path.name, source_system)
        except (OSError, DomainError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        for line, message in report.errors:
            self.stderr.write(f"第{line}行：{message}")
        self.stdout.write(report.summary)
        if report.errors:
            raise SystemExit(1)

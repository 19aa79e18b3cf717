"""``tongban demo load`` loads the demo data; ``tongban demo accounts [--table]`` prints the demo accounts."""

from __future__ import annotations

import json
import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.accounts.roles import ACCOUNT_KIND_LABELS, ROLE_LABELS
from tongban.demo.loader import DemoModeRequired, account_rows, load_demo

ROLE_NAMES = {k.value: v for k, v in (*ROLE_LABELS.items(), *ACCOUNT_KIND_LABELS.items())}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "演示数据：load 加载（可重复执行）；accounts 列出演示账号"
    # A data command: the platform checks run with migrate and runserver, not again here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help="加载演示数据（行政区划、部门、事项、一件事、同义词、演示账号、演示办件），可重复执行"
        )
        load.add_argument("--no-cases", action="store_true", help="不加载演示办件（加载更快）")
        accounts = sub.add_parser("accounts", help="列出演示账号：每行一个 JSON；--table 输出中文表格")
        accounts.add_argument("--table", action="store_true", help="以中文表格输出")

    def handle(self, *args, **options) -> None:
        if options["action"] == "load":
            self._load(cases=not options.get("no_cases", False))
        else:
            self._accounts(table=options.get("table", False))

    def _load(self, *, cases: bool) -> None:
        started = time.monotonic()
        try:
            report = load_demo(cases=cases)
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        done = "演示数据已加载" if report.changed else "演示数据已是最新，无需更改"
        self.stdout.write(self.style.SUCCESS(f"{done}（用时 {time.monotonic() - started:.1f} 秒）。"))

    def _accounts(self, table: bool) -> None:
        rows = account_rows()
        if not table:
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            return
        headers = ["用户名", "密码", "角色", "部门", "地区"]
        cells = [
            [r["username"], r["password"], ROLE_NAMES.get(r["role"], r["role"]), r["department"] or "—", r["region"]]
            for r in rows
        ]
        widths = [max(_width(x) for x in col) for col in zip(headers, *cells, strict=False)]
        self.stdout.write("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
        self.stdout.write("  ".join("-" * w for w in widths))
        for line in cells:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())

"""``tongban export_openapi [PATH] [--check]``: write the API's OpenAPI document, or check a committed copy.

A command of the project package (the composition root), not of an app: it reads ``tongban.api``, which
collects every app's router."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def openapi_text() -> str:
    from tongban.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    # Stable text: the committed copy changes only when the API does.
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the schema depends on code only
    help = "写出 /api/v1/openapi.json 的内容（或以 --check 检查已提交的副本是否最新）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="output file; standard output when omitted")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero when PATH differs from what the code produces"
        )

    def handle(self, *args: Any, path: str | None = None, check: bool = False, **options: Any) -> None:
        text = openapi_text()
        if check:
            if not path:
                raise CommandError("--check needs the path of the committed copy")
            target = Path(path)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is not current: run `make openapi` and commit it")
            self.stdout.write(f"{path} is current")
            return
        if not path:
            self.stdout.write(text, ending="")
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")

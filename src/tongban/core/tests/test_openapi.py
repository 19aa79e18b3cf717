"""``tongban export_openapi``: writes the OpenAPI document and checks a committed copy.

That docs/openapi.json is current, and served as /api/v1/openapi.json, is checked in tests/test_openapi_current.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tongban.core.management.commands.export_openapi import openapi_text


def test_export_and_check_commands(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["paths"]
    call_command("export_openapi", str(target), check=True)
    target.write_text(target.read_text(encoding="utf-8").replace('"1.0.0"', '"0.9.0"'), encoding="utf-8")
    with pytest.raises(CommandError, match="not current"):
        call_command("export_openapi", str(target), check=True)
    with pytest.raises(CommandError, match="not current"):
        call_command("export_openapi", str(tmp_path / "absent.json"), check=True)


def test_the_text_is_stable_and_keeps_chinese_readable() -> None:
    text = openapi_text()
    assert text == openapi_text()
    assert any(ord(c) > 0x4E00 for c in text)  # ensure_ascii=False: reviewers read Chinese in the diff
    assert text.endswith("}\n")

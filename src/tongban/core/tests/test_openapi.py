"""The OpenAPI document: served at /api/v1/openapi.json, and a committed copy (docs/openapi.json) kept current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tongban.core.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


def test_the_exported_document_is_the_one_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(openapi_text())


def test_the_committed_openapi_document_is_current() -> None:
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make openapi` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is out of date with the API: run `make openapi` and commit it"
    )


def test_export_and_check_commands(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    call_command("export_openapi", str(target), check=True)
    target.write_text(target.read_text(encoding="utf-8").replace('"1.0.0"', '"0.9.0"'), encoding="utf-8")
    with pytest.raises(CommandError, match="not current"):
        call_command("export_openapi", str(target), check=True)
    with pytest.raises(CommandError, match="not current"):
        call_command("export_openapi", str(tmp_path / "absent.json"), check=True)

"""CI checks of the API's published contract: ``tongban export_openapi`` writes and checks the document, the
committed docs/openapi.json is what the code generates now, every operation declares the error shape, and the
interactive docs work without internet."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client

from tongban.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


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


def test_committed_openapi_document_is_current() -> None:
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make openapi` and commit the file"
    committed = COMMITTED.read_text(encoding="utf-8")
    generated = openapi_text()
    if committed != generated:
        old, new = json.loads(committed), json.loads(generated)
        changed = sorted(set(old["paths"]) ^ set(new["paths"])) or sorted(
            p for p in new["paths"] if old["paths"].get(p) != new["paths"][p]
        )
        pytest.fail(
            "docs/openapi.json is out of date with the API (changed: "
            f"{', '.join(changed) or 'components/info'}): run `make openapi` and commit docs/openapi.json"
        )


def test_served_document_is_the_committed_one(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(openapi_text())


def test_every_operation_declares_the_error_shape() -> None:
    schema = json.loads(openapi_text())
    error_ref = "#/components/schemas/ErrorOut"
    # Writes that validate an item's form answer the same shape plus the list of every field in error.
    form_error_ref = "#/components/schemas/FormErrorOut"
    components = schema["components"]["schemas"]
    assert set(components["ErrorDetail"]["properties"]) == {"code", "message", "field"}
    assert set(components["FormErrorDetail"]["properties"]) >= {"code", "message", "field", "fields"}
    operations = [(path, op) for path, item in schema["paths"].items() for op in item.values()]
    assert len(operations) >= 12
    for path, op in operations:
        assert path.startswith("/api/v1/"), path
        responses = op["responses"]
        assert responses["400"]["content"]["application/json"]["schema"]["$ref"] in (error_ref, form_error_ref), path
        if "{" in path:
            assert responses["404"]["content"]["application/json"]["schema"]["$ref"] == error_ref, path
        assert "422" not in responses, f"{path}: invalid input answers 400, not 422"


def test_docs_page_loads_only_local_assets(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    external = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert external == [], f"the docs page must work offline, found CDN assets: {external}"
    assert '"validatorUrl": null' in html, "Swagger UI must not call the online validator"
    assets = [u for u in urls if u.startswith(settings.STATIC_URL)]
    assert any(u.endswith("swagger-ui-bundle.js") for u in assets)
    assert any(u.endswith("swagger-ui.css") for u in assets)
    for url in assets:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a bundled static file"
        served = client.get(url)
        assert served.status_code == 200, url
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, url


@pytest.mark.django_db(transaction=True)
def test_docs_render_in_a_browser_without_internet(page: Any, live_server: Any) -> None:
    """Swagger UI draws every operation while any request leaving the server is blocked and recorded."""
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 12
    assert "通办 Tongban API" in page.locator(".title").first.inner_text()
    assert outside == []

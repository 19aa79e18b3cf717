"""Input no view can handle is answered 4xx by one guard (core/bad_input.py, core/middleware.py): a Chinese
page, or the API's error shape. Replays issue 8, where each of these gave a 500 (on PostgreSQL, or on both
databases) or was stored: NUL in the web application form and in the progress lookup, a multipart body
without its boundary, a 5,000-character file name, a 21 MB JSON body."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.factories import TODAY, Api, World, form, world
from tongban.core import clock
from tongban.core.testing import files as samples

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return world()


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)  # a 500 is an answer here, not an exception


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]], boundary: str = "----tongban") -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for field, (filename, content) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert CHINESE.search(body["error"]["message"]), body
    return body["error"]


def chinese_page(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.content[:300]
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and words in html, html[:500]


def apply_token(client: Client, code: str) -> str:
    page = client.get(f"/cases/apply/{code}/").content.decode()
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_nul_in_the_web_application_form_is_refused_and_nothing_is_stored(browser: Client, w: World) -> None:
    browser.force_login(w.applicant)
    code = w.version.implementation.code
    data = {**form(w), "child_name": "张\x00小宝", "token": apply_token(browser, code)}
    chinese_page(browser.post(f"/cases/apply/{code}/", data), 400, "空字符")
    assert not Case.objects.exists()
    # The same form without the NUL is taken.
    data = {**form(w), "token": apply_token(browser, code)}
    assert browser.post(f"/cases/apply/{code}/", data).status_code == 302 and Case.objects.count() == 1


def test_nul_in_the_progress_lookup_is_refused(browser: Client, w: World) -> None:
    chinese_page(browser.get("/progress/?number=330681-20260929-000001%00&code=AB%00CD"), 400, "空字符")
    error = api_error(browser.get("/api/v1/progress?number=330681%00&code=ABCD"), 400, "invalid_characters")
    assert error["field"] == "number"
    chinese_page(browser.get("/cases/330681%00/"), 400, "空字符")


def test_nul_in_a_login_is_refused(browser: Client, w: World) -> None:
    chinese_page(browser.post("/accounts/login/", {"username": "zhang\x00san", "password": "x"}), 400, "空字符")


def test_a_multipart_body_without_a_boundary(browser: Client, w: World) -> None:
    api = Api(browser, w.applicant)
    draft = api.apply(w, submit=False).json()
    response = browser.post(
        f"/api/v1/cases/{draft['number']}/materials", b"--x\r\n", content_type="multipart/form-data", **api.headers
    )
    api_error(response, 400, "malformed_body")
    browser.force_login(w.applicant)
    code = w.version.implementation.code
    chinese_page(
        browser.post(f"/cases/apply/{code}/", b"--x\r\n", content_type="multipart/form-data"), 400, "multipart"
    )


def test_a_file_name_of_five_thousand_characters(browser: Client, w: World) -> None:
    api = Api(browser, w.applicant)
    draft = api.apply(w, submit=False).json()
    name = "材" * 5000 + ".pdf"
    body = multipart({"name": "结婚证"}, {"file": (name, samples.pdf())})
    content_type = "multipart/form-data; boundary=----tongban"
    response = browser.post(
        f"/api/v1/cases/{draft['number']}/materials", body, content_type=content_type, **api.headers
    )
    api_error(response, 400, "invalid_file_name")
    assert not CaseMaterial.objects.exists()
    browser.force_login(w.applicant)
    code = w.version.implementation.code
    pk = w.version.materials.get(name="结婚证").pk
    body = multipart({**form(w), "token": apply_token(browser, code)}, {f"material_{pk}": (name, samples.pdf())})
    chinese_page(browser.post(f"/cases/apply/{code}/", body, content_type=content_type), 400, "文件名过长")


def test_a_json_body_over_the_limit(browser: Client, w: World) -> None:
    api = Api(browser, w.applicant)
    body = json.dumps({"implementation": w.version.implementation.code, "form_data": {"x": "a" * (21 << 20)}})
    response = browser.post("/api/v1/cases", body, content_type="application/json", **api.headers)
    error = api_error(response, 413, "too_large")
    assert "20MB" in error["message"] and not Case.objects.exists()


def test_figures(browser: Client, w: World) -> None:
    """Every malformed request of this file once more, counted (the note's figures)."""
    api = Api(browser, w.applicant)
    draft = api.apply(w, submit=False).json()
    content_type = "multipart/form-data; boundary=----tongban"
    long_name = multipart({"name": "结婚证"}, {"file": ("材" * 5000 + ".pdf", samples.pdf())})
    big = json.dumps({"implementation": w.version.implementation.code, "form_data": {"x": "a" * (21 << 20)}})
    browser.force_login(w.applicant)
    code = w.version.implementation.code
    requests = [
        lambda: browser.post(f"/cases/apply/{code}/", {**form(w), "child_name": "\x00", "token": "t" * 32}),
        lambda: browser.get("/progress/?number=1%00&code=2"),
        lambda: browser.get("/api/v1/progress?number=1%00&code=2"),
        lambda: browser.post(f"/cases/apply/{code}/", b"--x\r\n", content_type="multipart/form-data"),
        lambda: browser.post(
            f"/api/v1/cases/{draft['number']}/materials", b"--x", content_type="multipart/form-data", **api.headers
        ),
        lambda: browser.post(
            f"/api/v1/cases/{draft['number']}/materials", long_name, content_type=content_type, **api.headers
        ),
        lambda: browser.post("/api/v1/cases", big, content_type="application/json", **api.headers),
    ]
    statuses = [request().status_code for request in requests]
    assert all(400 <= s < 500 for s in statuses), statuses
    print(
        f"FIGURES malformed requests: {len(statuses)} sent, {len(statuses)} answered 4xx {sorted(set(statuses))}, 0 5xx"
    )

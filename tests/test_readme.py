"""The README tells the truth: its demo-account table is what ``tongban demo accounts`` prints."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_accounts() -> tuple[list[str], set[str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- demo-accounts:start -->", 1)[1].split("<!-- demo-accounts:end -->", 1)[0]
    usernames = re.findall(r"^\| `([^`]+)` \|", block, flags=re.MULTILINE)
    passwords = set(re.findall(r"password `([^`]+)`", block))
    return usernames, passwords


def test_readme_lists_every_demo_account_with_its_password() -> None:
    from tongban.demo.loader import account_rows

    rows = account_rows()
    usernames, passwords = _readme_accounts()
    assert usernames == [r["username"] for r in rows], "update the README's demo-account table"
    assert passwords == {r["password"] for r in rows}, "update the README's demo password"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_code_block = text.split("```", 2)[1]
    assert "make run" in first_code_block and "make test" in first_code_block


def test_relative_links_in_the_docs_resolve() -> None:
    root = README.parent
    docs = [README, root / "docs" / "ARCHITECTURE.md", *sorted((root / "docs" / "adr").glob("*.md"))]
    broken = []
    for doc in docs:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(root)} → {target}")
    assert broken == [], f"broken links: {broken}"


def test_every_setting_read_from_the_environment_is_documented() -> None:
    names: set[str] = set()
    for source in (README.parent / "src" / "tongban").rglob("*.py"):
        if "tests" in source.parts:
            continue
        text = source.read_text(encoding="utf-8")
        names |= set(re.findall(r"""environ(?:\.get)?[(\[]["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""env_flag\(["']([A-Z][A-Z0-9_]+)["']""", text))
    names -= {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CI", "HOME", "PATH", "USER"}
    readme = README.read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert missing == [], f"document these environment variables in the README: {missing}"

"""The README tells the truth: its demo-account table is what ``tongban demo accounts`` prints."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _accounts_block() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("<!-- demo-accounts:start -->", 1)[1].split("<!-- demo-accounts:end -->", 1)[0]


def _main_table(block: str) -> list[list[str]]:
    """The rows of the main accounts' table: username, role, department, region."""
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", block, flags=re.MULTILINE)
    return [[cell.strip() for cell in row] for row in rows]


def _rules(block: str) -> dict[str, str]:
    """The naming rules of the other accounts: pattern → role label."""
    return {p: label for p, label in re.findall(r"^\| `(<[^`]+)` \| (\S+) ", block, flags=re.MULTILINE)}


def _words(block: str, heading: str) -> dict[str, str]:
    """``code`` 名称 pairs of one list under the table ("Regions (`<region>`): `zj` 诸暨市, …")."""
    line = block.split(heading, 1)[1].split("\n\n", 1)[0].split(".\n", 1)[0]
    return {code: name.strip() for code, name in re.findall(r"`([a-z_]+)` ([^,`.]+)", line)}


def test_readme_describes_every_demo_account_with_its_password() -> None:
    """The main accounts one by one (role, department, region as ``tongban demo accounts`` prints them); every
    other account follows one of the README's rules, its region and department kind named as it says."""
    from tongban.accounts.roles import ACCOUNT_KIND_LABELS, ROLE_LABELS
    from tongban.demo.data import accounts as account_data
    from tongban.demo.data import regions
    from tongban.demo.loader import account_rows

    block = _accounts_block()
    rows = {r["username"]: r for r in account_rows()}
    labels = {k.value: v for k, v in (*ROLE_LABELS.items(), *ACCOUNT_KIND_LABELS.items())}
    assert set(re.findall(r"password `([^`]+)`", block)) == {r["password"] for r in rows.values()}

    table = _main_table(block)
    main = [a.username for a in account_data.ACCOUNTS if a.main]
    assert [r[0] for r in table] == main, "update the README's table of the main demo accounts"
    for username, role, department, region in table:
        row = rows[username]
        assert role.startswith(labels[row["role"]]), username
        assert department == (row["department"] or "—") and region == row["region"], username

    rules = _rules(block)
    assert set(rules) == {
        "<region>_<kind>_approver",
        "<region>_<kind>_head",
        "<region>_window",
        "<region>_<place>_window",
    }
    region_names = _words(block, "Regions (`<region>`):")
    kinds = _words(block, "Department kinds (`<kind>`):")
    assert set(region_names) == set(regions.REGION_PREFIXES.values())
    codes = {name: code for code, name, _ in regions.DIVISIONS}
    parents = {code: parent for code, _, parent in regions.DIVISIONS}

    def county(name: str) -> str:  # "市中区（枣庄市）" → the code of 市中区
        return codes[name.split("（", 1)[0]]

    others = [row for name, row in rows.items() if name not in main]
    assert others, "the demo has staff beyond the main accounts"
    for row in others:
        username, role = row["username"], row["role"]
        prefix, _, rest = username.partition("_")
        assert prefix in region_names, f"{username}: its region is not among the README's"
        code = county(region_names[prefix])
        if rest.endswith(("_approver", "_head")):
            kind, _, suffix = rest.rpartition("_")
            rule = f"<region>_<kind>_{suffix}"
            assert kind in kinds, f"{username}: department kind {kind!r} is not in the README"
            assert row["department"] == regions.department(code, kind).name, username
            assert row["region"] == region_names[prefix].split("（", 1)[0], username
        else:
            rule = "<region>_window" if rest == "window" else "<region>_<place>_window"
            assert rest.endswith("window"), f"{username} follows none of the README's rules"
            division = codes[row["region"]]
            while division != code:  # the centre lies in the region
                division = parents[division]
        assert rules[rule].startswith(labels[role]), f"{username}: the README's rule {rule} names another role"


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

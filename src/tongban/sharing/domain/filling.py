"""Which form field a shared data item fills (pure; no Django).

Form keys are the window form's applicant fields ("name") and the keys items' form schemas use; a data item
fills the first of its keys the form has. Materials are compared by their core name (no bracketed notes).
"""

from __future__ import annotations

from collections.abc import Iterable

FORM_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "population": {
        "name": ("name", "applicant_name"),
        "gender": ("gender",),
        "ethnicity": ("ethnicity",),
        "birth_date": ("birth_date", "born"),
        "address": ("address", "residence_address", "home_address"),
        "household_address": ("household_address", "hukou_address"),
        "household_head": ("household_head",),
        "relation_to_head": ("relation_to_head",),
    },
    "legal_entity": {
        "name": ("name", "enterprise_name"),
        "legal_representative": ("legal_representative",),
        "address": ("registered_address", "address", "enterprise_address"),
        "registered_capital": ("registered_capital",),
    },
}

# Asked for whatever the form holds, for the clerk or applicant to check who is applying (shown with their
# source even where the form has no field for them).
CHECKED: dict[str, tuple[str, ...]] = {
    "population": ("name", "gender", "address", "household_address"),
    "legal_entity": ("name", "legal_representative", "address"),
}

# Which base answers for which kind of applicant (the window form's kinds: natural, legal, founding).
SOURCES_BY_KIND = {"natural": ("population",), "founding": ("population",), "legal": ("legal_entity",)}


def wanted(provider: str, form_keys: Iterable[str]) -> dict[str, str]:
    """Data item → the form key it fills ("" : shown for checking only), for the keys this form has."""
    have = set(form_keys)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for item, keys in FORM_KEYS.get(provider, {}).items():
        key = next((k for k in keys if k in have and k not in taken), None)
        if key:
            found[item] = key
            taken.add(key)
    for item in CHECKED.get(provider, ()):
        found.setdefault(item, "")
    return found


def core_name(name: str) -> str:
    for bracket in ("（", "("):
        name = name.split(bracket, 1)[0]
    return "".join(name.split())


def replaced(materials: Iterable[str], replaceable: Iterable[str]) -> list[str]:
    """The item's materials that a resource's data replaces (by core name)."""
    cores = {core_name(n) for n in replaceable}
    return [m for m in materials if core_name(m) in cores]

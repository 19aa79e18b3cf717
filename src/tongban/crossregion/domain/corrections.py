"""What of a deciding node's correction list the receiving side collects (pure; no Django).

The list (一次性告知) mixes the guide's materials, form fields to correct and the clerk's free notes. The receiving
window (or the online applicant) answers a material with a file and a form field with a corrected answer; the
other lines are read, not collected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def material_lines(items: Sequence[str], material_names: Iterable[str], field_lines: Iterable[str] = ()) -> list[str]:
    """The lines naming one of the guide's materials (exactly, or within a longer line such as "居民身份证（申请人）
    复印件不清晰"), form-field lines excepted."""
    names = [n for n in material_names if n]
    skip = set(field_lines)
    return [line for line in items if line not in skip and any(name in line for name in names)]


def missing_materials(lines: Iterable[str], answered: Iterable[str]) -> list[str]:
    """The material lines no file answers yet."""
    given = set(answered)
    return [line for line in lines if line not in given]

"""Who may change which part of the catalogue (pure; no Django): the rules the admin site and the Excel
import share, so a workbook can do no more than the forms.

Implementations and their guides belong to a jurisdiction: a catalogue administrator changes those of their
own division and below (``Actor.manages_path``); a system administrator everywhere. The basic catalogue
(基本目录) and its themes are shared by every region: only platform-wide administrators and those of a
province change them.
"""

from __future__ import annotations

from tongban.core.actor import Actor


def is_province_path(path: str) -> bool:
    """A Division.path of a province: one segment ("330000000000/")."""
    return bool(path.strip("/")) and "/" not in path.strip("/")


def manages_a_province(actor: Actor) -> bool:
    """Platform-wide (no limit), or bound to a whole province."""
    paths = actor.division_paths()
    return paths is None or any(is_province_path(p) for p in paths)


def may_edit_basic_catalogue(actor: Actor) -> bool:
    return actor.catalogue_editor and manages_a_province(actor)


def may_edit_implementations_in(actor: Actor, division_path: str) -> bool:
    return actor.catalogue_editor and actor.manages_path(division_path)

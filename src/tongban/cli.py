"""The ``tongban`` command: Django's management commands with Tongban's settings.

``tongban catalogue import FILE.xlsx``, ``tongban demo load``, ``tongban migrate`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

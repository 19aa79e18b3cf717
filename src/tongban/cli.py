"""The ``tongban`` command: Django's management commands with Tongban's settings.

``tongban catalogue import FILE.xlsx``, ``tongban demo load``, ``tongban migrate`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["licences", "verify"]:
        # The offline verifier needs no settings, database or network: a verifier's own machine runs it.
        from tongban.licences.offline import main as verify

        sys.exit(verify(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban", *args])


if __name__ == "__main__":
    main()

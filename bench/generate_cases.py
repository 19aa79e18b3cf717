#!/usr/bin/env python
"""Fill a database with realistic cases for volume tests: ``generators/cases.py`` from the command line.

Runs with the settings a deployment reads from the environment (``DATABASE_URL`` …), like the ``tongban``
command, and only in demo or test mode, on a database with published items (``tongban demo load`` first):

    TONGBAN_DEMO_MODE=1 .venv/bin/python bench/generate_cases.py [--count 1000000] [--batch 20000]
                                                                [--days 730] [--seed 20261122] [--citizens 2000]

It writes rows directly (COPY on PostgreSQL, batched INSERTs elsewhere), not through the services: no audit
entries, notifications or files. bench/cases_volume.py calls the same generator in process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if str(HERE.parent / "src") not in sys.path:
    sys.path.insert(0, str(HERE.parent / "src"))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from generators.cases import main as generate_main

    return generate_main()


if __name__ == "__main__":
    sys.exit(main())

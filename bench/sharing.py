#!/usr/bin/env python
"""Shared-data look-ups per second with their records written, against the same look-up without the record.

On a fresh database (SQLite file by default, or a throw-away PostgreSQL server) with the demo loaded (its
sharing catalogue and the providers' records), the demo window clerk takes one application at the window for
a demo citizen, then, in process and one thread, for --seconds seconds each:

1. ``sharing.services.access.ask``: the whole look-up for that case — the catalogue's rules read, the case
   core's policy asked, the consent looked up, the rate limit counted, the pure decision, the population
   base read, and the access record and its audit-chain entry written in one transaction;
2. the same look-up without the record: the rules read, the decision and the provider's read only.

It prints look-ups/s and p50/p95 of both, and the record's share of the time. The per-requester rate limit
is lifted for the run (TONGBAN_SHARING_RATE_LIMIT).

    .venv/bin/python bench/sharing.py [--backend sqlite|postgresql] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common


def run(call: Callable[[], object], seconds: float) -> tuple[float, list[float]]:
    """(calls per second, each call's duration) of ``call`` in this thread over ``seconds``."""
    call()
    times: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return len(times) / (time.perf_counter() - start), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-sharing-"))
    url = common.database_url(args.backend, tmp)
    os.environ["TONGBAN_SHARING_RATE_LIMIT"] = "100000000"
    common.setup_django(url, tmp)
    common.load_demo()

    from tongban.accounts.models import User
    from tongban.cases import services
    from tongban.cases.forms import IDENTITY_CHECKS
    from tongban.catalogue.models import ItemImplementation
    from tongban.jurisdictions.models import Window
    from tongban.sharing import providers
    from tongban.sharing.domain import rules
    from tongban.sharing.models import AccessRecord, DataResource
    from tongban.sharing.services.access import ask, resource_spec

    clerk = User.objects.get(username="zj_window")
    citizen = User.objects.get(username="zj_citizen_wang")
    centre = clerk.service_centre
    assert centre is not None
    impl = next(
        i
        for i in ItemImplementation.objects.filter(
            department__in=centre.departments.all(), published_version__isnull=False
        ).order_by("code")
        if not i.published_version.form_schema  # type: ignore[union-attr]
        or all(
            not f.get("required") or f.get("key", "").startswith("applicant") for f in i.published_version.form_schema
        )  # type: ignore[union-attr]
    )
    window = Window.objects.filter(centre=centre).first()
    case = services.apply_at_window(
        services.Ctx(clerk, "window", window),
        impl,
        applicant={
            "kind": "natural",
            "name": citizen.real_name,
            "id_number": citizen.id_number,
            "phone": citizen.phone,
        },
        identity_check=IDENTITY_CHECKS[0],
        form_data={
            "applicant_name": citizen.real_name,
            "applicant_id_number": citizen.id_number,
            "applicant_phone": citizen.phone,
        },
        paper_materials=[],
    )
    fields = ["name", "gender", "address", "household_address"]
    actor = clerk.actor
    subject = citizen.id_number or ""

    def with_record() -> None:
        answer = ask(
            clerk,
            actor,
            resource_code="population-basic",
            subject_code=subject,
            fields=fields,
            purpose="核对申请人信息",
            case_number=case.number,
        )
        assert answer.found, answer.decision

    resource = DataResource.objects.get(code="population-basic")
    provider = providers.provider(resource.provider)
    request = rules.Ask(
        role=str(actor.staff_role),
        department_id=actor.department_id,
        item_code=impl.code,
        purpose="核对申请人信息",
        fields=frozenset(fields),
        has_case=True,
        handles_case=True,
    )

    def without_record() -> None:
        decision = rules.decide(resource_spec(resource), request)
        assert provider.fetch(subject, decision.given)

    print(common.machine_note())
    print(f"database: {common.server_version()}; case {case.number} ({impl.code}), {len(fields)} fields")
    rate_plain, plain = run(without_record, args.seconds)
    rate_full, full = run(with_record, args.seconds)
    print(f"look-up without the record: {rate_plain:8.1f}/s  {common.ms(plain)}")
    print(f"look-up with its record:    {rate_full:8.1f}/s  {common.ms(full)}")
    share = 1 - common.quantile(plain, 50) / common.quantile(full, 50)
    print(f"the record's share of a look-up (p50): {share:.0%}; records written: {AccessRecord.objects.count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

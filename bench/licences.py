#!/usr/bin/env python
"""E-licence signatures and verifications per second, the public check page's latency, and OpenSSL's SM2 as
the ceiling.

On a fresh database (SQLite file by default, or a throw-away PostgreSQL server) with the demo loaded (its
licence types and the demo holders' registered licences):

1. in process, one thread, each for --seconds seconds: SM2 signatures of a licence seal as issuing signs it
   (keys.sign: the issuer's private key decrypted (SM4-GCM) and gmalg's SM2 over SM3(Z_A ‖ seal)), SM2
   verifications of it (sm2.verify, Jacobian coordinates), and whole offline verdicts of a QR code
   (tongban.licences.domain.verdict.decide: base45 text → seal → key list → signature → status list bits,
   what ``tongban licences verify`` decides);
2. the verification page over HTTP through a real server (gunicorn, --workers sync workers, as bench/cases.py
   serves): GET /licences/verify/?q=<QR text> for --requests requests from one client (p50/p95: each
   request verifies the signature, reads the record and writes the check record), then the same from
   --concurrency clients for the throughput. The per-address limit on checks is lifted for the run
   (TONGBAN_LICENCE_CHECK_RATE_LIMIT) so that the one client address is not refused;
3. ``openssl speed -seconds 3 sm2`` in the same run: sign/s and verify/s of OpenSSL's C implementation on this
   machine, and our in-process rates as a share of it.

    .venv/bin/python bench/licences.py [--backend sqlite|postgresql] [--seconds 5] [--requests 300]
                                       [--concurrency 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common
from cases import start_gunicorn


def rate(call: Any, seconds: float) -> float:
    """Calls per second of ``call`` in this thread over ``seconds``."""
    call()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        call()
        count += 1
    return count / elapsed


def openssl_speed(seconds: int = 3) -> tuple[float, float, str]:
    """(sign/s, verify/s, version) of ``openssl speed -seconds N sm2``."""
    out = subprocess.run(
        ["openssl", "speed", "-seconds", str(seconds), "sm2"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"openssl speed printed no SM2 line:\n{out}")
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return float(found.group(1)), float(found.group(2)), version


def get(port: int, path: str, local: threading.local) -> int:
    conn = getattr(local, "conn", None) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    local.conn = conn
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            local.conn = None
        return response.status
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        conn.close()
        local.conn = None
        return get(port, path, local)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-licences-"))
    url = common.database_url(args.backend, tmp)
    os.environ["TONGBAN_LICENCE_CHECK_RATE_LIMIT"] = "100000000"
    common.setup_django(url, tmp)
    common.load_demo()

    from tongban.core import sm2
    from tongban.licences.domain.verdict import decide, read_keys
    from tongban.licences.models import LicenceVersion
    from tongban.licences.selectors import qr_text
    from tongban.licences.services import keys, status
    from tongban.licences.services.signing import seal_of

    status.republish_all()
    version = LicenceVersion.objects.select_related("key").order_by("id").first()
    if version is None:
        raise SystemExit("the demo holds no licence: nothing to verify")
    seal = seal_of(version)
    signed = seal.signed_bytes()
    public = bytes.fromhex(version.key.public_key)
    text = qr_text("http://127.0.0.1", version)
    key_list = read_keys(keys.key_list_document())
    lists = [status.current_document(version.status_list) or {}]
    verdict = decide(text, key_list, lists)
    assert verdict.outcome.value == "valid" and verdict.status_checked, verdict.reasons

    print(common.machine_note())
    print(f"database: {common.server_version()}; QR text {len(text)} characters")
    signs = rate(lambda: keys.sign(version.key, signed), args.seconds)
    verifies = rate(lambda: sm2.verify(public, signed, seal.signature), args.seconds)
    verdicts = rate(lambda: decide(text, key_list, lists), args.seconds)
    print(
        f"in process (one thread; signing gmalg, verification sm2.py): sign {signs:8.1f}/s  verify {verifies:8.1f}/s  offline verdict {verdicts:8.1f}/s"
    )

    ssl_sign, ssl_verify, ssl_version = openssl_speed()
    print(f"{ssl_version}, openssl speed -seconds 3 sm2: sign {ssl_sign:8.1f}/s  verify {ssl_verify:8.1f}/s")
    print(f"share of OpenSSL: sign {signs / ssl_sign:.2%}  verify {verifies / ssl_verify:.2%}")

    proc, port = start_gunicorn(argparse.Namespace(workers=args.workers, worker_class="sync", threads=1))
    try:
        path = "/licences/verify/?q=" + quote(text, safe="")
        local = threading.local()
        assert get(port, path, local) == 200
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            assert get(port, path, local) == 200
            times.append(time.perf_counter() - start)
        print(f"verification page, one client, {args.requests} requests: {common.ms(times)}")

        done, stop = [0] * args.concurrency, time.perf_counter() + args.seconds

        def client(k: int) -> None:
            own = threading.local()
            while time.perf_counter() < stop:
                assert get(port, path, own) == 200
                done[k] += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.concurrency)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(
            f"verification page, {args.concurrency} clients, {args.workers} gunicorn workers:"
            f" {sum(done) / (time.perf_counter() - start):.1f} checks/s"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps({"sign": signs, "verify": verifies, "verdict": verdicts, "openssl": [ssl_sign, ssl_verify]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

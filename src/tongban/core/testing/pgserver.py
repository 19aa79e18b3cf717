"""Start a throw-away PostgreSQL server for the test suite: a temporary data directory, a loopback port.

initdb refuses to run as root, so as root the server runs as the ``postgres`` system user that Debian's
package creates (or ``nobody`` when there is none). The server is stopped and its directory removed when the
process that started it exits, also on SIGTERM.

Run ``python -m tongban.core.testing.pgserver`` to start one by hand: it prints the URL and waits.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def pg_bin_dir() -> Path:
    """The newest installed server's bin directory (Debian keeps them under /usr/lib/postgresql/N/bin)."""
    explicit = os.environ.get("TONGBAN_PG_BIN")
    if explicit:
        return Path(explicit)
    candidates = [p for p in glob.glob("/usr/lib/postgresql/*/bin") if p.split("/")[-2].isdigit()]
    candidates.sort(key=lambda p: int(p.split("/")[-2]))
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the 'postgresql' Debian package "
        "(apt-get install postgresql) or set TONGBAN_PG_BIN."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """None: run as ourselves. As root: a system user, since PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresUnavailable("以 root 运行时需要 postgres 系统用户来启动测试数据库（apt-get install postgresql）。")


def _base_dir(user: str | None) -> str:
    """Where the data directory goes: the usual temp dir, unless the server user could not reach it."""
    base = tempfile.gettempdir()
    if user is None:
        return base
    # Every ancestor must be searchable by the server user; /tmp always is.
    path = Path(base).resolve()
    for part in [path, *path.parents]:
        if not part.stat().st_mode & stat.S_IXOTH:
            return "/tmp"
    return base


def _run(cmd: list[str], *, cwd: Path, log: Path | None = None) -> None:
    # cwd: the server user may not be allowed into the caller's working directory (e.g. /root/...).
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        if log is not None and log.exists():
            detail += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
        raise PostgresUnavailable(f"{' '.join(cmd)} failed with exit code {result.returncode}:\n{detail}")


def start_throwaway_server(*, port: int | None = None) -> str:
    """Start a server and return its URL; it is stopped when this process exits."""
    url, _stop = start_server(port=port)
    return url


def start_server(*, port: int | None = None) -> tuple[str, Callable[[], None]]:
    """Start a server; return its URL and a function that stops it (also called when this process exits)."""
    bin_dir = pg_bin_dir()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="tongban-pg-", dir=_base_dir(user)))
    data = root / "data"
    log = root / "server.log"
    as_user: list[str] = []
    if user is not None:
        shutil.chown(root, user=user)
        as_user = ["runuser", "-u", user, "--"]

    stopped = False

    def stop() -> None:
        nonlocal stopped
        if stopped:
            return
        stopped = True
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                cwd=root,
                capture_output=True,
                stdin=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    _stop_on_sigterm()
    try:
        _run(
            [
                *as_user,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "tongban",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            cwd=root,
        )
        for attempt in range(3):
            chosen = port or _free_port()
            try:
                _run(
                    [
                        *as_user,
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(log),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        f"-h 127.0.0.1 -p {chosen} -k {root} -c fsync=off -c synchronous_commit=off "
                        "-c full_page_writes=off -c max_connections=200",
                        "start",
                    ],
                    cwd=root,
                    log=log,
                )
                break
            except PostgresUnavailable:
                # Another process may have taken the free port between our probe and the bind.
                if port or attempt == 2:
                    raise
        else:  # pragma: no cover - the loop always breaks or raises
            raise PostgresUnavailable("PostgreSQL did not start")
    except BaseException:
        stop()
        raise
    return f"postgres://tongban@127.0.0.1:{chosen}/postgres", stop


def _stop_on_sigterm() -> None:
    """Let SIGTERM run the atexit handlers, so that a killed test run leaves no server behind."""
    try:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    except ValueError:  # not the main thread
        pass


if __name__ == "__main__":
    url = start_throwaway_server()
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass

"""Several Tongban nodes on one machine, each a real deployment of its own: its var directory, SM2 key,
database (SQLite file or a PostgreSQL database), web server (gunicorn) and task worker, with a directory of
them all signed by a key kept outside every node. Used by ``tongban federation cluster`` (``make
federation``), the fault tests and bench/federation.py.

    cluster = Cluster(["330681", "370402"], root=Path("/tmp/c"), demo=False)
    cluster.start()            # prepare (once per root) and start every node; returns when all answer
    cluster.stop_node("370402"); cluster.start_node("370402")
    cluster.manage("330681", "federation", "status")
    cluster.stop()

Preparing migrates ONE database and copies it to each node (a file copy, or CREATE DATABASE … TEMPLATE), then,
with ``demo``, runs ``tongban demo load`` on each node with its TONGBAN_NODE_CODE, asks each node for its
directory entry (``tongban federation describe-node``: name and offered items) and signs the directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tongban.core import sm2

from .domain import directory as dirdoc
from .domain import envelope
from .keys import write_private_key

# Settings a node process must not inherit from the process that starts it (a test run's, a shell's).
_INHERITED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TONGBAN_TESTING", "TONGBAN_TEST_PG_URL", "TONGBAN_VAR_DIR")
_INHERITED_PREFIXES = ("TONGBAN_NODE_", "TONGBAN_FEDERATION_")


class ClusterError(RuntimeError):
    pass


@dataclass
class ClusterNode:
    code: str
    port: int
    var_dir: Path
    env: dict[str, str]
    name: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.var_dir / "tongban.sqlite3"


def _private_key(path: Path) -> bytes:
    if not path.exists():
        write_private_key(path, sm2.generate_keypair()[0])
    return sm2.private_key_from_pem(path.read_text(encoding="ascii"))


TSA_NAME = "联邦演示时间戳服务"


class Cluster:
    def __init__(
        self,
        codes: list[str],
        *,
        root: Path,
        base_port: int = 8101,
        db: str = "sqlite",
        demo: bool = True,
        env: dict[str, str] | None = None,
        log: Callable[[str], object] = print,
        postgres_url: str = "",
        sqlite_template: Path | None = None,
    ) -> None:
        """``sqlite_template``: an already migrated SQLite database to copy instead of migrating one (the test
        suite hands over its own, migrated at the start of the run)."""
        if len(set(codes)) != len(codes) or not codes:
            raise ClusterError("节点代码应互不相同且至少一个")
        self.root, self.db, self.demo, self.log = root.resolve(), db, demo, log
        self.postgres_url = postgres_url or os.environ.get("TONGBAN_TEST_PG_URL", "")
        self.sqlite_template = sqlite_template
        self.directory_file = self.root / "directory.signed.json"
        self.directory_key = self.root / "offline" / "directory_key.pem"  # the signer's: never in a node's env
        self.directory_public = self.root / "directory_key.pub.pem"
        base = {k: v for k, v in os.environ.items() if k not in _INHERITED and not k.startswith(_INHERITED_PREFIXES)}
        self.nodes = [self._node(code, base_port + i, {**base, **(env or {})}) for i, code in enumerate(codes)]
        # The federation's time-stamping authority: in the demo, a service of the first node with its own key.
        self.tsa_key = self.root / "tsa" / "tsa_key.pem"
        if self.nodes:
            self.nodes[0].env |= {"TONGBAN_TSA_KEY_FILE": str(self.tsa_key), "TONGBAN_TSA_NAME": TSA_NAME}

    def _node(self, code: str, port: int, base: dict[str, str]) -> ClusterNode:
        var_dir = self.root / code
        env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "tongban.settings",
            "TONGBAN_VAR_DIR": str(var_dir),
            "TONGBAN_DEMO_MODE": "1",
            "PORT": str(port),
            "TONGBAN_NODE_ID": code,
            "TONGBAN_NODE_CODE": code,
            "TONGBAN_NODE_ENDPOINT": f"http://127.0.0.1:{port}",
            "TONGBAN_NODE_KEY_FILE": str(var_dir / "federation" / "node_key.pem"),
            "TONGBAN_FEDERATION_DIRECTORY": str(self.directory_file),
            "TONGBAN_FEDERATION_DIRECTORY_KEY": str(self.directory_public),
            "TONGBAN_TASKS_BACKEND": base.get("TONGBAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        }
        return ClusterNode(code, port, var_dir, env)

    @staticmethod
    def free_base_port(count: int, start: int = 20000, stop: int = 60000) -> int:
        """A port from which ``count`` consecutive loopback ports are free now (a random place, so that
        parallel test processes do not try the same ones)."""
        import random
        import socket

        for _ in range(200):
            base = random.randrange(start, stop - count)
            try:
                for port in range(base, base + count):
                    with socket.socket() as probe:
                        probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return base
        raise ClusterError("找不到空闲的端口")

    def node(self, code: str) -> ClusterNode:
        found = next((n for n in self.nodes if n.code == code), None)
        if found is None:
            raise ClusterError(f"集群中没有节点 {code}")
        return found

    # ---- preparing --------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Keys, databases, demo data and the signed directory; a root prepared before is reused as is."""
        self.root.mkdir(parents=True, exist_ok=True)
        ready = self.root / "prepared.json"
        self._databases()
        # A SQLite cluster's files outlive it; a PostgreSQL server may be a new one, so that is prepared again.
        if self.db == "sqlite" and ready.exists() and json.loads(ready.read_text()) == [n.code for n in self.nodes]:
            names = json.loads((self.root / "names.json").read_text())
            for node in self.nodes:
                node.name = names.get(node.code, node.code)
            return
        for node in self.nodes:
            _private_key(Path(node.env["TONGBAN_NODE_KEY_FILE"]))
        self._migrate()
        if self.demo:
            self._parallel(lambda n: self.manage(n.code, "demo", "load", timeout=1800), "载入演示数据")
        self.sign_directory()
        ready.write_text(json.dumps([n.code for n in self.nodes]))

    def _databases(self) -> None:
        if self.db == "sqlite":
            for node in self.nodes:
                node.env["DATABASE_URL"] = f"sqlite:///{node.database}"
            return
        if not self.postgres_url:
            from tongban.core.testing.pgserver import start_throwaway_server

            self.postgres_url = start_throwaway_server()
        head = self.postgres_url.rsplit("/", 1)[0]
        for node in self.nodes:
            node.env["DATABASE_URL"] = f"{head}/{self._pg_name(node.code)}"

    def _pg_name(self, code: str) -> str:
        return f"tongban_node_{code}_{zlib.crc32(str(self.root).encode()) % 10**6}"  # stable across processes

    def _migrate(self) -> None:
        """Migrate one database, then give each node a copy: one migration run instead of one per node."""
        first = self.nodes[0]
        self.log("迁移数据库 …")
        if self.db == "sqlite":
            for node in self.nodes:
                node.var_dir.mkdir(parents=True, exist_ok=True)
            template = self.sqlite_template or self.root / "template.sqlite3"
            if not template.exists():
                self._run(
                    [sys.executable, "-m", "tongban.cli", "migrate", "--noinput", "-v0"],
                    {**first.env, "DATABASE_URL": f"sqlite:///{template}"},
                    timeout=900,
                )
            for node in self.nodes:
                if not node.database.exists():
                    shutil.copyfile(template, node.database)
            return
        import psycopg

        template_db = self._pg_name("template")
        head = self.postgres_url.rsplit("/", 1)[0]
        with psycopg.connect(self.postgres_url, autocommit=True) as conn:
            existing = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
            if template_db not in existing:
                conn.execute(f'CREATE DATABASE "{template_db}"')
                self._run(
                    [sys.executable, "-m", "tongban.cli", "migrate", "--noinput", "-v0"],
                    {**first.env, "DATABASE_URL": f"{head}/{template_db}"},
                    timeout=900,
                )
            for node in self.nodes:
                node.var_dir.mkdir(parents=True, exist_ok=True)
                name = self._pg_name(node.code)
                if name not in existing:
                    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')

    def sign_directory(self, *, extra: dict | None = None) -> dict:
        """A new version of the directory of these nodes (each node's own entry when demo data is there: its
        name and offered items), signed with the offline key. Nodes pick it up at their next refresh."""
        key = _private_key(self.directory_key)
        self.directory_public.write_text(sm2.public_key_pem(sm2.public_key_of(key)), encoding="ascii")
        if self.demo:
            entries = self._parallel(lambda n: json.loads(self.manage(n.code, "federation", "describe-node")), "")
        else:
            entries = [
                {
                    "code": n.code,
                    "name": n.code,
                    "endpoint": n.endpoint,
                    "public_key": sm2.public_key_pem(
                        sm2.public_key_of(_private_key(Path(n.env["TONGBAN_NODE_KEY_FILE"])))
                    ),
                    "offers": [],
                }
                for n in self.nodes
            ]
        previous = json.loads(self.directory_file.read_text())["directory"] if self.directory_file.exists() else {}
        document = {
            "version": int(previous.get("version", 0)) + 1,
            "issued_at": envelope.iso(dt.datetime.now(dt.UTC)),
            "nodes": entries,
            "agreements": [],
            "timestamping": [self._tsa_entry()] if self.nodes else [],
            **(extra or {}),
        }
        signed = dirdoc.sign(document, key)
        self.directory_file.write_text(json.dumps(signed, ensure_ascii=False, indent=1), encoding="utf-8")
        names = {e["code"]: e["name"] for e in entries}
        (self.root / "names.json").write_text(json.dumps(names, ensure_ascii=False))
        for node in self.nodes:
            node.name = names[node.code]
        return signed

    def _tsa_entry(self) -> dict:
        public = sm2.public_key_of(_private_key(self.tsa_key))
        url = f"{self.nodes[0].endpoint}/federation/tsa/"
        return {"name": TSA_NAME, "url": url, "public_key": sm2.public_key_pem(public), "protocol": "sm2-json"}

    # ---- running ----------------------------------------------------------------------------------------

    def start(self, timeout: float = 120) -> None:
        self.prepare()
        for node in self.nodes:
            self.start_node(node.code, wait=False)
        for node in self.nodes:
            self.wait_ready(node.code, timeout)
        for n in self.nodes:
            self.log(f"{n.code} {n.name}：{n.endpoint}/  （联邦运行情况 {n.endpoint}/federation/operations/）")

    def start_node(self, code: str, *, wait: bool = True, timeout: float = 120) -> None:
        node = self.node(code)
        if node.processes:
            return
        logs = node.var_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        web = [
            sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
            "--bind", f"127.0.0.1:{node.port}", "--workers", "1", "--threads", "8", "--graceful-timeout", "2",
        ]  # fmt: skip
        worker = [sys.executable, "-m", "tongban.cli", "worker", "--interval", "0.1", "--tick", "0.5"]
        for name, command in (("web", web), ("worker", worker)):
            with (logs / f"{name}.log").open("a") as out:
                node.processes.append(
                    subprocess.Popen(command, env=node.env, stdout=out, stderr=subprocess.STDOUT, cwd=node.var_dir)
                )
        if wait:
            self.wait_ready(code, timeout)

    def wait_ready(self, code: str, timeout: float = 120) -> None:
        node = self.node(code)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in node.processes):
                raise ClusterError(f"节点 {code} 的进程已退出，见 {node.var_dir / 'logs'}")
            try:
                with urllib.request.urlopen(node.endpoint + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise ClusterError(f"节点 {code} 在 {timeout:g} 秒内没有就绪，见 {node.var_dir / 'logs'}")

    def stop_node(self, *codes: str) -> None:
        """SIGTERM to every process of these nodes at once, then wait for each (SIGKILL after 20 s)."""
        processes = [p for code in codes for p in self.node(code).processes]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for code in codes:
            self.node(code).processes.clear()

    def stop(self) -> None:
        self.stop_node(*(n.code for n in self.nodes))

    def wait(self) -> None:
        """Block until a node's process exits (or Ctrl-C)."""
        while all(p.poll() is None for n in self.nodes for p in n.processes):
            time.sleep(0.5)

    # ---- commands on a node -----------------------------------------------------------------------------

    def query(self, code: str, sql: str, params: tuple = ()) -> list[tuple]:
        """Read a node's database directly (tests, the bench): ``%s`` placeholders on either database."""
        url = self.node(code).env["DATABASE_URL"]
        if url.startswith("sqlite:///"):
            import sqlite3

            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def manage(self, code: str, *args: str, timeout: float = 300) -> str:
        """Run ``tongban …`` with the node's settings; its standard output."""
        return self._run([sys.executable, "-m", "tongban.cli", *args], self.node(code).env, timeout=timeout)

    def spawn(self, code: str, *args: str) -> subprocess.Popen:
        """``tongban …`` on the node in the background (output discarded); wait() for its exit status."""
        return subprocess.Popen(
            [sys.executable, "-m", "tongban.cli", *args],
            env=self.node(code).env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @staticmethod
    def _run(command: list[str], env: dict[str, str], timeout: float) -> str:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(command[2:])} 失败：\n{done.stderr[-3000:]}")
        return done.stdout

    def _parallel(self, func: Callable[[ClusterNode], object], label: str) -> list:
        if label:
            self.log(f"{label} …")
        with ThreadPoolExecutor(max_workers=min(len(self.nodes), os.cpu_count() or 2)) as pool:
            return list(pool.map(func, self.nodes))

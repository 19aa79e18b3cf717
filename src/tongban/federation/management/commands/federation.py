"""``tongban federation …``: keys, the signed directory, probes, the message log and the demo cluster."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongban.core import sm2

from ... import offers, selectors, services
from ...domain import directory as dirdoc
from ...domain import envelope
from ...keys import node_public_key, write_private_key
from ...models import IncomingMessage, OutgoingMessage


def _division_name(code: str) -> str:
    """The node's full name from its own divisions (浙江省绍兴市诸暨市), else its code."""
    from tongban.jurisdictions.models import Division

    found = Division.objects.filter(code__in=[code, code.ljust(12, "0")]).first()  # kept as 12 digits
    return found.full_name if found else code


def _batches(total: int, size: int) -> list[int]:
    return [min(size, total - start) for start in range(0, total, max(size, 1))]


class Command(BaseCommand):
    help = "跨地区联邦：密钥、签名目录、探测消息、消息日志核验、演示集群"
    requires_system_checks: list[str] = []  # scripted many times by the cluster, the tests and the bench

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="生成 SM2 密钥对（目录签发密钥应保存在节点之外）")
        keygen.add_argument("-o", "--output", required=True, help="私钥 PEM 文件（不会覆盖已有文件）")
        sub.add_parser("public-key", help="打印本节点的公钥（PEM）")
        sub.add_parser("describe-node", help="打印本节点在联邦目录中的条目（JSON）")
        sign = sub.add_parser("sign-directory", help="用离线的目录签发密钥签名联邦目录")
        sign.add_argument("input", help="目录 JSON（version、issued_at、nodes、agreements）")
        sign.add_argument("--key", required=True, help="目录签发私钥 PEM 文件")
        sign.add_argument("-o", "--output", required=True, help="签名后的目录文件")
        sub.add_parser("refresh-directory", help="立即下载、核验并启用更新的联邦目录")
        send = sub.add_parser("send", help="发送探测消息（federation.ping）")
        send.add_argument("--to", required=True, help="接收节点代码")
        send.add_argument("--case", default="PING", help="办件编号（前缀，与 --cases 一起使用）")
        send.add_argument("--count", type=int, default=1, help="每个办件发送几条")
        send.add_argument("--cases", type=int, default=1, help="分几个办件发送")
        send.add_argument("--type", default="federation.ping", help="消息类型")
        send.add_argument("--interval", type=float, default=0.0, help="每条消息单独一个事务，间隔多少秒（测时延用）")
        log = sub.add_parser("messages", help="消息日志（JSON 行）")
        log.add_argument("--direction", choices=["in", "out"], default="out")
        log.add_argument("--peer", default="")
        log.add_argument("--case", default="")
        log.add_argument("--limit", type=int, default=100000)
        verify = sub.add_parser("verify-log", help="重新核验消息日志中的签名和签收回执（不可抵赖）")
        verify.add_argument("--message", default="", help="只核验这一条消息编号")
        sub.add_parser("timestamp-log", help="立即为尚未加盖时间戳的消息日志加盖时间戳")
        sub.add_parser("describe-tsa", help="打印本节点时间戳服务在联邦目录中的条目（JSON）")
        sub.add_parser("status", help="各对端节点的待投递数量和最早一条的等待时间（JSON）")
        cluster = sub.add_parser("cluster", help="在本机启动多个演示节点（各自数据库、密钥、签名目录）")
        cluster.add_argument("--nodes", default="330681,370402,419001", help="节点的行政区划代码，逗号分隔")
        cluster.add_argument("--base-port", type=int, default=8101)
        cluster.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        cluster.add_argument("--root", default="", help="各节点目录的上级目录（默认 var/federation-cluster）")
        cluster.add_argument("--no-demo", action="store_true", help="不载入演示数据")

    def handle(self, *args, **options):
        action = options["action"].replace("-", "_")
        getattr(self, f"do_{action}")(options)

    def do_keygen(self, options):
        private, public = sm2.generate_keypair()
        try:
            write_private_key(Path(options["output"]), private)
        except FileExistsError as exc:
            raise CommandError(f"{options['output']} 已存在，不覆盖") from exc
        self.stdout.write(sm2.public_key_pem(public), ending="")

    def do_public_key(self, options):
        self.stdout.write(sm2.public_key_pem(node_public_key()), ending="")

    def do_describe_node(self, options):
        entry = {
            "code": settings.TONGBAN_NODE_CODE,
            "name": settings.TONGBAN_NODE_NAME or _division_name(settings.TONGBAN_NODE_CODE),
            "endpoint": settings.TONGBAN_NODE_ENDPOINT.rstrip("/"),
            "public_key": sm2.public_key_pem(node_public_key()),
            "offers": offers.offered(),
        }
        self.stdout.write(json.dumps(entry, ensure_ascii=False))

    def do_sign_directory(self, options):
        try:
            document = json.loads(Path(options["input"]).read_text(encoding="utf-8"))
            private = sm2.private_key_from_pem(Path(options["key"]).read_text(encoding="ascii"))
            if isinstance(document, dict):
                document.setdefault("issued_at", envelope.iso(dt.datetime.now(dt.UTC)))
            signed = dirdoc.sign(document, private)
        except (OSError, ValueError) as exc:  # DirectoryError, SignatureError and bad JSON are ValueErrors
            raise CommandError(f"无法签名联邦目录：{exc}") from exc
        Path(options["output"]).write_text(json.dumps(signed, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(
            f"已签名联邦目录 v{document['version']}（{len(document['nodes'])} 个节点）：{options['output']}"
        )

    def do_refresh_directory(self, options):
        try:
            installed = services.refresh_directory()
        except dirdoc.DirectoryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已启用联邦目录 v{installed.version}" if installed else "联邦目录没有更新")

    def do_send(self, options):
        services.ensure_directory()
        started = time.perf_counter()
        sent = 0
        for c in range(options["cases"]):
            case_ref = options["case"] if options["cases"] == 1 else f"{options['case']}-{c + 1}"
            for batch in _batches(options["count"], 1 if options["interval"] else options["count"]):
                with transaction.atomic():  # a case change with its messages, or each message on its own
                    for _ in range(batch):
                        services.send_message(
                            to_node=options["to"], case_ref=case_ref, message_type=options["type"], payload={"n": sent}
                        )
                        sent += 1
                time.sleep(options["interval"])
        self.stdout.write(json.dumps({"sent": sent, "seconds": round(time.perf_counter() - started, 3)}))

    def do_messages(self, options):
        for row in selectors.message_log(
            direction=options["direction"], peer=options["peer"], case_ref=options["case"], limit=options["limit"]
        ):
            common = {
                "message_id": str(row.message_id if options["direction"] == "in" else row.pk),
                "sender": row.sender,
                "recipient": row.recipient,
                "case_ref": row.case_ref,
                "message_type": row.message_type,
                "sequence": row.sequence,
                "status": row.status,
                "attempts": row.attempts,
                "body_hash": row.body_hash,
                "has_receipt": bool(row.receipt),
            }
            if isinstance(row, IncomingMessage):
                common |= {"processed_at": row.processed_at.isoformat() if row.processed_at else None}
            self.stdout.write(json.dumps(common, ensure_ascii=False))

    def do_verify_log(self, options):
        rows: list[OutgoingMessage | IncomingMessage] = []
        out = OutgoingMessage.objects.all()
        inn = IncomingMessage.objects.all()
        if options["message"]:
            out, inn = out.filter(pk=options["message"]), inn.filter(message_id=options["message"])
        rows = [*out, *inn]
        bad = 0
        for row in rows:
            problems = services.verify_logged(row)
            bad += bool(problems)
            for problem in problems:
                self.stdout.write(f"{row}: {problem}")
        stamped = sum(1 for row in rows if row.time_stamp_id)
        self.stdout.write(
            f"核验 {len(rows)} 条消息：{len(rows) - bad} 条签名、回执和时间戳均有效，{bad} 条有问题；"
            f"{stamped} 条已加盖时间戳，{len(rows) - stamped} 条待加盖"
        )
        if bad:
            sys.exit(1)

    def do_timestamp_log(self, options):
        from ...timestamping import TimeStampUnavailable

        try:
            batch = services.timestamp_log()
        except TimeStampUnavailable as exc:
            raise CommandError(f"未能加盖时间戳：{exc}") from exc
        if batch is None:
            self.stdout.write("没有待加盖时间戳的消息（或联邦目录未指定时间戳服务）")
        else:
            self.stdout.write(
                f"已加盖时间戳：{len(batch.hashes)} 条消息，{batch.authority} 第 {batch.serial} 号，{batch.stamped_at:%Y-%m-%d %H:%M:%S}"
            )

    def do_describe_tsa(self, options):
        from ... import tsa

        if not tsa.enabled():
            raise CommandError("本节点未配置时间戳服务（TONGBAN_TSA_KEY_FILE）")
        entry = {
            "name": tsa.authority_name(),
            "url": f"{settings.TONGBAN_NODE_ENDPOINT.rstrip('/')}/federation/tsa/",
            "public_key": sm2.public_key_pem(tsa.public_key()),
            "protocol": "sm2-json",
        }
        self.stdout.write(json.dumps(entry, ensure_ascii=False))

    def do_status(self, options):
        for row in selectors.peer_queues():
            self.stdout.write(
                json.dumps(
                    {
                        "node": row["node"].code,
                        "depth": row["depth"],
                        "oldest_age_seconds": row["oldest_age"].total_seconds() if row["oldest_age"] else None,
                        "acknowledged": row["acknowledged"],
                        "last_failure": (row["last_failure"] or {}).get("last_error"),
                    },
                    ensure_ascii=False,
                )
            )

    def do_cluster(self, options):
        from ...cluster import Cluster

        root = Path(options["root"] or Path(settings.VAR_DIR) / "federation-cluster")
        cluster = Cluster(
            [c.strip() for c in options["nodes"].split(",") if c.strip()],
            root=root,
            base_port=options["base_port"],
            db=options["db"],
            demo=not options["no_demo"],
            log=self.stdout.write,
        )
        cluster.start()  # which prints each node's address once it answers
        try:
            self.stdout.write("Ctrl-C 停止全部节点。")
            cluster.wait()
        except KeyboardInterrupt:
            pass
        finally:
            cluster.stop()

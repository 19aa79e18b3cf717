from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tongban.core.errors import DomainError
from tongban.delivery import selectors, services
from tongban.delivery.contrib.local_courier.courier import local_courier
from tongban.delivery.models import Shipment
from tongban.delivery.registry import get_courier, status_label

LOCAL = "local_courier"


class Command(BaseCommand):
    help = (
        "快递送达：tongban delivery advance [--tracking 运单号] [--signer 签收人] [--by-time] 推进本地模拟快递的邮件；"
        "refresh 从快递接口同步在途邮件；track 运单号 查看物流轨迹；cancel 运单号 --reason 原因 --user 用户名 取消邮寄"
    )

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["advance", "refresh", "track", "cancel"])
        parser.add_argument("tracking_number", nargs="?", default="", help="运单号（track、cancel 必填）")
        parser.add_argument("--tracking", default="", help="advance：只推进这一件")
        parser.add_argument("--signer", default="", help="advance：签收人（默认收件人本人）")
        parser.add_argument(
            "--by-time",
            action="store_true",
            help="advance：按经过的时间推进（每个状态 TONGBAN_LOCAL_COURIER_STEP_HOURS 小时）",
        )
        parser.add_argument("--reason", default="", help="cancel：取消原因")
        parser.add_argument("--user", default="", help="cancel：以该工作人员身份取消（须有出件权限）")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _shipment(self, tracking: str) -> Shipment:
        tracking = tracking.strip().upper()
        if not tracking:
            raise CommandError("请提供运单号")
        shipment = Shipment.objects.filter(tracking_number=tracking).select_related("case").first()
        if shipment is None:
            raise CommandError(f"运单号“{tracking}”不存在")
        return shipment

    def _advance(self, options):
        courier = local_courier()
        if options["by_time"]:
            due = courier.advance_due()
            for shipment in due:
                self._report(services.refresh(shipment, courier))
            self.stdout.write(f"按时间推进了 {len(due)} 件邮件。")
            return
        if options["tracking"]:
            targets = [self._shipment(options["tracking"])]
            if targets[0].courier != LOCAL:
                raise CommandError("只有本地模拟快递的邮件可以手动推进")
        else:
            targets = list(selectors.open_shipments(LOCAL).order_by("id"))
        moved = 0
        for shipment in targets:
            before = shipment.status_label
            try:
                courier.advance(shipment.tracking_number, signer=options["signer"])
            except DomainError as exc:
                if options["tracking"]:
                    raise
                self.stderr.write(f"{shipment.tracking_number}：{exc.message}")
                continue
            after = services.refresh(shipment, courier)
            moved += 1
            self.stdout.write(
                f"{after.tracking_number}  {after.case.number}  {before} → {after.status_label}"
                + (f"（签收人：{after.signed_by}）" if after.signed_by else "")
            )
        self.stdout.write(f"共推进 {moved} 件邮件。")

    def _refresh(self, options):
        count = 0
        for shipment in selectors.open_shipments().order_by("id"):
            self._report(services.refresh(shipment))
            count += 1
        self.stdout.write(f"已同步 {count} 件在途邮件。")

    def _report(self, shipment: Shipment) -> None:
        self.stdout.write(f"{shipment.tracking_number}  {shipment.case.number}  {shipment.status_label}")

    def _track(self, options):
        shipment = self._shipment(options["tracking_number"])
        self.stdout.write(
            f"运单号 {shipment.tracking_number}（{selectors.courier_label(shipment.courier)}）"
            f" 办件 {shipment.case.number}  当前：{shipment.status_label}"
        )
        for scan in get_courier(shipment.courier).track(shipment.tracking_number):
            extra = f"  签收人：{scan.signer}" if scan.signer else ""
            self.stdout.write(f"  {scan.at:%Y-%m-%d %H:%M}  {status_label(scan.status)}  {scan.place}{extra}")

    def _cancel(self, options):
        from tongban.accounts.models import User

        shipment = self._shipment(options["tracking_number"])
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        if user is None:
            raise CommandError("请用 --user 指明办理取消的工作人员用户名")
        cancelled = services.cancel_shipment(shipment, user, options["reason"])
        self.stdout.write(f"已取消邮件 {cancelled.tracking_number}（办件 {cancelled.case.number}）。")

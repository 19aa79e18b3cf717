from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tongban.audit.services import verify


class Command(BaseCommand):
    help = "审计日志：tongban audit verify 校验哈希链，发现任何篡改"

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        checked, broken = verify()
        if broken is None:
            self.stdout.write(f"审计日志完整：已校验 {checked} 条记录，哈希链无断裂。")
            return
        if broken == -1:
            raise CommandError(f"审计日志被截断：已校验 {checked} 条，但链尾与记录的最新哈希不符。")
        raise CommandError(f"审计日志被篡改：第一条异常记录 id={broken}（已校验 {checked} 条）。")

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tongban.cases import deferrals


class Command(BaseCommand):
    help = (
        "办件：tongban cases flag-overdue-deferrals [--date YYYY-MM-DD] [--dry-run] "
        "列出承诺补交日期已过仍未补交的容缺材料，并提醒申请人（每件材料只提醒一次）"
    )

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["flag-overdue-deferrals"])
        parser.add_argument("--date", default="", help="按这一天判断是否逾期（默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送提醒")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期“{options['date']}”无效，请写成 2026-10-09 这样的格式") from exc
        if options["dry_run"]:
            rows = [(f, deferrals.ALREADY if f.notified else "") for f in deferrals.deferral_flags(None, today)]
        else:
            rows = deferrals.flag_overdue_deferrals(today)
        if not rows:
            self.stdout.write("没有逾期未补交的容缺材料。")
            return
        for flag, outcome in rows:
            label = deferrals.OUTCOME_LABELS.get(outcome, "未提醒（仅列出）")
            self.stdout.write(
                f"{flag.case.number}  {flag.case.version.name}  {flag.case.deciding_department.name}  "
                f"“{flag.material.name}” 承诺{flag.due:%Y-%m-%d}补交，已逾期{flag.days_overdue}天  {label}"
            )
        sent = sum(1 for _, outcome in rows if outcome == deferrals.SENT)
        cases = len({flag.case.pk for flag, _ in rows})
        self.stdout.write(f"共 {len(rows)} 件容缺材料逾期（涉及 {cases} 个办件），本次提醒 {sent} 件。")

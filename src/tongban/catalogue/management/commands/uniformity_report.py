"""``tongban uniformity_report [--region CODE] [--json] [--all]``: the 六统一 report on the command line.

Prints, for every published implementation (of a region's subtree), where it departs from its catalogue
entry (materials, statutory limit, fees, process), with counts. Exit code 0 always: departures are findings,
not errors; use ``--fail-on-difference`` to make them fail a script.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.catalogue.models import ItemImplementation
from tongban.catalogue.uniformity import uniformity_report
from tongban.jurisdictions.selectors import get_division


class Command(BaseCommand):
    help = "六统一比对：已发布实施清单与基本目录在申请材料、办结时限、收费、办理流程上的差异"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="只比对该行政区划（含下级）的实施清单，如 330681")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--all", action="store_true", help="同时列出与基本目录一致的实施清单")
        parser.add_argument("--fail-on-difference", action="store_true", help="存在差异时以退出码1结束")

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = ItemImplementation.objects.all()
        if options["region"]:
            division = get_division(options["region"])
            if division is None:
                raise CommandError(f"未找到行政区划“{options['region']}”")
            queryset = queryset.filter(division__path__startswith=division.path)
        report = uniformity_report(queryset)
        rows = report.rows if options["all"] else report.departing
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "checked": report.checked,
                        "consistent": report.consistent_count,
                        "departing": len(report.departing),
                        "aspects": {key: count for key, _label, count in report.aspect_counts()},
                        "implementations": [
                            {
                                "code": r.implementation.code,
                                "name": r.version.name,
                                "version": r.version.number,
                                "region": r.implementation.division.name,
                                "department": r.implementation.department.name,
                                "differences": [{"field": d.field, "message": d.message} for d in r.differences],
                            }
                            for r in rows
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(
                f"已发布实施清单事项 {report.checked} 项：与基本目录一致 {report.consistent_count} 项，"
                f"存在差异 {len(report.departing)} 项"
            )
            self.stdout.write("　".join(f"{label}不一致 {count} 项" for _key, label, count in report.aspect_counts()))
            for r in rows:
                self.stdout.write(
                    f"\n{r.implementation.code}　{r.version.name}（{r.implementation.division.name}"
                    f"·{r.implementation.department.name}，第{r.version.number}版）"
                )
                for d in r.differences:
                    self.stdout.write(f"  - {d.message}")
                if not r.differences:
                    self.stdout.write("  一致")
        if options["fail_on_difference"] and report.departing:
            raise SystemExit(1)

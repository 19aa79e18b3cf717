"""``tongban catalogue export FILE.xlsx|FILE.zip`` / ``tongban catalogue import FILE.xlsx|FILE.zip``.

A .zip holds the workbook and its blank forms and samples (docs/catalogue-excel.md, "附件").

Exit codes: 0 done; 1 the file has errors (every one is listed, nothing was imported); 2 the file cannot be
read or an option is wrong.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from tongban.catalogue.excel import STATUS_ALL, STATUS_PUBLISHED, WorkbookError, export_catalogue, import_catalogue
from tongban.core.errors import DomainError

EXIT_INVALID_DATA = 1
EXIT_USAGE = 2


class Command(BaseCommand):
    help = "事项目录的 Excel 导入与导出（工作表与列见 docs/catalogue-excel.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        export = sub.add_parser("export", help="导出事项目录到 .xlsx 文件")
        export.add_argument("file", help="要写入的 .xlsx 文件；以 .zip 结尾时连同空白表格、示例样表文件一起打包")
        export.add_argument("--region", help="只导出该行政区划（含下级）的实施清单，如 330681")
        export.add_argument(
            "--status",
            choices=[STATUS_PUBLISHED, STATUS_ALL],
            default=STATUS_PUBLISHED,
            help="published：现行发布版本（默认）；all：每个实施清单的最新版本，含草稿",
        )
        export.add_argument("--no-progress", action="store_true", help="不显示进度条")

        imp = sub.add_parser("import", help="从 .xlsx 文件导入事项目录（先全部校验，有错误则不导入任何数据）")
        imp.add_argument("file", help="要导入的 .xlsx 文件，或含工作簿和附件的 .zip 压缩包")
        imp.add_argument("--publish", action="store_true", help="导入后提交并发布新版本（先检查发布规则）")
        imp.add_argument("--actor", help="记录为操作人的用户名")
        imp.add_argument("--dry-run", action="store_true", help="只校验并报告将会发生的变化，不写入")
        imp.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def _progress(self, options: dict[str, Any]) -> Any:
        if options.get("no_progress"):
            return None
        return functools.partial(tqdm, file=getattr(self.stderr, "_out", sys.stderr), leave=False, dynamic_ncols=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options: dict[str, Any]) -> None:
        try:
            result = export_catalogue(
                options["file"],
                region=options.get("region"),
                status=options["status"],
                progress=self._progress(options),
                with_files=str(options["file"]).lower().endswith(".zip"),
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_USAGE) from exc
        except OSError as exc:
            raise CommandError(
                f"无法写入文件“{options['file']}”：{exc.strerror or exc}", returncode=EXIT_USAGE
            ) from exc
        self.stdout.write(f"{result.summary()} 文件：{options['file']}")

    def _import(self, options: dict[str, Any]) -> None:
        actor = None
        if options.get("actor"):
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"用户“{options['actor']}”不存在", returncode=EXIT_USAGE)
        try:
            report = import_catalogue(
                options["file"],
                publish=options["publish"],
                actor=actor,
                dry_run=options["dry_run"],
                progress=self._progress(options),
            )
        except WorkbookError as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(report.summary(), returncode=EXIT_INVALID_DATA)
        self.stdout.write(report.summary())

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tongban.audit.services import checkpoint, examine


class Command(BaseCommand):
    help = (
        "审计日志：tongban audit verify 校验哈希链、签名检查点和数据库外的检查点副本，发现篡改、截断或删除；"
        "tongban audit checkpoint 立即生成一个签名检查点"
    )

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):
        if options["subcommand"] == "checkpoint":
            made = checkpoint()
            if made is None:
                self.stdout.write("自上一检查点以来没有新的审计记录，未生成新检查点。")
            else:
                self.stdout.write(f"已生成{made}，共{made.count}条记录，签名已保存到数据库内外。")
            return
        report = examine()
        for note in report.notes:
            self.stdout.write(f"提示：{note}")
        if report.intact:
            self.stdout.write(
                f"审计日志完整：已校验 {report.checked} 条记录和 {report.checkpoints} 个签名检查点，"
                "哈希链无断裂，与检查点一致。"
            )
            return
        raise CommandError("审计日志被篡改、截断或删除：\n" + "\n".join(f"- {p}" for p in report.problems))

from __future__ import annotations

from django.core.management.base import BaseCommand

from tongban.accounts.models import User
from tongban.accounts.services import ensure_role_groups, sync_role_groups


class Command(BaseCommand):
    help = "创建或更新管理后台角色组（事项管理员、系统管理员）及其权限，并按岗位角色校正用户的后台权限和角色组。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str = "default", **options) -> None:
        groups = ensure_role_groups(using=database)
        for role, group in groups.items():
            self.stdout.write(f"{group.name}（{role.value}）：{group.permissions.count()} 项权限")
        users = User.objects.using(database).exclude(role="").filter(kind="staff") | User.objects.using(
            database
        ).filter(is_superuser=True)
        count = 0
        for user in users.distinct():
            sync_role_groups(user)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"已校正 {count} 个工作人员账号。"))

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, using="default", **kwargs) -> None:
    from .services import ensure_role_groups

    ensure_role_groups(using=using)


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        # The admin-site role groups follow the code's definition after every migrate (new models included).
        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="tongban.accounts.sync_role_groups")

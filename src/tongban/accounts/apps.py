from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


def _sync_role_groups(sender, using="default", **kwargs) -> None:
    from .services import ensure_role_groups

    ensure_role_groups(using=using)


def _password_saved(sender, instance, **kwargs) -> None:
    # AbstractBaseUser keeps the new raw password in _password from set_password() until save() has run:
    # every way a password changes (the page, the admin, `tongban changepassword`, a reset) passes here.
    if getattr(instance, "_password", None) is not None and instance.pk is not None and not kwargs.get("created"):
        from .services import password_changed

        password_changed(instance)


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        # The admin-site role groups follow the code's definition after every migrate (new models included).
        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="tongban.accounts.sync_role_groups")
        # A password change ends every API token issued before it (accounts/tokens.py).
        post_save.connect(
            _password_saved, sender=self.get_model("User"), dispatch_uid="tongban.accounts.password_saved"
        )

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.roles import roles_sync_permissions

        post_migrate.connect(roles_sync_permissions, dispatch_uid="accounts-role-permissions")

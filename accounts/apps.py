from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.backends import session_hash_forget, session_hash_saved, session_signed_in
        from accounts.models import User
        from accounts.roles import roles_sync_permissions

        post_migrate.connect(roles_sync_permissions, dispatch_uid="accounts-role-permissions")
        post_save.connect(session_hash_saved, sender=User, dispatch_uid="accounts-session-hash")
        post_delete.connect(session_hash_forget, sender=User, dispatch_uid="accounts-session-hash")
        user_logged_in.connect(session_signed_in, dispatch_uid="accounts-session-account")

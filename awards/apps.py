from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from awards import receivers  # noqa: F401
        from awards.sqlite import triggers_drop, triggers_install

        pre_migrate.connect(triggers_drop, dispatch_uid="awards-sqlite-triggers-drop")
        post_migrate.connect(triggers_install, dispatch_uid="awards-sqlite-triggers-install")

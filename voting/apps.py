from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from voting import receivers  # noqa: F401
        from voting.triggers import triggers_drop, triggers_install

        pre_migrate.connect(triggers_drop, dispatch_uid="voting-triggers-drop")
        post_migrate.connect(triggers_install, dispatch_uid="voting-triggers-install")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from outreach import receivers  # noqa: F401

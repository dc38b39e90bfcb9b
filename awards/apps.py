from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Awards"

    def ready(self) -> None:
        from awards import receivers  # noqa: F401

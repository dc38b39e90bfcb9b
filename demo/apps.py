from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the whole platform (``manage.py seed_demo``). It sits above every
    other app, made through their services; no app depends on it."""

    name = "demo"
    verbose_name = "Demo data"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seeder (`manage.py seed_demo`): it writes every app's rows, so it sits at the top of the graph."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistance"

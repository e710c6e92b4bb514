from django.apps import AppConfig


class VillagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villages"

    def ready(self) -> None:
        # povertymgmt sits below villages: the bound on policy years (povertymgmt.dates) reads the working
        # year through this hook, never by importing villages (docs/architecture.md).
        from povertymgmt import dates

        from .working_year import working_year

        dates.set_working_year_source(working_year)

from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"

    def ready(self) -> None:
        """Audit cases, their steps, objections and evidence (§6, §9), placed in the case's region."""
        from accounts.audit import track

        from .models import Attachment, Case, Objection, Step

        track(Case, object_type="case", region=lambda c: c.region_id)
        track(Step, object_type="step", region=lambda s: s.case.region_id)
        track(Objection, object_type="objection", region=lambda o: o.case.region_id)
        track(Attachment, object_type="attachment", region=lambda a: a.case.region_id)

        # The year switch (年度切换, eligibility.year_switch) shows the cases still open.
        from eligibility.year_switch import register_open_items

        register_open_items(open_cases)


def open_cases() -> list:
    """The cases still open, by case type (§6), for the preview of the year switch (one query)."""
    from django.db.models import Count

    from eligibility.year_switch import OpenItem

    from .definitions import CaseType
    from .models import Case

    rows = Case.objects.filter(closed_at__isnull=True).values("case_type").annotate(n=Count("id")).order_by("case_type")
    labels = dict(CaseType.choices)
    return [OpenItem(labels.get(row["case_type"], row["case_type"]), row["n"]) for row in rows]

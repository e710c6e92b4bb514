from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "households"

    def ready(self) -> None:
        """Audit every change of the registry (§9, docs/audit.md), placed in the household's village."""
        from accounts.audit import track

        from .models import Assessment, Helper, Household, Income, Member, Pairing, WorkTeamMember

        track(Household, object_type="household", region=lambda h: h.village_id)
        track(Member, object_type="member", region=lambda m: m.household.village_id)
        track(Income, object_type="income", region=lambda i: i.household.village_id)
        track(Assessment, object_type="assessment", region=lambda a: a.household.village_id)
        # Helpers, pairings and village postings (issue 14): who changed them, old → new.
        track(Helper, object_type="helper", region=lambda h: h.county_id)
        track(Pairing, object_type="pairing", region=lambda p: p.household.village_id)
        track(WorkTeamMember, object_type="work_team_member", region=lambda m: m.village_id)
        # The per-village tallies the region pages read (issue 16), recounted when a save commits.
        from . import tallies

        tallies.connect()

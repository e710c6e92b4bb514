"""The per-village tallies (issue 16, households.models.VillageTally): households by status and their
current members, so that region pages add up at most a few rows per village instead of counting the
registry per request.

One rule, set-based: `tally_refresh(villages)` recounts the given villages (all of them with None) in
two statements, DELETE and INSERT … SELECT. It runs
- after every save or delete of a household or member, in the same transaction (signals below; the
  village's region row is locked first, so two saves in one village recount one after the other),
- after the bulk writes that send no signals (the import's COPY, the end of policy support, the demo),
- and for every village at the end of the nightly run, the safety net of anything written around them.
tests/households/test_tallies.py holds the tallies equal to a count of the registry after each path.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from accounts import access
from villages.models import Level, Region

from .models import Household, Member, VillageTally


def tally_refresh(villages: Iterable[int] | None = None) -> None:
    """Recount the tallies of `villages` (ids), or of every village."""
    ids = None if villages is None else sorted({int(v) for v in villages if v is not None})
    if ids == []:
        return
    t, h, m = VillageTally._meta.db_table, Household._meta.db_table, Member._meta.db_table
    where, params = ("", []) if ids is None else (f"WHERE h.village_id IN ({', '.join(['%s'] * len(ids))})", ids)
    # A list of villages counts the members of their households only (by index: a save's or an import's
    # recount does not aggregate every member of the province); the whole province counts them all.
    members = f"SELECT household_id, COUNT(*) AS n FROM {m} WHERE departure = '' GROUP BY household_id"  # noqa: S608
    if ids is not None:
        members = (
            f"SELECT m.household_id, COUNT(*) AS n FROM {m} m JOIN {h} h ON h.id = m.household_id"  # noqa: S608
            f" WHERE m.departure = '' AND h.village_id IN ({', '.join(['%s'] * len(ids))}) GROUP BY m.household_id"
        )
    delete_where = "" if ids is None else f"WHERE village_id IN ({', '.join(['%s'] * len(ids))})"
    with transaction.atomic(), connection.cursor() as cursor:
        if ids is not None:  # one recount of a village at a time (PostgreSQL; SQLite writes one at a time)
            list(Region.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        cursor.execute(f"DELETE FROM {t} {delete_where}", params)  # noqa: S608 - table names only
        cursor.execute(
            f"""INSERT INTO {t} (village_id, county_id, status, households, people)
                SELECT h.village_id, h.county_id, h.status, COUNT(*), COALESCE(SUM(p.n), 0)
                FROM {h} h
                LEFT JOIN ({members}) p ON p.household_id = h.id
                {where}
                GROUP BY h.village_id, h.county_id, h.status""",  # noqa: S608 - table names only
            params * 2,
        )


def tally_refresh_in(region: Region | None) -> None:
    """Recount the villages of `region`'s subtree (every village for the province or None)."""
    if region is None or region.level == Level.PROVINCE:
        tally_refresh()
        return
    tally_refresh(Region.objects.filter(access.region_q(region), level=Level.VILLAGE).values_list("pk", flat=True))


def _touched(village_id: int | None) -> None:
    """Recount the village in the saving transaction (a few milliseconds: one village's households)."""
    if village_id is not None:
        tally_refresh([village_id])


def _household_saved(sender, instance: Household, **kwargs) -> None:
    _touched(instance.village_id)


def _member_saved(sender, instance: Member, **kwargs) -> None:
    village = Household.objects.filter(pk=instance.household_id).values_list("village_id", flat=True).first()
    _touched(village)


def connect() -> None:
    """Called by households.apps.ready."""
    for signal in (post_save, post_delete):
        signal.connect(_household_saved, sender=Household, dispatch_uid=f"tally_household_{signal}")
        signal.connect(_member_saved, sender=Member, dispatch_uid=f"tally_member_{signal}")

"""The per-village tallies (issue 16, households.models.VillageTally): households by status and their
current members, so that region pages add up at most a few rows per village instead of counting the
registry per request.

One rule, set-based: `tally_refresh(villages)` recounts the given villages (all of them with None) in
two statements, DELETE and INSERT … SELECT. It runs
- after every save or delete of a household or member, in the same transaction (signals below: a
  household moved to another village recounts the village it left too; the
  village's region row is locked first, so two saves in one village recount one after the other),
- after the bulk writes that send no signals (the import's COPY, the end of policy support, the demo),
- and for every village at the end of the nightly run, the safety net of anything written around them.
tests/households/test_tallies.py holds the tallies equal to a count of the registry after each path.

The county tallies (CountyTally) are the sums of the village tallies, for the province and city pages.
A recount of some villages adds the difference it made to their counties (an upsert adding to the row:
two saves in two villages of one county at once both count, whatever their order); a recount of every
village rebuilds them.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from accounts import access
from villages.models import Level, Region

from .models import CountyTally, Household, Member, VillageTally


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
            before = _by_county(cursor, delete_where, params)
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
        if ids is None:
            _counties_rebuild(cursor)
        else:
            _counties_add(cursor, before, _by_county(cursor, delete_where, params))


def _by_county(cursor, where: str, params: list) -> dict[tuple[int, str], tuple[int, int]]:
    """(county, status) → (households, people) of the village tallies `where` selects."""
    cursor.execute(
        f"SELECT county_id, status, SUM(households), SUM(people) FROM {VillageTally._meta.db_table} {where}"  # noqa: S608
        " GROUP BY county_id, status",
        params,
    )
    return {(county, status): (int(n), int(p)) for county, status, n, p in cursor.fetchall()}


def _counties_add(cursor, before: dict, after: dict) -> None:
    """Add the difference a recount of villages made to their counties' rows (created when missing)."""
    rows = []
    for key in sorted(before.keys() | after.keys()):
        n0, p0 = before.get(key, (0, 0))
        n1, p1 = after.get(key, (0, 0))
        if (n1 - n0, p1 - p0) != (0, 0):
            rows.append((key[0], key[1], n1 - n0, p1 - p0))
    if not rows:
        return
    ct = CountyTally._meta.db_table
    cursor.executemany(
        f"""INSERT INTO {ct} (county_id, status, households, people) VALUES (%s, %s, %s, %s)
            ON CONFLICT (county_id, status) DO UPDATE SET households = {ct}.households + EXCLUDED.households,
                people = {ct}.people + EXCLUDED.people""",  # noqa: S608 - table names only
        rows,
    )


def _counties_rebuild(cursor) -> None:
    ct, vt = CountyTally._meta.db_table, VillageTally._meta.db_table
    cursor.execute(f"DELETE FROM {ct}")  # noqa: S608 - table names only
    cursor.execute(
        f"""INSERT INTO {ct} (county_id, status, households, people)
            SELECT county_id, status, SUM(households), SUM(people) FROM {vt} GROUP BY county_id, status"""  # noqa: S608
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


def _household_saving(sender, instance: Household, update_fields=None, **kwargs) -> None:
    """The village the household is in before this save: a move recounts the village it leaves too. A
    save of named fields without the village (a status change of a workflow) cannot move it: no read."""
    moving = instance.pk is not None and (update_fields is None or {"village", "village_id"} & set(update_fields))
    stored = Household.objects.filter(pk=instance.pk).values_list("village_id", flat=True).first() if moving else None
    instance._tally_village_before = stored  # type: ignore[attr-defined]


def _household_saved(sender, instance: Household, **kwargs) -> None:
    before = getattr(instance, "_tally_village_before", None)
    tally_refresh({v for v in (before, instance.village_id) if v is not None})


def _member_saved(sender, instance: Member, **kwargs) -> None:
    village = Household.objects.filter(pk=instance.household_id).values_list("village_id", flat=True).first()
    _touched(village)


def connect() -> None:
    """Called by households.apps.ready."""
    pre_save.connect(_household_saving, sender=Household, dispatch_uid="tally_household_pre_save")
    for signal in (post_save, post_delete):
        signal.connect(_household_saved, sender=Household, dispatch_uid=f"tally_household_{signal}")
        signal.connect(_member_saved, sender=Member, dispatch_uid=f"tally_member_{signal}")

"""Reading the change journal (issue 16): the households of a county that changed since a nightly step
last took them. The database fills the journal (households/journal_sql.py); each reader takes its own
rows, so the data-quality checks and the monitoring triggers of one county night do not take each
other's.

`take` deletes the reader's rows of the county and returns their households, inside the caller's
transaction: if the step fails, the rows come back with the rollback; a change committed while the step
runs is not taken (the DELETE sees only what was committed when it ran) and stays for the next night —
a household is then checked twice, never missed."""

from django.db import connection

from .models import HouseholdChange

READERS = ("quality", "monitoring")


def take(reader: str, county_id: int) -> set[int]:
    """Delete the reader's journal rows of the county; return the households they named."""
    assert reader in READERS, reader
    table = connection.ops.quote_name(HouseholdChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE reader = %s AND county_id = %s RETURNING household_id",  # noqa: S608
            [reader, county_id],
        )
        return {row[0] for row in cursor.fetchall()}

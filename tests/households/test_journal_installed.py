"""The change journal's triggers exist once the migrations have run, on either database: SQLite rebuilds
a table to alter it (a migration adding a column) and the rebuilt table has no triggers, so a later
migration of a journaled table must install them again (monitoring/migrations/0008 does)."""

from django.db import connection

from households.journal_sql import EVENTS, _tables
from monitoring.models import MonitoringAlert


def installed() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_every_journal_trigger_is_installed(db):
    expected = {f"{table}_journal_{event.lower()}" for table in _tables() for event in EVENTS}
    alerts = MonitoringAlert._meta.db_table
    expected |= {f"{alerts}_journal_{key}" for key in ("insert", "update", "delete")}
    assert expected <= installed()

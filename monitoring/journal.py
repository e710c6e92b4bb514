"""The change journal's trigger on monitoring alerts (households.journal_sql): an alert a person
registers (no nightly run), a change of state and a deletion journal the household for the next night's
triggers; an alert the nightly run opens does not (the night has just evaluated its household).

Installed by migrations 0005 and 0007, and again by any migration that rebuilds the alerts table on
SQLite (a rebuilt table loses its triggers there)."""

OPENED_BY_A_PERSON = "NEW.run_id IS NULL"


def install_alert_triggers(apps, schema_editor, insert_when: str = OPENED_BY_A_PERSON) -> None:
    from households.journal_sql import state_trigger_statements

    table = apps.get_model("monitoring", "MonitoringAlert")._meta.db_table
    vendor = schema_editor.connection.vendor
    for sql in state_trigger_statements(
        vendor, table=table, column="state", reader="monitoring", insert_when=insert_when
    ):
        schema_editor.execute(sql)

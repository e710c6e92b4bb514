"""On PostgreSQL the database itself refuses UPDATE and DELETE of posted ledger entries (§11)."""

from django.db import migrations

TABLES = ["funds_allocation", "funds_arrangement", "funds_disbursement"]
FUNCTION = """
CREATE OR REPLACE FUNCTION funds_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'posted ledger entries cannot be changed or deleted; post a reversal';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION funds_ledger_refuse_change();"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS funds_ledger_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

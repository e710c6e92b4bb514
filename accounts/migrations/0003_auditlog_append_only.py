"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log (§9)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditlog_append_only
  BEFORE UPDATE OR DELETE ON accounts_auditlog
  FOR EACH ROW EXECUTE FUNCTION accounts_auditlog_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditlog_append_only ON accounts_auditlog;
DROP FUNCTION IF EXISTS accounts_auditlog_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]

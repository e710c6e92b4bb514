"""An index for the nightly data-quality check DQ11 (§8.2, a registered poor person serving as a
helper): the helpers by normalised ID number, so each member is one index probe instead of a hash of
every helper of the province built again for every county (monitoring.rules.quality.dq11).

An expression index in SQL only (no model state): the same statement works on PostgreSQL and SQLite."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("households", "0003_clearer_labels")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX helper_id_number_norm ON households_helper (UPPER(TRIM(id_number)))",
            reverse_sql="DROP INDEX helper_id_number_norm",
        ),
    ]

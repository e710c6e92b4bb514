"""HouseholdCheck becomes a history of changes: `as_of` → `since`, plus `until` (see the model)."""

from django.db import migrations, models


def close_superseded(apps, schema_editor):
    # Every earlier dated snapshot ends where the household's next one starts; the last one holds on.
    table = apps.get_model("households", "HouseholdCheck")._meta.db_table
    schema_editor.execute(
        f"UPDATE {table} SET until = (SELECT MIN(n.since) FROM {table} n "  # noqa: S608
        f"WHERE n.household_id = {table}.household_id AND n.since > {table}.since)"
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0004_perf_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="householdcheck", name="householdcheck_day_county"),
        migrations.RemoveConstraint(model_name="householdcheck", name="householdcheck_one_per_day"),
        migrations.RenameField(model_name="householdcheck", old_name="as_of", new_name="since"),
        migrations.AlterField(
            model_name="householdcheck", name="since", field=models.DateField(verbose_name="result since")
        ),
        migrations.AddField(
            model_name="householdcheck",
            name="until",
            field=models.DateField(blank=True, null=True, verbose_name="result until"),
        ),
        migrations.AlterModelOptions(
            name="householdcheck",
            options={
                "ordering": ["-since", "household_id"],
                "verbose_name": "household exit check",
                "verbose_name_plural": "household exit checks",
            },
        ),
        migrations.AddConstraint(
            model_name="householdcheck",
            constraint=models.UniqueConstraint(fields=("household", "since"), name="householdcheck_one_per_day"),
        ),
        migrations.AddIndex(
            model_name="householdcheck",
            index=models.Index(fields=["county", "until"], name="householdcheck_county_until"),
        ),
        migrations.AddIndex(
            model_name="householdcheck",
            index=models.Index(fields=["since", "county"], name="householdcheck_since_county"),
        ),
        migrations.RunPython(close_superseded, migrations.RunPython.noop),
    ]

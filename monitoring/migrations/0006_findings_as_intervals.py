"""Issue 16: the data-quality findings kept as a history of changes (since/until) instead of one copy
of every finding per night. Each stored night's findings become the findings held from that night to
the county's next night (`until`); the latest night's stay open. Nothing is lost: every night that was
stored reads as before."""

from django.db import migrations, models


def close_at_next_night(apps, schema_editor):
    finding = apps.get_model("monitoring", "QualityFinding")._meta.db_table
    night = apps.get_model("monitoring", "QualityRun")._meta.db_table
    schema_editor.execute(
        f"UPDATE {finding} SET until = (SELECT MIN(r.as_of) FROM {night} r"  # noqa: S608 - table names only
        f" WHERE r.county_id = {finding}.county_id AND r.as_of > {finding}.since)"
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_monitoring_runs")]

    operations = [
        migrations.RemoveIndex(model_name="qualityfinding", name="finding_county_date_code"),
        migrations.RemoveIndex(model_name="qualityfinding", name="finding_village_date_code"),
        migrations.RemoveIndex(model_name="qualityfinding", name="finding_household_date"),
        migrations.RenameField(model_name="qualityfinding", old_name="as_of", new_name="since"),
        migrations.AlterField(
            model_name="qualityfinding", name="since", field=models.DateField(verbose_name="found since")
        ),
        migrations.AddField(
            model_name="qualityfinding",
            name="until",
            field=models.DateField(blank=True, null=True, verbose_name="no longer found on"),
        ),
        migrations.RunPython(close_at_next_night, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="qualityfinding",
            index=models.Index(fields=["county", "until", "code"], name="finding_county_until_code"),
        ),
        migrations.AddIndex(
            model_name="qualityfinding",
            index=models.Index(fields=["village", "until", "code"], name="finding_village_until_code"),
        ),
        migrations.AddIndex(
            model_name="qualityfinding",
            index=models.Index(fields=["household", "until"], name="finding_household_until"),
        ),
    ]

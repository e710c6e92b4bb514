"""Issue 16: an alert and a trigger that fired on their county's latest monitoring night are marked
`firing`, so that a quiet night no longer moves every firing alert's last night. The alerts and
triggers whose last night is their county's latest night are firing."""

from django.db import migrations, models


def mark_firing(apps, schema_editor):
    alert = apps.get_model("monitoring", "MonitoringAlert")._meta.db_table
    trigger = apps.get_model("monitoring", "AlertTrigger")._meta.db_table
    night = apps.get_model("monitoring", "MonitoringRun")._meta.db_table
    latest = f"(SELECT MAX(r.as_of) FROM {night} r WHERE r.county_id = {alert}.county_id)"  # noqa: S608
    schema_editor.execute(
        f"UPDATE {alert} SET firing = TRUE WHERE state IN ('open', 'confirmed') AND last_triggered_on = {latest}"  # noqa: S608
    )
    schema_editor.execute(
        f"UPDATE {trigger} SET firing = TRUE WHERE EXISTS (SELECT 1 FROM {alert}"  # noqa: S608
        f" WHERE {alert}.id = {trigger}.alert_id AND {alert}.firing AND {alert}.last_triggered_on = {trigger}.last_on)"
    )


def reinstall_triggers(apps, schema_editor):
    """SQLite rebuilds the alerts table to add a column, and the rebuilt table has no triggers."""
    from monitoring.journal import install_alert_triggers

    install_alert_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_alerts_of_the_night_not_journaled")]

    operations = [
        migrations.AddField(
            model_name="alerttrigger",
            name="firing",
            field=models.BooleanField(default=False, verbose_name="firing"),
        ),
        migrations.AddField(
            model_name="monitoringalert",
            name="firing",
            field=models.BooleanField(default=False, verbose_name="firing"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
        migrations.RunPython(mark_firing, migrations.RunPython.noop),
    ]

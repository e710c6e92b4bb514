"""Issue 16: an alert the nightly run opens (it carries the run's id) no longer journals its household for
the next night's triggers: the night has just evaluated that household, and a night opening many alerts
made the next one evaluate all of their households again. An alert a village registers (no run), a
state change and a deletion journal it as before."""

from django.db import migrations

def install(apps, schema_editor):
    from monitoring.journal import install_alert_triggers

    install_alert_triggers(apps, schema_editor)


def every_insert(apps, schema_editor):
    from monitoring.journal import install_alert_triggers

    install_alert_triggers(apps, schema_editor, insert_when="")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_findings_as_intervals")]

    operations = [migrations.RunPython(install, every_insert)]

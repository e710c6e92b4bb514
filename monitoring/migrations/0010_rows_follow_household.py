from django.db import migrations


def install(apps, schema_editor):
    from monitoring import region_follow_sql

    region_follow_sql.install(schema_editor)


def uninstall(apps, schema_editor):
    from monitoring import region_follow_sql

    region_follow_sql.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_alert_latest"),
        ("households", "0017_helper_list_order"),  # after every change of the households table (SQLite remakes a table, and drops its triggers)
    ]

    operations = [migrations.RunPython(install, uninstall)]

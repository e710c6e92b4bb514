from django.db import migrations


def install(apps, schema_editor):
    from workflows import case_region_sql

    case_region_sql.install(schema_editor)


def uninstall(apps, schema_editor):
    from workflows import case_region_sql

    case_region_sql.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0003_lifecycle"),
        ("households", "0016_county_tally"),  # after every change of the households table (SQLite remakes a table, and drops its triggers)
    ]

    operations = [migrations.RunPython(install, uninstall)]

"""Assistance records, small loans and visits carry their household's village and county, which follow the household
when it moves (assistance/region_follow_sql.py): added empty, filled from the households, then required."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("assistance_assistancerecord", "assistance_smallloan", "assistance_visit")


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys' checks now, not at the commit: ALTER TABLE refuses a table with pending ones.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in TABLES:
        schema_editor.execute(
            f"UPDATE {table} SET village_id = h.village_id, county_id = h.county_id"  # noqa: S608 - constants
            f" FROM households_household h WHERE h.id = {table}.household_id"
        )


def install(apps, schema_editor):
    from assistance import region_follow_sql

    region_follow_sql.install(schema_editor)


def uninstall(apps, schema_editor):
    from assistance import region_follow_sql

    region_follow_sql.uninstall(schema_editor)


def region(name: str, null: bool):
    return models.ForeignKey(
        verbose_name=name,
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="villages.region",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0005_latest_records_and_visits"),
        ("villages", "0006_regionyear_village_flag"),
        # After every change of the households table (SQLite remakes a table it alters, and drops its triggers).
        ("households", "0017_helper_list_order"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=region(name, True))
            for model in ("assistancerecord", "smallloan", "visit")
            for name in ("village", "county")
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=model, name=name, field=region(name, False))
            for model in ("assistancerecord", "smallloan", "visit")
            for name in ("village", "county")
        ),
        migrations.AddIndex(
            model_name="assistancerecord",
            index=models.Index(fields=["county", "-date", "-id"], name="assistance_county_latest"),
        ),
        migrations.AddIndex(
            model_name="assistancerecord",
            index=models.Index(fields=["village", "-date", "-id"], name="assistance_village_latest"),
        ),
        migrations.AddIndex(
            model_name="smallloan",
            index=models.Index(fields=["county", "-issued_on", "-id"], name="smallloan_county_latest"),
        ),
        migrations.AddIndex(
            model_name="smallloan",
            index=models.Index(fields=["village", "-issued_on", "-id"], name="smallloan_village_latest"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["county", "-visited_on", "-id"], name="visit_county_latest"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["village", "-visited_on", "-id"], name="visit_village_latest"),
        ),
        migrations.RunPython(install, uninstall),
    ]

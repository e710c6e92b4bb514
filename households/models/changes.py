"""The change journal of the registry (issue 16): which households changed since a nightly step last
looked, written by the database itself (households/journal_sql.py installs the triggers), so no write
path — a form, an import's COPY, a bulk update, the admin, a raw statement — can forget it."""

from django.db import models


class HouseholdChange(models.Model):
    """One household that changed (or whose checks another row's change may have changed), for one
    reader, in the county it belonged to before or after the change. Rows are many and short-lived:
    each nightly step of a county takes (deletes) its rows in the transaction that uses them, so a change
    committed later stays for the next night (households.changes.take)."""

    household_id = models.BigIntegerField()
    county_id = models.BigIntegerField()
    reader = models.CharField(max_length=12)

    class Meta:
        # A household once per reader and county: an import that writes a household, its members, its
        # incomes and its pairings journals it once, not four times (INSERT … ON CONFLICT DO UPDATE).
        constraints = [
            models.UniqueConstraint(fields=["reader", "county_id", "household_id"], name="householdchange_once")
        ]

    def __str__(self) -> str:
        return f"{self.reader} {self.county_id} {self.household_id}"

"""The standard tables' SQL labels and formula guard (reports.tables.base.Labelled, povertymgmt.spreadsheet.
Guarded) give what the Python rules give, on SQLite and PostgreSQL alike."""

import pytest
from django.db.models import F, Value

from households import choices as c
from households.models import Household
from povertymgmt.spreadsheet import FORMULA_STARTS, guard, guard_expr
from reports.tables.base import labels, yes_no

pytestmark = pytest.mark.django_db


def test_a_choice_is_labelled_and_an_unknown_value_is_null(homes):
    Household.objects.filter(pk=homes.a.pk).update(status=c.Status.POOR)
    Household.objects.filter(pk=homes.b.pk).update(status="no-such-status")
    shown = dict(Household.objects.annotate(label=labels("status", c.Status.choices)).values_list("pk", "label"))
    assert shown[homes.a.pk] == str(c.Status.POOR.label)
    assert shown[homes.b.pk] is None


def test_a_none_choice_labels_the_missing_value(homes):
    Household.objects.filter(pk=homes.a.pk).update(has_safe_water=None)
    Household.objects.filter(pk=homes.b.pk).update(has_safe_water=True)
    Household.objects.filter(pk=homes.c.pk).update(has_safe_water=False)
    choices = [(None, "unknown"), (True, "yes"), (False, "no")]
    shown = dict(Household.objects.annotate(label=labels("has_safe_water", choices)).values_list("pk", "label"))
    assert [shown[h.pk] for h in (homes.a, homes.b, homes.c)] == ["unknown", "yes", "no"]
    yes_no_shown = dict(Household.objects.annotate(label=yes_no("has_safe_water")).values_list("pk", "label"))
    assert yes_no_shown[homes.a.pk] is None and yes_no_shown[homes.b.pk] != yes_no_shown[homes.c.pk]


@pytest.mark.parametrize("text", [f"{start}1+1" for start in FORMULA_STARTS] + ["plain", "1=1", ""])
def test_the_sql_guard_is_the_python_guard(homes, text):
    row = Household.objects.filter(pk=homes.a.pk).annotate(cell=guard_expr(Value(text))).values_list("cell")
    assert row.get()[0] == guard(text)


def test_the_sql_guard_reads_a_column(homes):
    Household.objects.filter(pk=homes.a.pk).update(bank_name="=HYPERLINK(1)")
    row = Household.objects.filter(pk=homes.a.pk).annotate(cell=guard_expr(F("bank_name"))).values_list("cell")
    assert row.get()[0] == "'=HYPERLINK(1)"

"""The income records by year on the household form (issue 13): the years from the identification year
to the working year side by side, the working year editable, a closed year corrected only with a reason
(history and audit log)."""

import datetime as dt
from decimal import Decimal

from accounts.models import AuditLog
from eligibility.rules.household import explain_household
from households.models import Income
from tests import factories as f
from tests.conftest import login


def corrections() -> list[AuditLog]:
    """The audit entries of closed-year corrections (accounts.audit may log the saves beside them)."""
    return [e for e in AuditLog.objects.filter(object_type="income", action="change") if "reason" in e.detail]


def edit_url(h):
    return f"/households/{h.number}/edit/"


def _fields(form, data: dict) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif value is not None and value is not False:
            data[form.add_prefix(name)] = str(value)


def posted(client, h) -> dict:
    """The form as the browser sends it back untouched: every input with its rendered value."""
    response = client.get(edit_url(h))
    formset = response.context["formset"]
    data = {
        "members-TOTAL_FORMS": str(formset.total_form_count()),
        "members-INITIAL_FORMS": str(formset.initial_form_count()),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for form in [response.context["form"], *formset.forms, *response.context["income_forms"]]:
        _fields(form, data)
    return data


def test_the_form_shows_every_year_from_identification_to_working_year_newest_first(client, users, homes):
    f.income(homes.a, 2018, wages=3000, dibao=600)
    login(client, users.clerk_a)
    response = client.get(edit_url(homes.a))
    assert response.status_code == 200
    forms = response.context["income_forms"]
    assert [(i.year, i.closed) for i in forms] == [
        (2020, False),
        (2019, True),
        (2018, True),
        (2017, True),
        (2016, True),
    ]
    html = response.content.decode()
    assert 'name="income-2018-wages"' in html and 'value="3000.00"' in html
    assert 'data-testid="income-net"' in html and 'data-testid="income-per-capita"' in html
    net_2018 = '<td class="num" data-total="net" data-year="2018">3600.00</td>'
    assert net_2018 in html
    assert 'data-testid="income-reason" hidden' in html  # shown only once a closed year changes


def test_a_correction_of_last_year_without_a_reason_is_refused_and_changes_nothing(client, users, homes):
    f.income(homes.a, 2019, wages=3000)
    login(client, users.clerk_a)
    data = posted(client, homes.a)
    data["income-2019-wages"] = "3600"
    response = client.post(edit_url(homes.a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="income-reason"' in html
    assert 'data-testid="income-reason" hidden' not in html
    assert Income.objects.get(household=homes.a, year=2019).wages == Decimal("3000")
    assert not corrections()


def test_a_correction_of_last_year_with_a_reason_keeps_history_and_is_audited(client, users, homes):
    f.income(homes.a, 2019, wages=3000)
    login(client, users.clerk_a)
    data = posted(client, homes.a)
    data.update({"income-2019-wages": "5000", "income-reason": "入户核实后更正"})
    response = client.post(edit_url(homes.a), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    record = Income.objects.get(household=homes.a, year=2019)
    assert record.wages == Decimal("5000")
    latest = record.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == ("入户核实后更正", users.clerk_a)
    [entry] = AuditLog.objects.filter(object_type="income", action="change")  # one entry per correction
    assert (entry.object_id, entry.object_repr, entry.region_id) == (
        str(record.pk),
        f"{homes.a.number} 2019",
        homes.a.village_id,
    )
    assert entry.detail == {"changes": {"wages": ["3000.00", "5000.00"]}, "reason": "入户核实后更正"}
    # The untouched years got no record.
    assert list(homes.a.incomes.values_list("year", flat=True)) == [2019]
    # The household page's change history shows the correction with its reason.
    history = client.get(f"/households/{homes.a.number}/history/").context["history"]
    [entry] = [e for e in history if e["reason"] == "入户核实后更正"]
    assert [(c["old"], c["new"]) for c in entry["changes"]] == [("3000.00", "5000.00")]


def test_the_working_year_needs_no_reason_and_an_empty_year_stays_empty(client, users, homes):
    login(client, users.clerk_a)
    data = posted(client, homes.a)
    data["income-2020-wages"] = "9000"
    assert client.post(edit_url(homes.a), data).status_code == 302
    assert list(homes.a.incomes.values_list("year", "wages")) == [(2020, Decimal("9000.00"))]
    assert not corrections()


def test_correcting_last_year_changes_last_years_result_and_not_this_years(client, users, homes):
    # One member; 2019 line 3,218 and 2020 line 4,000 (§5.1).
    f.income(homes.a, 2019, wages=3000)
    f.income(homes.a, 2020, wages=4500)
    f.assessment(homes.a)
    before_2019 = explain_household(homes.a, dt.date(2019, 12, 31)).criteria["income"].passed
    before_2020 = explain_household(homes.a, dt.date(2020, 12, 31)).criteria["income"].passed
    assert (before_2019, before_2020) == (False, True)
    login(client, users.clerk_a)
    data = posted(client, homes.a)
    data.update({"income-2019-wages": "3300", "income-reason": "补报务工收入"})
    assert client.post(edit_url(homes.a), data).status_code == 302
    assert explain_household(homes.a, dt.date(2019, 12, 31)).criteria["income"].passed is True
    after_2020 = explain_household(homes.a, dt.date(2020, 12, 31)).criteria["income"]
    assert after_2020.passed is True and Income.objects.get(household=homes.a, year=2020).wages == Decimal("4500")


def test_a_new_household_gets_the_working_year_only(client, users, tree):
    login(client, users.clerk_a)
    response = client.get("/households/new/")
    assert [i.year for i in response.context["income_forms"]] == [2020]
    assert response.context["form"].initial["identification_year"] == 2020


def test_a_year_left_outside_by_a_new_identification_year_is_refused_and_nothing_is_saved(client, users, homes):
    login(client, users.clerk_a)
    data = posted(client, homes.a)
    data.update({"identification_year": "2019", "income-2017-wages": "100", "income-reason": "补录"})
    response = client.post(edit_url(homes.a), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "2017" in errors and "2019" in errors
    homes.a.refresh_from_db()
    assert homes.a.identification_year == 2016 and not Income.objects.exists()

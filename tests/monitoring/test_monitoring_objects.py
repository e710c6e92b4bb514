"""Monitoring objects (防返贫监测对象, §7): a clerk registers an exited or a marginal household without a
nightly alert, with its category and trigger; every refusal; the triggers over marginal (not_poor)
households, the Python rule and the SQL trigger agreeing; the monitoring-objects list and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from eligibility.policy import parameters_for
from households import choices as c
from households.models import Income
from monitoring.models import AlertCategory, AlertState, AlertTrigger, MonitoringAlert, Trigger
from monitoring.rules.triggers import below_monitoring_range, category_for, fired_triggers
from monitoring.services import monitoring_run_county
from tests import factories as f
from tests.conftest import login
from tests.workflows.conftest import TODAY
from tests.workflows.monitoring_helpers import conditions_hold, marginal, register, walk_to_monitored
from villages.models import WorkingYear
from workflows import services as s
from workflows.models import Case

from .conftest import clean_household
from .test_monitoring_run import check

pytestmark = pytest.mark.django_db
OPEN_URL = reverse("workflows:case_open")
LIST_URL = reverse("workflows:monitoring_objects")
AS_OF = dt.date(2019, 6, 30)  # 2019: line 3218, range 4827 per person


@pytest.fixture(autouse=True)
def working_year_is_this_year(db):
    WorkingYear.objects.get_or_create(year=TODAY.year)


def refusal(user, household, category, note="突发大病"):
    """The refusal's messages by field; nothing was written (no case, no alert)."""
    before = (Case.objects.count(), MonitoringAlert.objects.count())
    with pytest.raises(ValidationError) as err, translation.override("en"):
        register(user, household, category, note)
    assert (Case.objects.count(), MonitoringAlert.objects.count()) == before
    return err.value.message_dict


# --- registering without an alert ---------------------------------------------------------------


def test_a_clerk_registers_a_marginal_household_without_an_alert(tree, users):
    h = marginal(tree.village_a)
    case = register(users.clerk_a, h, AlertCategory.MARGINAL, "家人突患重病，收入骤降")
    assert (case.case_type, case.state, case.category) == ("monitoring", "confirmed", "marginal")
    assert case.trigger_note == "家人突患重病，收入骤降"
    # its alert, confirmed at once, will carry the nightly triggers; none is left open
    alert = MonitoringAlert.objects.get(household=h)
    assert case.alert == alert and alert.state == AlertState.CONFIRMED and alert.category == "marginal"


def test_an_exited_household_registers_as_unstable_and_either_as_sudden_hardship(tree, users):
    exited = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    no_policy = f.household(tree.village_a, status=c.Status.EXITED_NO_POLICY, exit_year=2018)
    near = marginal(tree.village_a)
    assert register(users.clerk_a, exited, AlertCategory.UNSTABLE_EXITED).category == "unstable_exited"
    assert register(users.clerk_a, no_policy, AlertCategory.SUDDEN_HARDSHIP).category == "sudden_hardship"
    assert register(users.clerk_a, near, AlertCategory.SUDDEN_HARDSHIP).category == "sudden_hardship"


@pytest.mark.parametrize("status", [c.Status.POOR, c.Status.RETURNED, c.Status.APPLICANT, c.Status.CLOSED])
def test_a_poor_returned_applicant_or_closed_household_is_refused(tree, users, status):
    h = f.household(tree.village_a, status=status)
    errors = refusal(users.clerk_a, h, AlertCategory.SUDDEN_HARDSHIP)
    assert list(errors) == ["household"]
    assert not MonitoringAlert.objects.exists()


def test_the_category_must_fit_the_status(tree, users):
    exited = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    near = marginal(tree.village_a)
    assert "category" in refusal(users.clerk_a, exited, AlertCategory.MARGINAL)
    assert "category" in refusal(users.clerk_a, near, AlertCategory.UNSTABLE_EXITED)
    assert "category" in refusal(users.clerk_a, near, "")


def test_the_trigger_or_reason_is_required_without_an_alert(tree, users):
    errors = refusal(users.clerk_a, marginal(tree.village_a), AlertCategory.MARGINAL, note="  ")
    assert list(errors) == ["trigger_note"]


def test_a_household_with_a_running_monitoring_case_or_monitored_is_refused(tree, users):
    h = marginal(tree.village_a)
    case = register(users.clerk_a, h, AlertCategory.MARGINAL)
    assert "household" in refusal(users.clerk_a, h, AlertCategory.MARGINAL)
    walk_to_monitored(users, case)
    errors = refusal(users.clerk_a, h, AlertCategory.SUDDEN_HARDSHIP)
    assert "household" in errors and "monitored" in errors["household"][0]


def test_after_risk_removal_the_household_can_be_registered_again(tree, users):
    h = marginal(tree.village_a)
    case = walk_to_monitored(users, register(users.clerk_a, h, AlertCategory.MARGINAL))
    conditions_hold(h, case)
    from tests.workflows.monitoring_helpers import walk_removal_to_township

    removal = walk_removal_to_township(users, s.case_open(user=users.clerk_a, case_type="risk_removal", household=h))
    s.case_transition(user=users.county, case=removal, transition="county_approve")
    again = register(users.clerk_a, h, AlertCategory.MARGINAL, "再次因灾受损")
    assert again.alert_id != case.alert_id  # the first alert was closed by the removal; a new one opened


def test_an_open_alert_of_the_household_is_confirmed_and_kept(tree, users):
    h = marginal(tree.village_a)
    alert = MonitoringAlert.objects.create(
        household=h,
        county=tree.county,
        village=h.village,
        category="marginal",
        year=TODAY.year,
        opened_on=TODAY,
        last_triggered_on=TODAY,
    )
    case = register(users.clerk_a, h, AlertCategory.SUDDEN_HARDSHIP)
    alert.refresh_from_db()
    assert case.alert == alert and alert.state == AlertState.CONFIRMED
    assert MonitoringAlert.objects.count() == 1


def test_confirming_an_alert_still_opens_the_case_for_a_marginal_household(tree, users):
    h = marginal(tree.village_a)
    alert = MonitoringAlert.objects.create(
        household=h,
        county=tree.county,
        village=h.village,
        category="marginal",
        year=TODAY.year,
        opened_on=TODAY,
        last_triggered_on=TODAY,
    )
    case = s.alert_confirm(user=users.clerk_a, alert=alert, reason="")  # no trigger note needed: the alert is it
    assert case.category == "marginal" and case.alert == alert and case.trigger_note == ""


def test_a_helper_cannot_register(tree, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register(users.helper, marginal(tree.village_a), AlertCategory.MARGINAL)


# --- the nightly triggers over marginal households ---------------------------------------------------


def run(tree):
    return monitoring_run_county(as_of=AS_OF, county_id=tree.county.pk)


def test_the_income_triggers_run_over_not_poor_households_and_make_them_marginal(tree, users):
    low = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    f.income(low, 2019, wages=Decimal("9653.98"))  # 4826.99 per person: one cent below the range
    spent = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    f.income(spent, 2019, wages=20000, medical_expense=Decimal("20000.01"))
    dropped = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    f.income(dropped, 2018, wages=30000)
    f.income(dropped, 2019, wages=20000)
    fine = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    f.income(fine, 2019, wages=Decimal("9654"))  # exactly at the range: not below it
    applicant = clean_household(tree.village_a, status=c.Status.APPLICANT)
    f.income(applicant, 2019, wages=100)  # an applicant waits for identification, not monitoring
    assert run(tree) == 3
    alerts = {a.household_id: a for a in MonitoringAlert.objects.all()}
    assert set(alerts) == {low.pk, spent.pk, dropped.pk}
    assert {a.category for a in alerts.values()} == {AlertCategory.MARGINAL}  # rigid expenditure included
    fired = {t.alert.household_id: t.trigger for t in AlertTrigger.objects.select_related("alert")}
    assert fired == {low.pk: Trigger.LOW_INCOME, spent.pk: Trigger.RIGID_EXPENDITURE, dropped.pk: Trigger.INCOME_DROP}


def test_a_failing_guarantee_fires_for_an_exited_household_only(tree, users):
    near = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    exited = clean_household(tree.village_a, status=c.Status.EXITED)
    check(near, AS_OF, housing=False)
    check(exited, AS_OF, housing=False)
    assert run(tree) == 1
    assert MonitoringAlert.objects.get().household == exited


def test_a_registered_household_gets_tonight_s_triggers_on_its_alert_not_a_second_alert(tree, users):
    h = clean_household(tree.village_a, status=c.Status.NOT_POOR)
    case = register(users.clerk_a, h, AlertCategory.MARGINAL)
    f.income(h, 2019, wages=1000)
    run(tree)
    alert = MonitoringAlert.objects.get()
    assert alert == case.alert and alert.state == AlertState.CONFIRMED
    assert list(alert.triggers.values_list("trigger", flat=True)) == [Trigger.LOW_INCOME]


def test_category_for_a_not_poor_household_is_marginal_whatever_fired():
    for trigger in Trigger.values:
        assert category_for({trigger: {}}, c.Status.NOT_POOR) == AlertCategory.MARGINAL
    assert category_for({Trigger.RIGID_EXPENDITURE: {}}, c.Status.EXITED) == AlertCategory.SUDDEN_HARDSHIP
    assert category_for({Trigger.LOW_INCOME: {}}, c.Status.EXITED) == AlertCategory.UNSTABLE_EXITED


@pytest.mark.parametrize("status", [c.Status.NOT_POOR, c.Status.EXITED])
def test_the_python_rule_and_the_sql_trigger_agree_on_the_range(tree, users, status):
    """One rule (monitoring.rules.triggers.below_monitoring_range, which risk removal asks) and its SQL
    mirror in fired_triggers: the same verdict around the boundary, for one to three members."""
    params = parameters_for(AS_OF.year)
    cases = []
    for size in (1, 2, 3):
        edge = params.monitoring_income_multiplier * params.poverty_line * size
        for net in (edge - Decimal("0.01"), edge, edge + Decimal("0.01"), Decimal("0")):
            members = [f.member(c.Relationship.HEAD, birth=dt.date(1970, 3, 1))] + [
                f.member(c.Relationship.SON, birth=dt.date(1995, 1, 1 + k)) for k in range(size - 1)
            ]
            h = clean_household(tree.village_a, status=status, members=members)
            f.income(h, 2019, wages=net)
            cases.append(h)
    fired = fired_triggers(as_of=AS_OF, county_id=tree.county.pk)
    for h in cases:
        net = Income.objects.get(household=h, year=2019).net
        size = h.members.filter(departure="").count()
        python = below_monitoring_range(net, size, params)
        sql = Trigger.LOW_INCOME in fired.get(h.pk, (None, {}, None))[1]
        assert python is sql, (net, size)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_case_open_page_preselects_a_monitoring_case_from_the_query(client, tree, users):
    h = marginal(tree.village_a)
    page = login(client, users.clerk_a).get(
        OPEN_URL, {"case_type": "monitoring", "household": h.number, "category": "marginal"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="monitoring" selected>' in html and '<option value="marginal" selected>' in html
    assert f'value="{h.number}"' in html and 'name="trigger_note"' in html


def test_the_clerk_opens_the_monitoring_case_on_the_page(client, tree, users):
    h = marginal(tree.village_a)
    data = {"case_type": "monitoring", "household": h.number, "category": "marginal", "trigger_note": "因灾房屋受损"}
    answer = login(client, users.clerk_a).post(OPEN_URL, data)
    case = Case.objects.get(household=h)
    assert answer.status_code == 302 and answer["Location"] == reverse("workflows:case_detail", args=[case.pk])
    detail = client.get(answer["Location"]).content.decode()
    assert 'data-testid="trigger-note"' in detail and "因灾房屋受损" in detail


def test_a_refusal_on_the_page_shows_the_reasons_and_changes_nothing(client, tree, users):
    poor = f.household(tree.village_a, status=c.Status.POOR)
    near = marginal(tree.village_a)
    login(client, users.clerk_a)
    for data in (
        {"case_type": "monitoring", "household": poor.number, "category": "sudden_hardship", "trigger_note": "x"},
        {"case_type": "monitoring", "household": near.number, "category": "unstable_exited", "trigger_note": "x"},
        {"case_type": "monitoring", "household": near.number, "category": "marginal", "trigger_note": ""},
    ):
        answer = client.post(OPEN_URL, data)
        assert answer.status_code == 200 and b'data-testid="error-' in answer.content
    assert not Case.objects.exists() and not MonitoringAlert.objects.exists()


def test_a_clerk_of_another_village_cannot_register_the_household(client, tree, users):
    h = marginal(tree.village_a)
    data = {"case_type": "monitoring", "household": h.number, "category": "marginal", "trigger_note": "x"}
    answer = login(client, users.clerk_b).post(OPEN_URL, data)
    assert answer.status_code == 200 and b'data-testid="error-household"' in answer.content
    assert not Case.objects.exists()
    assert client.get(reverse("households:detail", args=[h.number])).status_code == 404


def test_the_household_page_offers_registration_and_then_shows_the_monitoring(client, tree, users):
    h = marginal(tree.village_a)
    poor = f.household(tree.village_a, status=c.Status.POOR)
    url = reverse("households:detail", args=[h.number])
    html = login(client, users.clerk_a).get(url).content.decode()
    assert 'data-testid="register-monitoring"' in html and "category=marginal" in html
    assert (
        'data-testid="register-monitoring"'
        not in client.get(reverse("households:detail", args=[poor.number])).content.decode()
    )
    assert 'data-testid="register-monitoring"' not in login(client, users.county).get(url).content.decode()
    case = walk_to_monitored(users, register(users.clerk_a, h, AlertCategory.MARGINAL))
    html = login(client, users.clerk_a).get(url).content.decode()
    assert 'data-monitored="1"' in html and 'data-category="marginal"' in html
    assert 'data-testid="register-monitoring"' not in html and 'data-testid="propose-risk-removal"' in html
    assert reverse("workflows:case_detail", args=[case.pk]) in html


def monitored_household(users, village, status, category):
    h = f.household(village, status=status, **({"exit_year": 2019} if status != c.Status.NOT_POOR else {}))
    return h, walk_to_monitored(users, register(users.clerk_a, h, category))


def test_the_list_shows_both_categories_filters_by_category_and_keeps_removed_ones(client, tree, users):
    near, _ = monitored_household(users, tree.village_a, c.Status.NOT_POOR, AlertCategory.MARGINAL)
    exited, case = monitored_household(users, tree.village_a, c.Status.EXITED, AlertCategory.UNSTABLE_EXITED)
    login(client, users.clerk_a)
    rows = lambda **q: {r.household_id for r in client.get(LIST_URL, q).context["page"]}  # noqa: E731
    assert rows() == {near.pk, exited.pk}
    assert rows(category="marginal") == {near.pk}
    assert rows(category="unstable_exited") == {exited.pk}
    assert rows(category="nonsense") == {near.pk, exited.pk}  # an unknown filter filters nothing
    conditions_hold(exited, case)
    from tests.workflows.monitoring_helpers import walk_removal_to_township

    removal = s.case_open(user=users.clerk_a, case_type="risk_removal", household=exited)
    s.case_transition(user=users.county, case=walk_removal_to_township(users, removal), transition="county_approve")
    assert rows() == {near.pk}
    assert rows(status="removed") == {exited.pk}  # §7: it stays in the records
    assert rows(status="all") == {near.pk, exited.pk}
    html = client.get(LIST_URL, {"status": "removed"}).content.decode()
    assert 'data-removed="1"' in html


def test_the_list_is_scoped(client, tree, users):
    monitored_household(users, tree.village_a, c.Status.NOT_POOR, AlertCategory.MARGINAL)
    assert login(client, users.clerk_b).get(LIST_URL).context["page"].paginator.count == 0
    assert login(client, users.township).get(LIST_URL).context["page"].paginator.count == 1
    assert login(client, users.county2).get(LIST_URL).context["page"].paginator.count == 0


def test_the_list_runs_a_fixed_number_of_queries(client, tree, users, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monitored_household(users, tree.village_a, c.Status.NOT_POOR, AlertCategory.MARGINAL)
    login(client, users.township)
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST_URL).status_code == 200
    for k in range(4):
        status = c.Status.NOT_POOR if k % 2 else c.Status.EXITED
        category = AlertCategory.MARGINAL if k % 2 else AlertCategory.SUDDEN_HARDSHIP
        monitored_household(users, tree.village_a, status, category)
    with django_assert_num_queries(len(one)):
        many = client.get(LIST_URL)
    assert many.context["page"].paginator.count == 5

"""Findings and alerts follow their household (monitoring/region_follow_sql.py, issue 16): their village
and county are their household's, also after a move by a page's save, a bulk update or a move across
counties, so their own columns scope them exactly as `household IN (the scope's households)` did, and
the nights after a move keep one alert per household."""

import datetime as dt
from collections import Counter

import pytest

from eligibility.tasks import nightly_recompute
from households import choices as c
from households.models import Helper, Household, Pairing
from households.selectors import household_list_for
from monitoring.models import AlertState, MonitoringAlert, QualityFinding, Severity
from monitoring.selectors import alert_list_for, finding_counts_for, finding_list_for, live_counts, night_counts
from monitoring.services import quality_run_county
from tests import factories as f
from tests.conftest import login

from .conftest import clean_household

pytestmark = pytest.mark.django_db
NIGHT = dt.date(2019, 6, 30)


def _rows_of(homes):
    for h in (homes.a, homes.b, homes.c, homes.d):
        place = {"household": h, "village_id": h.village_id, "county_id": h.county_id}
        QualityFinding.objects.create(code="DQ12", kind="housing_area", severity=Severity.WARNING, since=NIGHT, **place)
        QualityFinding.objects.create(
            code="DQ12", kind="housing_area", severity=Severity.WARNING, since=dt.date(2019, 1, 1), until=NIGHT, **place
        )
        MonitoringAlert.objects.create(
            category="marginal", year=2019, opened_on=NIGHT, last_triggered_on=NIGHT, firing=True, **place
        )


def by_households(model, user) -> set[int]:
    """The scope as it was written before: the rows of the households the user sees."""
    return set(model.objects.filter(household__in=household_list_for(user)).values_list("pk", flat=True))


def assert_scopes_agree(users):
    for user in vars(users).values():
        findings = {*finding_list_for(user).values_list("pk", flat=True)}
        findings |= {*finding_list_for(user, as_of=dt.date(2019, 3, 1)).values_list("pk", flat=True)}  # history
        assert findings == by_households(QualityFinding, user), user.username
        assert set(alert_list_for(user).values_list("pk", flat=True)) == by_households(MonitoringAlert, user)


def test_every_role_sees_the_findings_and_alerts_of_the_households_it_sees(users, tree, homes):
    _rows_of(homes)
    helper = Helper.objects.create(name="帮扶人", sex="male", unit="县农业局", unit_level="county", county=tree.county)
    helper.user = users.helper
    helper.save()
    Pairing.objects.create(helper=helper, household=homes.b, start=dt.date(2019, 1, 1))
    assert_scopes_agree(users)
    assert set(alert_list_for(users.helper).values_list("household", flat=True)) == {homes.b.pk}
    assert finding_list_for(users.county).count() == 3  # A, B and C: D lies in the other county


def test_rows_follow_a_move_by_save_and_by_update_across_counties(client, users, tree, homes):
    _rows_of(homes)
    homes.a.village = tree.village_b
    homes.a.save()  # the page's way: a save of the whole row
    Household.objects.filter(pk=homes.c.pk).update(village=tree.village_d, county=tree.county2)  # an import's
    for h, village, county in ((homes.a, tree.village_b, tree.county), (homes.c, tree.village_d, tree.county2)):
        for model in (QualityFinding, MonitoringAlert):
            assert set(model.objects.filter(household=h).values_list("village", "county")) == {(village.pk, county.pk)}
    assert_scopes_agree(users)
    rows, totals = finding_counts_for(users.county2, tree.county2)
    assert totals["DQ12"] == 2  # D's and C's, which moved in
    rows, totals = finding_counts_for(users.county, tree.county)
    assert [(r["region"].code, r["total"]) for r in rows] == [(tree.township.code, 2), (tree.township2.code, 0)]

    alert = MonitoringAlert.objects.get(household=homes.a)
    login(client, users.clerk_a)  # the village the household left
    assert client.post(f"/monitoring/alerts/{alert.pk}/dismiss/", {"reason": "核实"}).status_code == 404
    assert not client.get("/monitoring/quality/").context["page"].object_list
    login(client, users.clerk_b)  # the village it arrived in
    listed = client.get("/monitoring/quality/").context["page"].object_list
    assert {x.household_id for x in listed} == {homes.a.pk, homes.b.pk}
    assert client.post(f"/monitoring/alerts/{alert.pk}/dismiss/", {"reason": "核实无风险"}).status_code == 302
    assert MonitoringAlert.objects.get(pk=alert.pk).state == AlertState.DISMISSED


def test_a_household_with_an_open_alert_that_moves_county_keeps_one_alert(tree, users):
    """The county it arrives in carries the alert on; before, that night opened a second active alert for
    the household and failed on the one-active-alert constraint."""
    h = clean_household(tree.village_a, status=c.Status.EXITED, exit_year=2018)
    f.income(h, 2019, wages=1000)  # below the monitoring range: an alert each night
    f.assessment(h)
    nightly_recompute("2019-06-30")
    opened = MonitoringAlert.objects.get(household=h, state=AlertState.OPEN)
    Household.objects.filter(pk=h.pk).update(county=tree.county2, village=tree.village_d)
    nightly_recompute("2019-09-30")
    alert = MonitoringAlert.objects.get(household=h)
    assert (alert.pk, alert.county_id, alert.village_id) == (opened.pk, tree.county2.pk, tree.village_d.pk)
    assert alert.state == AlertState.OPEN and alert.firing
    assert alert_list_for(users.county2).filter(pk=alert.pk).exists()
    assert not alert_list_for(users.county).filter(pk=alert.pk).exists()


def test_the_overview_of_a_city_or_province_adds_up_the_counties_nights(tree, users):
    """Right after the nights the counties' stored counts equal the findings counted one by one; a household
    that moves county is counted in its new county from that county's next night."""
    broken = [clean_household(v, housing_area=0) for v in (tree.village_a, tree.village_c, tree.village_d)]
    for county in (tree.county, tree.county2):
        quality_run_county(as_of=NIGHT, county_id=county.pk)

    def summed(counts) -> list[tuple]:
        by_child = Counter()
        for child, check, n in counts:
            by_child[child, check] += n
        return sorted((*key, n) for key, n in by_child.items())

    def agree(user, region, width, code=""):
        night = summed(night_counts(user, region, code=code, width=width))
        assert night == summed(live_counts(user, region, code=code, width=width))
        return night

    assert agree(users.province, tree.province, 4) == [("2112", "DQ12", 3)]
    assert agree(users.city, tree.city, 6) == [("211221", "DQ12", 1), ("211224", "DQ12", 2)]
    assert agree(users.city, tree.city, 6, code="DQ01") == []
    rows, totals = finding_counts_for(users.city, tree.city)
    assert [(r["region"].code, r["total"]) for r in rows] == [("211221000000", 1), ("211224000000", 2)]
    assert totals["DQ12"] == 3

    Household.objects.filter(pk=broken[0].pk).update(county=tree.county2, village=tree.village_d)
    moved = summed(night_counts(users.city, tree.city, code="", width=6))
    assert moved == [("211221", "DQ12", 1), ("211224", "DQ12", 2)]  # as the nights left them
    for county in (tree.county, tree.county2):
        quality_run_county(as_of=dt.date(2019, 7, 1), county_id=county.pk)
    assert agree(users.city, tree.city, 6) == [("211221", "DQ12", 2), ("211224", "DQ12", 1)]

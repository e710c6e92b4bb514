"""Issue 16: a night after a known night checks only the households that may have changed, and its
findings equal a full pass's — whatever changed in between, through whichever write path."""

import datetime as dt
import json

from django.db import connection

from households import choices as c
from households.models import Household, HouseholdChange, Income, Member, MemberEvent, Pairing
from monitoring.models import QualityFinding, QualityRun
from monitoring.rules import quality
from monitoring.rules.common import select_findings
from monitoring.rules.quality_sql import finding_selects
from monitoring.services import quality_run_county
from tests import factories as f

from .conftest import clean_household, helper_for

NIGHT = dt.date(2019, 6, 30)
LATER = dt.date(2019, 12, 31)


def full_pass(as_of, county_id) -> list[tuple]:
    """What a full pass finds, read and not written."""
    rows = [row for s in finding_selects(as_of=as_of, county_id=county_id, run_id=None) for row in select_findings(s)]
    found = [_key(r["code"], r["kind"], r["household_id"], r["member_id"], r["village_id"], r["detail"]) for r in rows]
    found += [
        _key(x.code, x.kind, x.household_id, x.member_id, x.village_id, x.detail)
        for x in quality.dq02_findings(as_of, county_id, run_id=None)
    ]
    return sorted(found)


def stored(as_of, county_id) -> list[tuple]:
    rows = QualityFinding.objects.held_on(as_of).filter(county_id=county_id)
    return sorted(_key(x.code, x.kind, x.household_id, x.member_id, x.village_id, x.detail) for x in rows)


def _key(code, kind, household, member, village, detail) -> tuple:
    detail = json.loads(detail) if isinstance(detail, str) else detail
    return (str(code), kind, household, member, village, json.dumps(detail or {}, sort_keys=True, default=str))


def test_an_incremental_night_equals_a_full_pass(tree, users):
    counties = (tree.county.pk, tree.county2.pk)
    quiet = [clean_household(tree.village_a) for _ in range(6)]
    # Time moves rules: a pupil of 14 in senior high turns 15 (DQ06 too young ends); a pairing ends.
    young = clean_household(tree.village_b)
    Member.objects.create(
        household=young,
        relationship=c.Relationship.SON,
        name="少年",
        id_number=f.id_number(dt.date(2004, 8, 1)),
        birth_date=dt.date(2004, 8, 1),
        sex=c.Sex.MALE,
        school_status=c.SchoolStatus.SENIOR_HIGH,
    )
    # An ID number whose birth date is still to come on the first night (DQ02), valid on the second.
    newborn = clean_household(tree.village_b)
    Member.objects.create(
        household=newborn,
        relationship=c.Relationship.DAUGHTER,
        name="新生儿",
        id_number=f.id_number(dt.date(2019, 8, 1), male=False),
        birth_date=dt.date(2019, 8, 1),
        sex=c.Sex.FEMALE,
    )
    unpaired = clean_household(tree.village_b)
    Pairing.objects.filter(household=unpaired).update(end=dt.date(2019, 8, 1))
    # Rows change through every path: queryset updates, creations, a raw statement.
    edited, moved, closed, poor = (clean_household(tree.village_c) for _ in range(4))
    elsewhere = clean_household(tree.village_d)
    for county in counties:
        quality_run_county(as_of=NIGHT, county_id=county)
    assert HouseholdChange.objects.filter(reader="quality").count() == 0  # the full passes took the journal

    edited_head = Member.objects.filter(household=edited, relationship=c.Relationship.HEAD)
    edited_head.update(school_status=c.SchoolStatus.PRIMARY)
    Income.objects.create(household=edited, year=2019, wages=0)
    Household.objects.filter(pk=moved.pk).update(county=tree.county2, village=tree.village_d)
    Household.objects.filter(pk=closed.pk).update(status=c.Status.CLOSED)
    head = poor.members.get(relationship=c.Relationship.HEAD)
    helper_for(tree.county2, id_number=head.id_number)  # a poor person serving as a helper (DQ11)…
    Pairing.objects.create(helper=helper_for(tree.county2, id_number=head.id_number), household=elsewhere, start=NIGHT)
    # …and recorded deceased in another county's household (DQ01).
    Member.objects.create(
        household=elsewhere,
        relationship=c.Relationship.OTHER,
        name="同一人",
        id_number=head.id_number,
        birth_date=head.birth_date,
        sex=head.sex,
        departure=c.Departure.DECEASED,
        departed_on=NIGHT,
    )
    spouse = elsewhere.members.get(relationship=c.Relationship.SPOUSE)
    MemberEvent.objects.create(member=spouse, kind=sorted(c.DEPARTING_EVENTS)[0], date=NIGHT)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_household SET housing_area = 0 WHERE id = %s", [quiet[0].pk])

    for county in reversed(counties):
        quality_run_county(as_of=LATER, county_id=county)
        assert stored(LATER, county) == full_pass(LATER, county)
    run = QualityRun.objects.get(county=tree.county, as_of=LATER)
    assert run.households_checked is not None  # it was incremental…
    assert run.households_checked < Household.objects.filter(county=tree.county).count()  # …and partial
    findings = {(x[0], x[1], x[2]) for x in stored(LATER, tree.county.pk)}
    assert ("DQ06", "too_young", young.pk) not in findings
    assert "DQ02" in {x[0] for x in stored(NIGHT, tree.county.pk) if x[2] == newborn.pk}
    assert not {x for x in findings if x[2] == newborn.pk and x[0] == "DQ02"}
    assert {
        ("DQ11", "no_helper", unpaired.pk),
        ("DQ06", "too_old", edited.pk),
        ("DQ13", "closed_household", closed.pk),
        ("DQ01", "duplicate", poor.pk),
        ("DQ11", "poor_helper", poor.pk),
        ("DQ12", "housing_area", quiet[0].pk),
    } <= findings
    assert not {x for x in findings if x[2] == moved.pk}

    # The night again with nothing changed in between: the same findings, the same history.
    rows = sorted(QualityFinding.objects.values_list("household_id", "code", "kind", "since", "until"))
    for county in counties:
        before = stored(LATER, county)
        quality_run_county(as_of=LATER, county_id=county)
        assert stored(LATER, county) == before == full_pass(LATER, county)
    assert sorted(QualityFinding.objects.values_list("household_id", "code", "kind", "since", "until")) == rows


def test_a_quiet_night_writes_nothing_and_the_history_reads_every_night(tree, users):
    """The findings are kept as changes: a night that finds what the night before found writes no row; a
    night's findings still read as they were after later nights; a date before the latest writes nothing."""
    fixed = clean_household(tree.village_a)
    broken = clean_household(tree.village_a)
    Household.objects.filter(pk=broken.pk).update(housing_area=0)  # DQ12 on every night
    quality_run_county(as_of=NIGHT, county_id=tree.county.pk)
    first = sorted(QualityFinding.objects.values_list("id", "since", "until"))
    assert first and {since for _id, since, _until in first} == {NIGHT}
    quality_run_county(as_of=NIGHT + dt.timedelta(days=1), county_id=tree.county.pk)
    assert sorted(QualityFinding.objects.values_list("id", "since", "until")) == first  # nothing written

    Household.objects.filter(pk=fixed.pk).update(housing_area=0)
    Household.objects.filter(pk=broken.pk).update(housing_area=80)
    day3 = NIGHT + dt.timedelta(days=2)
    quality_run_county(as_of=day3, county_id=tree.county.pk)
    assert stored(day3, tree.county.pk) == full_pass(day3, tree.county.pk)
    held = {(x[0], x[1], x[2]) for x in stored(day3, tree.county.pk)}
    assert ("DQ12", "housing_area", fixed.pk) in held and ("DQ12", "housing_area", broken.pk) not in held
    before = {(x[0], x[1], x[2]) for x in stored(NIGHT + dt.timedelta(days=1), tree.county.pk)}
    assert ("DQ12", "housing_area", broken.pk) in before and ("DQ12", "housing_area", fixed.pk) not in before
    closed = QualityFinding.objects.get(household=broken, code="DQ12")
    assert (closed.since, closed.until) == (NIGHT, day3)

    rows = sorted(QualityFinding.objects.values_list("id", "since", "until"))
    assert quality_run_county(as_of=NIGHT, county_id=tree.county.pk) == len(stored(NIGHT, tree.county.pk))
    assert sorted(QualityFinding.objects.values_list("id", "since", "until")) == rows  # the past is not rewritten


def test_the_journal_names_the_households_of_every_write_path(tree, users):
    a, b = clean_household(tree.village_a), clean_household(tree.village_d)
    HouseholdChange.objects.all().delete()
    Income.objects.bulk_create([Income(household=a, year=2019)])
    Member.objects.filter(household=b).update(months_worked=3)
    Income.objects.filter(household=a).update(wages=1)  # journaled already: not again
    journal = list(HouseholdChange.objects.values_list("reader", "county_id", "household_id"))
    assert len(journal) == 4
    assert set(journal) == {(reader, h.county_id, h.pk) for reader in ("quality", "monitoring") for h in (a, b)}
    HouseholdChange.objects.all().delete()
    Household.objects.filter(pk=a.pk).update(county=tree.county2, village=tree.village_d)
    counties = set(HouseholdChange.objects.filter(household_id=a.pk).values_list("county_id", flat=True))
    assert counties == {tree.county.pk, tree.county2.pk}  # a move is journaled where it left and arrived


def test_every_age_a_check_uses_is_watched(db):
    """An age compared in a check but missing from quality.AGES would go unnoticed by a quiet night. (`db`:
    compiling a JSON object asks SQLite's connection what it supports; run first on its pytest-xdist
    worker, this test was the one to open it.)"""
    selects = finding_selects(as_of=NIGHT, county_id=1, run_id=None)
    used = {int(key.removeprefix("born_by_")) for s in selects[:2] for key in s.params if key.startswith("born_by_")}
    assert used and used <= set(quality.AGES)

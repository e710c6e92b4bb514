import datetime as dt

from households import choices as c
from households.models import Member
from monitoring.models import QualityFinding, QualityRun
from monitoring.services import quality_run_county

from .conftest import AS_OF


def codes(household):
    return sorted(QualityFinding.objects.filter(household=household).values_list("code", "kind"))


def test_a_clean_household_has_no_findings(tree, clean):
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert codes(clean) == []
    assert QualityRun.objects.get(county=tree.county, as_of=AS_OF).finding_count == 0


def test_a_rerun_of_the_same_night_keeps_the_findings_once(tree, clean):
    Member.objects.filter(household=clean).update(school_status=c.SchoolStatus.PRIMARY)
    first = quality_run_county(as_of=AS_OF, county_id=tree.county.pk, run_id=7)
    second = quality_run_county(as_of=AS_OF, county_id=tree.county.pk, run_id=8)
    assert first == second == 4  # DQ06 too old and DQ07 student as labour, for both
    assert QualityFinding.objects.filter(household=clean).count() == 4  # never duplicated
    assert set(QualityFinding.objects.values_list("run_id", flat=True)) == {7}  # nothing changed: kept
    assert QualityRun.objects.filter(county=tree.county).count() == 1
    Member.objects.filter(household=clean).update(school_status=c.SchoolStatus.NOT_IN_SCHOOL)
    assert quality_run_county(as_of=AS_OF, county_id=tree.county.pk, run_id=9) == len(codes(clean))
    assert codes(clean) == sorted(
        QualityFinding.objects.held_on(AS_OF).filter(household=clean).values_list("code", "kind")
    )
    assert "DQ07" not in {code for code, _kind in codes(clean)}  # the rerun's findings replaced the first's


def test_the_next_night_keeps_the_previous_snapshot(tree, clean):
    Member.objects.filter(household=clean).update(school_status=c.SchoolStatus.PRIMARY)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    quality_run_county(as_of=AS_OF + dt.timedelta(days=1), county_id=tree.county.pk)
    for night in (AS_OF, AS_OF + dt.timedelta(days=1)):
        assert QualityFinding.objects.held_on(night).filter(household=clean).count() == 4
    assert QualityFinding.objects.filter(household=clean).count() == 4  # kept once, not copied per night


def test_a_run_only_touches_its_county(tree, clean, homes):
    quality_run_county(as_of=AS_OF, county_id=tree.county2.pk)
    assert not QualityFinding.objects.exclude(county=tree.county2).exists()
    assert QualityFinding.objects.filter(household=homes.d).exists()

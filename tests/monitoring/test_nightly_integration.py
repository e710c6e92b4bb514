"""The nightly recompute (eligibility.tasks) runs the checks of §8.2 and the triggers of §7 per county."""

import datetime as dt

from eligibility.tasks import nightly_recompute
from households import choices as c
from monitoring.models import AlertTrigger, MonitoringAlert, QualityRun, Trigger
from tests import factories as f

from .conftest import clean_household


def test_the_nightly_recompute_runs_the_checks_and_the_triggers(tree, users):
    h = clean_household(tree.village_a, status=c.Status.EXITED, has_safe_water=False, housing_grade="A")
    f.income(h, 2019, wages=1000)
    f.assessment(h)
    nightly_recompute("2019-06-30")
    nightly_recompute("2019-06-30")  # a rerun of the night
    assert QualityRun.objects.filter(as_of=dt.date(2019, 6, 30)).count() == 2  # both counties
    alert = MonitoringAlert.objects.get(household=h)
    triggers = {t.trigger: t.values for t in AlertTrigger.objects.filter(alert=alert)}
    assert set(triggers) == {Trigger.LOW_INCOME, Trigger.GUARANTEE_FAILED}
    assert triggers[Trigger.GUARANTEE_FAILED]["criteria"] == ["water"]

"""Every transition of every workflow (declared in workflows.definitions) is refused to every other
role, to its own role outside the scope, and in a state it does not start from — and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from tests import factories as f
from villages.models import Level
from workflows import definitions as d
from workflows import services as s
from workflows.models import Case, Step

pytestmark = pytest.mark.django_db

ALL = [(wf.case_type, t.name) for wf in d.WORKFLOWS.values() for t in wf.transitions]


@pytest.fixture
def world(tree, users, homes):
    """Users in the case's scope by (role, level), and the same roles outside it."""
    city2 = f.region("211300000000", "朝阳市", Level.CITY, tree.province)
    province2 = f.region("220000000000", "吉林省", Level.PROVINCE)
    inside = {
        (Role.VILLAGE_CLERK, Level.VILLAGE): users.clerk_a,
        (Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP): users.township,
        (Role.COUNTY_OFFICIAL, Level.COUNTY): users.county,
        (Role.CITY_OFFICIAL, Level.CITY): users.city,
        (Role.PROVINCE_STAFF, Level.PROVINCE): users.province,
    }
    outside = {
        (Role.VILLAGE_CLERK, Level.VILLAGE): users.clerk_b,
        (Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP): f.user("township2", Role.TOWNSHIP_REVIEWER, tree.township2),
        (Role.COUNTY_OFFICIAL, Level.COUNTY): users.county2,
        (Role.CITY_OFFICIAL, Level.CITY): f.user("city2", Role.CITY_OFFICIAL, city2),
        (Role.PROVINCE_STAFF, Level.PROVINCE): f.user("province2", Role.PROVINCE_STAFF, province2),
    }
    others = [users.helper, users.auditor, users.admin]
    return tree, users, homes, inside, outside, others


def make_case(world, case_type: str, state: str) -> Case:
    tree, users, homes, *_ = world
    wf = d.WORKFLOWS[case_type]
    final = state in wf.final
    return Case.objects.create(
        case_type=case_type,
        household=homes.a if wf.on_household else None,
        region=tree.village_a if case_type != "county_exit" else tree.county,
        state=state,
        year=2026,
        opened_by=users.admin,
        state_since=timezone.now(),
        closed_at=timezone.now() if final else None,
    )


@pytest.mark.parametrize(("case_type", "name"), ALL)
def test_a_step_is_refused_to_the_wrong_role_scope_and_state(world, case_type, name):
    _tree, _users, _homes, inside, outside, others = world
    t = d.WORKFLOWS[case_type].transition(name)
    case = make_case(world, case_type, t.sources[0])
    allowed = inside[(t.roles[0], t.level)]
    for (role, level), user in inside.items():
        if t.allows_role(role, level):
            continue
        with pytest.raises(PermissionDenied):
            s.case_transition(user=user, case=case, transition=name, reason="x")
    for user in others:
        with pytest.raises(PermissionDenied):
            s.case_transition(user=user, case=case, transition=name, reason="x")
    with pytest.raises(PermissionDenied):
        s.case_transition(user=outside[(t.roles[0], t.level)], case=case, transition=name, reason="x")
    case.refresh_from_db()
    assert case.state == t.sources[0] and not Step.objects.exists()

    wrong = make_case(world, case_type, d.State.WITHDRAWN)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=allowed, case=wrong, transition=name, reason="x")
    assert err.value.error_dict["transition"][0].code == "wrong_state"
    assert not Step.objects.exists()

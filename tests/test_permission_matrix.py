"""The permission matrix (§1): every write page and write endpoint × every role × a record inside and
outside the user's scope, each cell asserting the exact answer the domain's rules give.

The expected answers come from the small tables below, written from the domain (§1, §2, §4–§7,
§10–§13), never computed by accounts.access: the matrix is there to catch a wrong rule in it.
A cell's answer, in this order:
1. the role may never do this and the endpoint refuses by role before it reads any record
   (`role_first`: the households API, the create pages): the endpoint's refusal;
2. the record lies outside the user's scope, or the user cannot see it: 404 (a create that names the
   record in its body: the validation error, 400 in the API, the form again on a page);
3. the role may not do it: 403 in the API; on a page the page's refusal: 404, 403, or a redirect with
   an error message and nothing changed;
4. else success: 2xx, or a redirect with the change made; for a body without the form's fields, its
   validation errors (the permission check has passed).
Besides the status, a cell whose endpoint changes a record checks whether it changed.

Each cell is one request in a savepoint of a world built once for the module (tests/permission_world.py).
Endpoints that act on no record (start a run, upload a file) have only the "in" column.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, Role
from assistance.models import AssistanceRecord, SmallLoan, Visit
from funds.models import Allocation, Arrangement, Disbursement
from households import choices as hc
from households.models import Assessment, Helper, Household, Income, Member, Pairing, TeamPosition, WorkTeamMember
from imports.models import ImportJob, Roster
from monitoring.models import MonitoringAlert
from projects.models import Project
from tests.api.conftest import household_document
from tests.households.test_views_form import form_data, member_data
from tests.permission_world import PNG, TODAY, build_world
from villages.models import AnnualTarget, RegionYear, SampledHousehold, VerificationSample
from villages.working_year import working_year
from workflows import definitions as d
from workflows.models import Attachment, Case, Objection
from workflows.services import attachment_add

# ---------------------------------------------------------------------------------------------------
# The domain's rules, as tables.

CLERK, HELPER, TOWNSHIP, COUNTY = Role.VILLAGE_CLERK, Role.HELPER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_OFFICIAL
CITY, PROVINCE, AUDITOR, ADMIN = Role.CITY_OFFICIAL, Role.PROVINCE_STAFF, Role.AUDITOR, Role.ADMIN
EVERYONE = frozenset(Role)

# Who may do what; where is the scope's business (`sees` below). §1 and the sections cited.
MAY: dict[str, frozenset[str]] = {
    # §1, §3: household records, by whoever edits households in scope. A helper visits and records
    # assistance in the households paired to them, and changes no household (issue 14).
    "edit_household": frozenset({CLERK, TOWNSHIP, COUNTY}),
    "register_household": frozenset({CLERK, TOWNSHIP, COUNTY}),
    "record_assistance": frozenset({CLERK, HELPER, TOWNSHIP, COUNTY}),  # §1, §4: helpers too
    # §1 (issue 14): the county office keeps its county's helpers and its villages' first secretaries and
    # work teams; the village, township and county offices pair their households with helpers.
    "manage_helpers": frozenset({COUNTY}),
    "pair_households": frozenset({CLERK, TOWNSHIP, COUNTY}),
    "region_figures": frozenset({COUNTY}),  # §2: the county office, of its own county
    # §2 (issue 14): a village's flags of a year, by its county office or by province staff.
    "region_flags": frozenset({COUNTY, PROVINCE}),
    "manage_county": frozenset({COUNTY}),  # §10, §11: the county office runs its projects and funds
    "set_targets": frozenset({PROVINCE}),  # §2, §12
    "policy": frozenset({PROVINCE}),  # §5.1
    "start_run": frozenset({PROVINCE}),  # §5.6
    "open_working_year": frozenset({PROVINCE}),  # §5.2, §5.6: the year switch (年度切换), province staff only
    "draw_samples": frozenset({PROVINCE}),  # §6.4: draw, and record the results
    "import": frozenset({CLERK, TOWNSHIP, COUNTY}),  # §13: department rosters
    # §13, issue 14: household files, and province staff's migration of a county's registry as identified.
    "import_households": frozenset({CLERK, TOWNSHIP, COUNTY, PROVINCE}),
    "commit_import": frozenset({CLERK, TOWNSHIP, COUNTY, PROVINCE}),  # §13: the file the user checked themself
    "dismiss_alert": frozenset({CLERK, TOWNSHIP}),  # §7: dismiss or confirm, after a visit
    "export": EVERYONE,  # §12: every table of the scope is exportable
    # §6: who opens and who takes each step (workflows/definitions.py, read as the domain's chains).
    "open:household_exit": frozenset({CLERK}),
    "open:county_exit": frozenset({COUNTY}),
    "step:verify": frozenset({CLERK}),
    "step:township_approve": frozenset({TOWNSHIP}),
    "step:announce": frozenset({COUNTY}),
    "step:city_review": frozenset({CITY}),
    "step:province_approve": frozenset({PROVINCE}),
    "notice": frozenset({CLERK}),  # §6.1 step 4: the village runs its notice and records objections
    # §6.1: evidence comes from the role that takes the case's next step; auditors, city and province
    # staff and administrators add none, even where the next step is theirs.
    "evidence@appraised": frozenset({CLERK}),
    "evidence@noticed": frozenset({TOWNSHIP}),
    "evidence@township_approved": frozenset({COUNTY}),
    "evidence:county@applied": frozenset(),
    "evidence:county@city_reviewed": frozenset(),
}

USERS = ["admin", "clerk_a", "clerk_b", "helper", "township", "county", "county2", "city", "province", "auditor"]
ROLE = {
    "admin": ADMIN,
    "clerk_a": CLERK,
    "clerk_b": CLERK,
    "helper": HELPER,
    "township": TOWNSHIP,
    "county": COUNTY,
    "county2": COUNTY,
    "city": CITY,
    "province": PROVINCE,
    "auditor": AUDITOR,
}
# §2: a scope is a region; what lies inside it has a code that starts with the region's significant digits.
SCOPE = {
    "admin": "21",
    "clerk_a": "211224100001",
    "clerk_b": "211224100002",
    "helper": "211224",
    "township": "211224100",
    "county": "211224",
    "county2": "211221",
    "city": "2112",
    "province": "21",
    "auditor": "21",
}
PAIRED = {"helper": {"A"}}  # §3: the households a helper is paired with (by site)

# The sites of tests/permission_world.py and, per user, the site of a record inside and outside the scope.
VILLAGE_CODE = {"A": "211224100001", "B": "211224100002", "D": "211221100001", "X": "220122100001"}
COUNTY_CODE = {"A": "211224000000", "B": "211224000000", "D": "211221000000", "X": "220122000000"}
IMPORT_SCOPE = {"A": "211224100001", "B": "211224100002", "D": "211221000000", "X": "220122100001"}  # its author's
INSIDE = {u: "A" for u in USERS} | {"clerk_b": "B", "county2": "D"}
OUTSIDE = {u: "X" for u in ("admin", "city", "province", "auditor")}
OUTSIDE |= {u: "D" for u in ("clerk_a", "clerk_b", "helper", "township", "county")} | {"county2": "A"}
JOB_AUTHOR = {"A": "clerk_a", "B": "clerk_b", "D": "county2", "X": "clerk_x"}
OWN_JOBS = {"clerk_a", "clerk_b", "township", "county", "county2"}


def sees(who: str, kind: str, site: str) -> bool:
    """§1: whether the user sees the record of this kind at this site (default deny)."""
    scope, helper = SCOPE[who], ROLE[who] == HELPER
    if kind == "household":  # a household and what hangs on it: members, alerts, its cases
        return site in PAIRED.get(who, ()) if helper else VILLAGE_CODE[site].startswith(scope)
    if kind == "village":  # regions: a helper finds their way through the tree of their scope
        return VILLAGE_CODE[site].startswith(scope)
    if kind == "county":
        return COUNTY_CODE[site].startswith(scope)
    if kind == "helper":  # a county's helper: seen in the county and above, and by the offices below it that
        # pair their households with the county's helpers (issue 14); no helper's business
        county = COUNTY_CODE[site]
        return not helper and (county.startswith(scope) or (len(scope) > 6 and county[:6] == scope[:6]))
    if kind == "county_record":  # projects, fund entries, county cases, samples: no helper's business
        return not helper and COUNTY_CODE[site].startswith(scope)
    if kind == "import_record":  # a roster: its author's scope
        return not helper and IMPORT_SCOPE[site].startswith(scope)
    if kind == "own_job":  # an import file is imported by the user who checked it (site: its author)
        return site == who
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------------------
# The endpoints.


class Outcome(NamedTuple):
    status: int
    changed: bool | None  # None: the endpoint's effect is not observed


class Request(NamedTuple):
    method: str
    path: str
    data: Any = None


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    action: str  # a key of MAY
    kind: str | None  # a kind of `sees`; None: the endpoint acts on no record (only the "in" column)
    request: Callable  # (world, site) -> Request
    ok: int
    refused: int
    outside: int = 404
    effect: Callable | None = None  # (world, site) -> a value that success changes; None: not observed
    prepare: Callable | None = None  # (world, site): the state the record must be in first
    api: bool = False
    role_first: bool = False
    chinese_refusal: bool = False  # the refusal is a message, in Chinese (§13)

    def outcome(self, status: int, changes: bool) -> Outcome:
        return Outcome(status, changes if self.effect else None)


def state(case_table: str, new_state: str, **fields) -> Callable:
    """A `prepare` that puts the site's case in the state a step starts from."""

    def prepare(w, site):
        case = getattr(w, case_table)[site]
        Case.objects.filter(pk=case.pk).update(state=new_state, **fields)

    return prepare


def approved_passing(case_table: str) -> Callable:
    """A `prepare` for the announcement: the site's case approved and its household passing the exit test
    of the case's year, which the announcement needs (§6.1), so the cell answers for role and scope only."""

    def prepare(w, site):
        state(case_table, d.State.APPROVED)(w, site)
        h = w.household[site]
        Household.objects.filter(pk=h.pk).update(housing_grade="A", has_safe_water=True)
        Member.objects.filter(household=h).update(has_resident_medical=True)
        Income.objects.update_or_create(household=h, year=TODAY.year, defaults={"wages": Decimal("20000")})
        Assessment.objects.create(household=h, assessed_on=TODAY, food_secure=True, clothing_secure=True)

    return prepare


def withdrawn(case_table: str) -> Callable:
    """A `prepare` that closes the site's running case, so a new one can be opened."""
    return state(case_table, d.State.WITHDRAWN, closed_at=timezone.now())


def exited_household(w, site) -> None:
    """A `prepare`: the site's household has exited, as every household a nightly alert is raised for
    (§7: a poor household is assisted already, and its alert could not open a monitoring case)."""
    Household.objects.filter(pk=w.household[site].pk).update(status=hc.Status.EXITED)


def case_state(case_table: str) -> Callable:
    return lambda w, site: Case.objects.get(pk=getattr(w, case_table)[site].pk).state


def png() -> SimpleUploadedFile:
    return SimpleUploadedFile("house.png", PNG, content_type="image/png")


DATE = "2019-06-01"
# A body with none of the form's fields: the form is bound, and its validation errors show that the
# permission check has passed (an empty POST would leave a `request.POST or None` form unbound).
INVALID = {"submitted": "1"}
ASSISTANCE = {"category": "industry", "date": DATE, "content": "发放鸡苗", "amount": "100.00"}
LOAN = {
    "bank": "农村信用社",
    "amount": "10000.00",
    "benchmark_rate": "4.35",
    "term_months": 12,
    "issued_on": "2019-01-01",
    "due_on": "2020-01-01",
}
VISIT = {"visited_on": DATE, "findings": "家中一切正常"}
PROJECT = {"name": "村路硬化", "year": 2019, "category": "industry", "implementing_unit": "县交通局"}
PROJECT_API = PROJECT | {"benefit_linkage": "other"}
PROJECT_PAGE = PROJECT | {
    "beneficiary_people": 0,
    "benefit_linkage": "other",
    "targets-TOTAL_FORMS": "0",
    "targets-INITIAL_FORMS": "0",
}
ALLOCATION = {"source": "central", "document_number": "辽财农〔2019〕9号", "amount": "10.00", "date": DATE}
PAYMENT = {"payee": "unit", "payee_unit": "县农业局", "amount": "1.00", "date": DATE}
REVERSAL = {"reason": "金额有误，冲正"}
STEP = {"reason": "同意"}
OPEN_EXIT = {
    "case_type": d.CaseType.HOUSEHOLD_EXIT,
    "appraisal_date": TODAY.isoformat(),
    "appraisal_attendance": "25",
    "appraisal_result": "同意",
    "justification": "入户核实后提出",
}


HELPER_FORM = {"name": "赵帮扶", "sex": "male", "unit": "县民政局", "unit_level": "county"}
POSTING = {"name": "钱书记", "unit": "省直机关", "position": TeamPosition.FIRST_SECRETARY, "start": DATE}
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
DAY_ONE = dt.date(2019, 1, 1)


def _helper_at(w, site) -> Helper:
    """A helper of the site's county (the world has one in 昌图县 only): w.helper_rec[site]."""
    county = w.county[site]
    helper = Helper.objects.filter(county=county).first() or Helper.objects.create(
        name="孙帮扶", sex=hc.Sex.FEMALE, unit="县农业局", unit_level=hc.UnitLevel.COUNTY, county=county
    )
    w.__dict__.setdefault("helper_rec", {})[site] = helper
    return helper


def _pairable(w, site) -> None:
    """A helper of the site's county, and the site's household free from tomorrow: a pairing that holds
    today ends today, so the helper of household A still sees it (the cell's "in" column)."""
    _helper_at(w, site)
    Pairing.objects.filter(household=w.household[site], end__isnull=True).update(end=TODAY)


def _open_pairing(w, site) -> None:
    """An open pairing of the site's household (household A's is the world's helper's): w.pairing_rec[site]."""
    h = w.household[site]
    pairing = Pairing.objects.filter(household=h, end__isnull=True).first() or Pairing.objects.create(
        helper=_helper_at(w, site), household=h, start=DAY_ONE
    )
    w.__dict__.setdefault("pairing_rec", {})[site] = pairing


def _posting_at(w, site) -> None:
    posting = WorkTeamMember.objects.create(
        village=w.village[site], name="李队员", unit="县直机关", position=TeamPosition.TEAM_MEMBER, start=DAY_ONE
    )
    w.__dict__.setdefault("posting_rec", {})[site] = posting


def household_count(w, site):
    return Household.objects.filter(village=w.village[site]).count()


def county_count(model, path):
    return lambda w, site: model.objects.filter(**{path: w.county[site]}).count()


def household_related_count(model):
    return lambda w, site: model.objects.filter(household=w.household[site]).count()


def open_cases(case_type, field):
    def count(w, site):
        target = w.household[site] if field == "household" else w.county[site]
        return Case.objects.filter(case_type=case_type, closed_at__isnull=True, **{field: target}).count()

    return count


def evidence(name: str, action: str, kind: str, table: str, prepare=None) -> Endpoint:
    return Endpoint(
        name,
        action,
        kind,
        lambda w, site: Request(
            "post",
            reverse("workflows:attachment_add", args=[getattr(w, table)[site].pk]),
            {"kind": "other", "file": png()},
        ),
        ok=302,
        refused=302,
        effect=lambda w, site: Attachment.objects.filter(case=getattr(w, table)[site]).count(),
        prepare=prepare,
        chinese_refusal=True,
    )


def step(name: str, transition: str, kind: str, table: str, prepare=None, *, api: bool = False) -> Endpoint:
    def request(w, site):
        pk = getattr(w, table)[site].pk
        if api:
            return Request("post", reverse("api-case-transition", args=[pk]), {"transition": transition, **STEP})
        return Request("post", reverse("workflows:case_step", args=[pk]), {"transition": transition, **STEP})

    return Endpoint(
        name,
        f"step:{transition}",
        kind,
        request,
        ok=200 if api else 302,
        refused=403 if api else 302,
        effect=case_state(table),
        prepare=prepare,
        api=api,
    )


def _steps(api: bool) -> list[Endpoint]:
    p = "api:cases:transition" if api else "workflows:case_step"
    return [
        step(f"{p}:verify", "verify", "household", "exit_case", api=api),
        step(
            f"{p}:township_approve",
            "township_approve",
            "household",
            "exit_case",
            state("exit_case", d.State.NOTICED),
            api=api,
        ),
        step(f"{p}:announce", "announce", "household", "exit_case", approved_passing("exit_case"), api=api),
        step(f"{p}:city_review", "city_review", "county_record", "county_case", api=api),
        step(
            f"{p}:province_approve",
            "province_approve",
            "county_record",
            "county_case",
            state("county_case", d.State.NOTICED),
            api=api,
        ),
    ]


def _entry(w, site):
    return w.sample[site].entries.get()


PAGES = [
    # households (§3)
    Endpoint(
        "households:create",
        "register_household",
        "village",
        lambda w, site: Request("post", reverse("households:create"), form_data(w.village[site], [member_data(0)])),
        ok=302,
        refused=404,
        outside=200,
        effect=household_count,
        role_first=True,
    ),
    Endpoint(
        "households:edit",
        "edit_household",
        "household",
        lambda w, site: Request("post", reverse("households:edit", args=[w.household[site].number]), INVALID),
        ok=200,
        refused=404,
    ),
    Endpoint(
        "households:member_change",
        "edit_household",
        "household",
        lambda w, site: Request(
            "post",
            reverse("households:member_change", args=[w.household[site].number, w.household[site].members.get().pk]),
            INVALID,
        ),
        ok=200,
        refused=404,
    ),
    # helpers, pairings and work teams (§1, §3, issue 14)
    Endpoint(
        "households:helper_create",
        "manage_helpers",
        None,  # in the user's own county
        lambda w, site: Request("post", reverse("households:helper_create"), HELPER_FORM),
        ok=302,
        refused=404,
        effect=lambda w, site: Helper.objects.count(),
    ),
    Endpoint(
        "households:helper_edit",
        "manage_helpers",
        "helper",
        lambda w, site: Request("post", reverse("households:helper_edit", args=[w.helper_rec[site].pk]), HELPER_FORM),
        ok=302,
        refused=403,
        effect=lambda w, site: Helper.objects.get(pk=w.helper_rec[site].pk).name,
        prepare=lambda w, site: _helper_at(w, site),
    ),
    Endpoint(
        "households:helper_pair",
        "pair_households",
        "helper",
        lambda w, site: Request(
            "post",
            reverse("households:helper_pair", args=[w.helper_rec[site].pk]),
            {"households": w.household[site].number, "start": TOMORROW},
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: Pairing.objects.filter(household=w.household[site]).count(),
        prepare=lambda w, site: _pairable(w, site),
    ),
    Endpoint(
        "households:pairing",
        "pair_households",
        "household",
        lambda w, site: Request(
            "post",
            reverse("households:pairing", args=[w.household[site].number]),
            {"helper": w.helper_rec[site].pk, "start": TOMORROW},
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: Pairing.objects.filter(household=w.household[site]).count(),
        prepare=lambda w, site: _pairable(w, site),
    ),
    Endpoint(
        "households:pairing_end",
        "pair_households",
        "household",
        lambda w, site: Request(
            "post", reverse("households:pairing_end", args=[w.pairing_rec[site].pk]), {"end": TODAY.isoformat()}
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: Pairing.objects.get(pk=w.pairing_rec[site].pk).end,
        prepare=lambda w, site: _open_pairing(w, site),
    ),
    Endpoint(
        "households:work_team",
        "manage_helpers",
        "village",
        lambda w, site: Request("post", reverse("households:work_team", args=[w.village[site].code]), POSTING),
        ok=302,
        refused=403,
        effect=lambda w, site: WorkTeamMember.objects.filter(village=w.village[site]).count(),
    ),
    Endpoint(
        "households:team_member_edit",
        "manage_helpers",
        "village",
        lambda w, site: Request(
            "post", reverse("households:team_member_edit", args=[w.posting_rec[site].pk]), POSTING | {"name": "改名"}
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: WorkTeamMember.objects.get(pk=w.posting_rec[site].pk).name,
        prepare=lambda w, site: _posting_at(w, site),
    ),
    Endpoint(
        "regions:year_edit",
        "region_figures",
        "village",
        lambda w, site: Request(
            "post", reverse("regions:year_edit", args=[w.village[site].code, 2019]), {"rural_population": "500"}
        ),
        ok=302,
        refused=404,
        effect=lambda w, site: RegionYear.objects.filter(region=w.village[site], year=2019).exists(),
    ),
    Endpoint(
        "regions:year_flags",
        "region_flags",
        "village",
        lambda w, site: Request(
            "post",
            reverse("regions:year_flags", args=[w.village[site].code, 2019]),
            {"is_poverty_village": "true", "is_deep_poverty": "true", "is_border_village": "true"},
        ),
        ok=302,
        refused=404,
        effect=lambda w, site: RegionYear.objects.filter(
            region=w.village[site], year=2019, is_border_village=True
        ).exists(),
    ),
    # eligibility (§5)
    Endpoint(
        "eligibility:run_start",
        "start_run",
        None,
        lambda w, site: Request("post", reverse("eligibility:run_start"), {"as_of": timezone.localdate().isoformat()}),
        302,
        404,
    ),
    Endpoint(
        "eligibility:parameter_edit",
        "policy",
        None,
        lambda w, site: Request("post", reverse("eligibility:parameter_edit", args=[2019]), INVALID),
        ok=200,
        refused=404,
    ),
    Endpoint(
        "eligibility:working_year_open",
        "open_working_year",
        None,
        lambda w, site: Request("post", reverse("eligibility:working_year_open"), INVALID),
        ok=200,
        refused=404,
    ),
    # monitoring (§7)
    Endpoint(
        "monitoring:alert_dismiss",
        "dismiss_alert",
        "household",
        lambda w, site: Request(
            "post", reverse("monitoring:alert_dismiss", args=[w.alert[site].pk]), {"reason": "走访后风险已消除"}
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: MonitoringAlert.objects.get(pk=w.alert[site].pk).state,
    ),
    # assistance (§4)
    Endpoint(
        "assistance:record_create",
        "record_assistance",
        "household",
        lambda w, site: Request(
            "post", reverse("assistance:record_create", args=[w.household[site].number]), ASSISTANCE
        ),
        ok=302,
        refused=403,
        effect=household_related_count(AssistanceRecord),
    ),
    Endpoint(
        "assistance:loan_create",
        "record_assistance",
        "household",
        lambda w, site: Request("post", reverse("assistance:loan_create", args=[w.household[site].number]), LOAN),
        ok=302,
        refused=403,
        effect=household_related_count(SmallLoan),
    ),
    Endpoint(
        "assistance:visit_create",
        "record_assistance",
        "household",
        lambda w, site: Request("post", reverse("assistance:visit_create", args=[w.household[site].number]), VISIT),
        ok=302,
        refused=403,
        effect=household_related_count(Visit),
    ),
    # projects (§10)
    Endpoint(
        "projects:create",
        "manage_county",
        "county",
        lambda w, site: Request("post", reverse("projects:create"), PROJECT_PAGE | {"county": w.county[site].pk}),
        ok=302,
        refused=403,
        outside=200,
        effect=county_count(Project, "county"),
        role_first=True,
    ),
    Endpoint(
        "projects:edit",
        "manage_county",
        "county_record",
        lambda w, site: Request("post", reverse("projects:edit", args=[w.project[site].pk]), INVALID),
        ok=200,
        refused=403,
    ),
    Endpoint(
        "projects:transition",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post",
            reverse("projects:transition", args=[w.project[site].pk]),
            {"to_status": "in_progress", "reason": "开工"},
        ),
        ok=302,
        refused=403,
        effect=lambda w, site: Project.objects.get(pk=w.project[site].pk).status,
    ),
    # funds (§11)
    Endpoint(
        "funds:allocation_create",
        "manage_county",
        "county",
        lambda w, site: Request("post", reverse("funds:allocation_create"), ALLOCATION | {"county": w.county[site].pk}),
        ok=302,
        refused=403,
        outside=200,
        effect=county_count(Allocation, "county"),
        role_first=True,
    ),
    Endpoint(
        "funds:allocation_reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("funds:allocation_reverse", args=[w.free_allocation[site].pk]), REVERSAL
        ),
        ok=302,
        refused=403,
        effect=county_count(Allocation, "county"),
    ),
    Endpoint(
        "funds:arrangement_create",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post",
            reverse("funds:arrangement_create"),
            {"allocation": w.allocation[site].pk, "project": w.project[site].pk, "amount": "10.00", "date": DATE},
        ),
        ok=302,
        refused=403,
        outside=200,
        effect=county_count(Arrangement, "allocation__county"),
        role_first=True,
    ),
    Endpoint(
        "funds:arrangement_reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("funds:arrangement_reverse", args=[w.free_arrangement[site].pk]), REVERSAL
        ),
        ok=302,
        refused=403,
        effect=county_count(Arrangement, "allocation__county"),
    ),
    Endpoint(
        "funds:disbursement_create",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("funds:disbursement_create"), PAYMENT | {"arrangement": w.arrangement[site].pk}
        ),
        ok=302,
        refused=403,
        outside=200,
        effect=county_count(Disbursement, "arrangement__allocation__county"),
        role_first=True,
    ),
    Endpoint(
        "funds:disbursement_reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("funds:disbursement_reverse", args=[w.disbursement[site].pk]), REVERSAL
        ),
        ok=302,
        refused=403,
        effect=county_count(Disbursement, "arrangement__allocation__county"),
    ),
    # workflows (§6, §7)
    Endpoint(
        "workflows:case_open:household_exit",
        "open:household_exit",
        "household",
        lambda w, site: Request(
            "post", reverse("workflows:case_open"), OPEN_EXIT | {"household": w.household[site].number}
        ),
        ok=302,
        refused=200,
        outside=200,
        effect=open_cases(d.CaseType.HOUSEHOLD_EXIT, "household"),
        prepare=withdrawn("exit_case"),
    ),
    Endpoint(
        "workflows:case_open:county_exit",
        "open:county_exit",
        "county",
        lambda w, site: Request(
            "post",
            reverse("workflows:case_open"),
            {"case_type": d.CaseType.COUNTY_EXIT, "region": w.county[site].code, "justification": "全县达到退出标准"},
        ),
        ok=302,
        refused=200,
        outside=200,
        effect=open_cases(d.CaseType.COUNTY_EXIT, "region"),
        prepare=withdrawn("county_case"),
    ),
    *_steps(api=False),
    Endpoint(
        "workflows:objection_add",
        "notice",
        "household",
        lambda w, site: Request(
            "post",
            reverse("workflows:objection_add", args=[w.exit_case[site].pk]),
            {"raised_on": TODAY.isoformat(), "raised_by": "村民王五", "content": "家中有车"},
        ),
        ok=302,
        refused=302,
        effect=lambda w, site: Objection.objects.filter(case=w.exit_case[site]).count(),
        prepare=state("exit_case", d.State.NOTICE, notice_start=TODAY),
    ),
    Endpoint(
        "workflows:objection_resolve",
        "notice",
        "household",
        lambda w, site: Request(
            "post",
            reverse("workflows:objection_resolve", args=[w.exit_case[site].pk, w.objection[site].pk]),
            {"resolution": "核实无误"},
        ),
        ok=302,
        refused=302,
        effect=lambda w, site: Objection.objects.get(pk=w.objection[site].pk).resolved_at is not None,
    ),
    evidence("workflows:attachment_add@appraised", "evidence@appraised", "household", "exit_case"),
    evidence(
        "workflows:attachment_add@noticed",
        "evidence@noticed",
        "household",
        "exit_case",
        state("exit_case", d.State.NOTICED),
    ),
    evidence(
        "workflows:attachment_add@township_approved",
        "evidence@township_approved",
        "household",
        "exit_case",
        state("exit_case", d.State.TOWNSHIP_APPROVED),
    ),
    evidence("workflows:attachment_add:county_exit@applied", "evidence:county@applied", "county_record", "county_case"),
    evidence(
        "workflows:attachment_add:county_exit@city_reviewed",
        "evidence:county@city_reviewed",
        "county_record",
        "county_case",
        state("county_case", d.State.CITY_REVIEWED),
    ),
    Endpoint(
        "workflows:alert_confirm",
        "dismiss_alert",
        "household",
        lambda w, site: Request(
            "post", reverse("workflows:alert_confirm", args=[w.alert[site].pk]), {"reason": "走访属实"}
        ),
        ok=302,
        refused=302,
        effect=open_cases(d.CaseType.MONITORING, "household"),
        prepare=exited_household,
    ),
    Endpoint(
        "workflows:sample_draw",
        "draw_samples",
        "county",
        lambda w, site: Request(
            "post",
            reverse("workflows:sample_draw"),
            {"county": w.county[site].code, "exited_count": "0", "non_registered": "王五, 2"},
        ),
        ok=302,
        refused=200,
        outside=200,
        effect=county_count(VerificationSample, "county"),
    ),
    Endpoint(
        "workflows:sample_detail",
        "draw_samples",
        "county_record",
        lambda w, site: Request(
            "post",
            reverse("workflows:sample_detail", args=[w.sample[site].pk]),
            {"entry": _entry(w, site).pk, "wrong": "no", "approves": "yes"},
        ),
        ok=302,
        refused=302,
        effect=lambda w, site: SampledHousehold.objects.get(pk=_entry(w, site).pk).approves,
    ),
    # imports (§13)
    Endpoint(
        "imports:index",
        "import_households",
        None,
        lambda w, site: Request("post", reverse("imports:index"), INVALID),
        400,
        404,
    ),
    Endpoint(
        "imports:commit",
        "commit_import",
        "own_job",
        lambda w, site: Request("post", reverse("imports:commit", args=[w.job[site].pk]), {}),
        ok=302,
        refused=404,
        effect=lambda w, site: ImportJob.objects.get(pk=w.job[site].pk).state,
    ),
    Endpoint(
        "imports:rosters",
        "import",
        None,
        lambda w, site: Request("post", reverse("imports:rosters"), INVALID),
        400,
        404,
    ),
    Endpoint(
        "imports:roster_apply",
        "import",
        "import_record",
        lambda w, site: Request("post", reverse("imports:roster_apply", args=[w.roster[site].pk])),
        ok=302,
        refused=404,
        effect=lambda w, site: Roster.objects.get(pk=w.roster[site].pk).state,
    ),
    # reports (§2, §12)
    Endpoint(
        "reports:export",
        "export",
        "village",
        lambda w, site: Request(
            "post",
            reverse("reports:export", args=["households"]) + f"?region={w.village[site].code}",
            {"format": "csv"},
        ),
        ok=200,
        refused=403,  # nobody: every role exports its scope
        effect=lambda w, site: AuditLog.objects.filter(action="export").count(),
    ),
    Endpoint(
        "reports:target_edit",
        "set_targets",
        "county",
        lambda w, site: Request(
            "post",
            reverse("reports:target_edit", args=[w.county[site].code, 2019]),
            {"people": "100", "villages": "2", "counties": "0"},
        ),
        ok=302,
        refused=404,
        effect=lambda w, site: AnnualTarget.objects.filter(region=w.county[site], year=2019).exists(),
    ),
]


def api(name, action, kind, request, ok, *, outside=404, effect=None, role_first=False) -> Endpoint:
    return Endpoint(name, action, kind, request, ok, 403, outside, effect, api=True, role_first=role_first)


APIS = [
    api(
        "api:households:create",
        "register_household",
        "village",
        lambda w, site: Request("post", reverse("api-household-list"), household_document(w.village[site].code)),
        201,
        outside=400,
        effect=household_count,
        role_first=True,
    ),
    api(
        "api:households:update",
        "edit_household",
        "household",
        lambda w, site: Request(
            "patch", reverse("api-household-detail", args=[w.household[site].number]), {"phone": "13900001111"}
        ),
        200,
        effect=lambda w, site: Household.objects.get(pk=w.household[site].pk).phone,
        role_first=True,
    ),
    api(
        "api:households:replace",
        "edit_household",
        "household",
        lambda w, site: Request("put", reverse("api-household-detail", args=[w.household[site].number]), {}),
        400,  # a body without the household's fields: its validation errors
        role_first=True,
    ),
    api(
        "api:households:income",  # issue 13: the income record of one year (the working year: no reason)
        "edit_household",
        "household",
        lambda w, site: Request(
            "put", reverse("api-household-income", args=[w.household[site].number, working_year()]), {"wages": "4321"}
        ),
        200,
        effect=lambda w, site: list(Income.objects.filter(household=w.household[site]).values_list("year", "wages")),
        role_first=True,
    ),
    api(
        "api:assistance:records:create",
        "record_assistance",
        "household",
        lambda w, site: Request(
            "post", reverse("api-assistance-record-list"), ASSISTANCE | {"household": w.household[site].number}
        ),
        201,
        outside=400,
        effect=household_related_count(AssistanceRecord),
    ),
    api(
        "api:assistance:loans:create",
        "record_assistance",
        "household",
        lambda w, site: Request("post", reverse("api-small-loan-list"), LOAN | {"household": w.household[site].number}),
        201,
        outside=400,
        effect=household_related_count(SmallLoan),
    ),
    api(
        "api:assistance:visits:create",
        "record_assistance",
        "household",
        lambda w, site: Request("post", reverse("api-visit-list"), VISIT | {"household": w.household[site].number}),
        201,
        outside=400,
        effect=household_related_count(Visit),
    ),
    api(
        "api:projects:create",
        "manage_county",
        "county",
        lambda w, site: Request("post", reverse("api-project-list"), PROJECT_API | {"county": w.county[site].code}),
        201,
        outside=400,
        effect=county_count(Project, "county"),
    ),
    api(
        "api:projects:update",
        "manage_county",
        "county_record",
        lambda w, site: Request("patch", reverse("api-project-detail", args=[w.project[site].pk]), {"name": "改名"}),
        200,
        effect=lambda w, site: Project.objects.get(pk=w.project[site].pk).name,
    ),
    api(
        "api:projects:replace",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "put",
            reverse("api-project-detail", args=[w.project[site].pk]),
            PROJECT_API | {"county": w.county[site].code},
        ),
        200,
        effect=lambda w, site: Project.objects.get(pk=w.project[site].pk).name,
    ),
    api(
        "api:projects:transition",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post",
            reverse("api-project-transition", args=[w.project[site].pk]),
            {"to_status": "in_progress", "reason": "开工"},
        ),
        200,
        effect=lambda w, site: Project.objects.get(pk=w.project[site].pk).status,
    ),
    api(
        "api:funds:allocations:create",
        "manage_county",
        "county",
        lambda w, site: Request("post", reverse("api-allocation-list"), ALLOCATION | {"county": w.county[site].code}),
        201,
        outside=400,
        effect=county_count(Allocation, "county"),
    ),
    api(
        "api:funds:allocations:reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request("post", reverse("api-allocation-reverse", args=[w.free_allocation[site].pk]), REVERSAL),
        201,
        effect=county_count(Allocation, "county"),
    ),
    api(
        "api:funds:arrangements:create",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post",
            reverse("api-arrangement-list"),
            {"allocation": w.allocation[site].pk, "project": w.project[site].pk, "amount": "10.00", "date": DATE},
        ),
        201,
        outside=400,
        effect=county_count(Arrangement, "allocation__county"),
    ),
    api(
        "api:funds:arrangements:reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("api-arrangement-reverse", args=[w.free_arrangement[site].pk]), REVERSAL
        ),
        201,
        effect=county_count(Arrangement, "allocation__county"),
    ),
    api(
        "api:funds:disbursements:create",
        "manage_county",
        "county_record",
        lambda w, site: Request(
            "post", reverse("api-disbursement-list"), PAYMENT | {"arrangement": w.arrangement[site].pk}
        ),
        201,
        outside=400,
        effect=county_count(Disbursement, "arrangement__allocation__county"),
    ),
    api(
        "api:funds:disbursements:reverse",
        "manage_county",
        "county_record",
        lambda w, site: Request("post", reverse("api-disbursement-reverse", args=[w.disbursement[site].pk]), REVERSAL),
        201,
        effect=county_count(Disbursement, "arrangement__allocation__county"),
    ),
    *_steps(api=True),
    # A body without the file: its validation error shows that the permission check has passed.
    api(
        "api:imports:create",
        "import_households",
        None,
        lambda w, site: Request("post_multipart", reverse("api-import-create"), INVALID),
        400,
    ),
    Endpoint(
        "api:imports:commit",
        "commit_import",
        "own_job",
        lambda w, site: Request("post", reverse("api-import-commit", args=[w.job[site].pk]), {"valid_only": False}),
        ok=202,
        refused=404,
        effect=lambda w, site: ImportJob.objects.get(pk=w.job[site].pk).state,
        api=True,
    ),
]

ENDPOINTS = PAGES + APIS


def site_of(endpoint: Endpoint, who: str, side: str) -> str:
    """The site of the record a cell acts on; for an import file, its author."""
    site = INSIDE[who] if side == "in" else OUTSIDE[who]
    if endpoint.kind == "own_job":
        return who if side == "in" and who in OWN_JOBS else JOB_AUTHOR[site]
    return site


def expected(endpoint: Endpoint, who: str, side: str) -> Outcome:
    may = ROLE[who] in MAY[endpoint.action]
    if endpoint.role_first and not may:
        return endpoint.outcome(endpoint.refused, False)
    if endpoint.kind is not None and not sees(who, endpoint.kind, site_of(endpoint, who, side)):
        return endpoint.outcome(endpoint.outside, False)
    if not may:
        return endpoint.outcome(endpoint.refused, False)
    return endpoint.outcome(endpoint.ok, True)


CELLS = [
    pytest.param(endpoint, who, side, id=f"{endpoint.name}-{who}-{side}")
    for endpoint in ENDPOINTS
    for who in USERS
    for side in (("in", "out") if endpoint.kind else ("in",))
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The records of every cell, built once; each test runs in a savepoint of this transaction."""
    with (
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media"))),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        w = build_world()
        # One login per user, in the outer transaction; a cell sets its user's session cookie.
        w.sessions = {}
        for who in USERS:
            login = Client()
            login.force_login(getattr(w.users, who))
            w.sessions[who] = login.cookies[settings.SESSION_COOKIE_NAME].value
        yield w
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def matrix_client():
    """One client for the module: each new one loads the middleware again, and WhiteNoise's scan of the
    static files alone then took four times as long as the request (measured)."""
    return Client()


def send(client, endpoint: Endpoint, request: Request):
    if not endpoint.api:
        return getattr(client, request.method)(request.path, request.data or {})
    if request.method == "post_multipart":
        return client.post(request.path, request.data)
    return getattr(client, request.method)(request.path, request.data, content_type="application/json")


@pytest.mark.parametrize(("endpoint", "who", "side"), CELLS)
def test_permission_matrix(world, db, matrix_client, endpoint, who, side):
    client = matrix_client
    site = site_of(endpoint, who, side)
    if endpoint.prepare:
        endpoint.prepare(world, site)
    before = endpoint.effect(world, site) if endpoint.effect else None
    client.cookies.clear()  # no messages left by the previous cell
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who]
    response = send(client, endpoint, endpoint.request(world, site))
    after = endpoint.effect(world, site) if endpoint.effect else None
    want, got = expected(endpoint, who, side), endpoint.outcome(response.status_code, before != after)
    assert got == want, f"got {got}, want {want}"
    if endpoint.chinese_refusal and want == Outcome(302, False):
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert texts and all(CJK.search(t) for t in texts), f"the refusal is not in Chinese: {texts}"


# ---------------------------------------------------------------------------------------------------
# §6.1 evidence through the service: whoever does not take the case's next step is refused, in Chinese.


@pytest.mark.parametrize(
    ("who", "table", "case_state"),
    [
        ("auditor", "exit_case", d.State.APPRAISED),
        ("city", "exit_case", d.State.APPRAISED),
        ("province", "exit_case", d.State.APPRAISED),
        ("admin", "exit_case", d.State.APPRAISED),
        ("helper", "exit_case", d.State.APPRAISED),
        ("township", "exit_case", d.State.APPRAISED),
        ("clerk_a", "exit_case", d.State.NOTICED),
        # The city and the province take these cases' next steps, and still add no evidence.
        ("city", "county_case", d.State.APPLIED),
        ("province", "county_case", d.State.CITY_REVIEWED),
        ("auditor", "county_case", d.State.APPLIED),
    ],
)
def test_attachment_add_refuses_whoever_does_not_take_the_next_step(world, db, who, table, case_state):
    Case.objects.filter(pk=getattr(world, table)["A"].pk).update(state=case_state)
    case = Case.objects.get(pk=getattr(world, table)["A"].pk)
    with pytest.raises(PermissionDenied) as refused:
        attachment_add(user=getattr(world.users, who), case=case, kind="other", upload=png())
    assert CJK.search(str(refused.value)), str(refused.value)
    assert not Attachment.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("who", "case_state"),
    [("clerk_a", d.State.APPRAISED), ("township", d.State.NOTICED), ("county", d.State.TOWNSHIP_APPROVED)],
)
def test_attachment_add_accepts_the_next_step_s_role(world, db, who, case_state):
    Case.objects.filter(pk=world.exit_case["A"].pk).update(state=case_state)
    case = Case.objects.get(pk=world.exit_case["A"].pk)
    attachment_add(user=getattr(world.users, who), case=case, kind="other", upload=png())
    assert Attachment.objects.filter(case=case, uploaded_by__username=who).count() == 1


# ---------------------------------------------------------------------------------------------------
# DELETE, and PUT or PATCH of posted ledger entries: no API route does them, for any role (§3.1, §11).

NOT_ROUTED = [
    ("delete", "api-household-detail", lambda w: w.household["A"].number),
    ("delete", "api-project-detail", lambda w: w.project["A"].pk),
    ("delete", "api-allocation-detail", lambda w: w.allocation["A"].pk),
    ("put", "api-allocation-detail", lambda w: w.allocation["A"].pk),
    ("patch", "api-arrangement-detail", lambda w: w.arrangement["A"].pk),
    ("delete", "api-arrangement-detail", lambda w: w.arrangement["A"].pk),
    ("patch", "api-disbursement-detail", lambda w: w.disbursement["A"].pk),
    ("delete", "api-disbursement-detail", lambda w: w.disbursement["A"].pk),
    ("delete", "api-assistance-record-detail", lambda w: 1),
    ("patch", "api-small-loan-detail", lambda w: 1),
    ("delete", "api-visit-detail", lambda w: 1),
    ("delete", "api-case", lambda w: w.exit_case["A"].pk),
    ("delete", "api-import-detail", lambda w: w.job["county"].pk),
]


@pytest.mark.parametrize(("method", "name", "arg"), NOT_ROUTED, ids=[f"{m}-{n}" for m, n, _a in NOT_ROUTED])
def test_the_api_deletes_nothing_and_never_edits_a_posted_entry(world, db, matrix_client, method, name, arg):
    matrix_client.cookies.clear()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["county"]  # who may write there
    response = getattr(matrix_client, method)(reverse(name, args=[arg(world)]), {}, content_type="application/json")
    assert response.status_code == 405

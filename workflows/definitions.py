"""Every workflow of §6 and §7 declared in one place: the states of each case type and the transitions
between them, each naming the roles that may take it and the level of their scope.

A transition is allowed when the user's role is listed, the user's scope is at the named level (the
county official of the case's county, not of the province) and contains the case's region (checked
in workflows.services with the selectors), and the case is in one of the transition's source states.
"""

import dataclasses
from collections.abc import Sequence

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts.models import Role, User
from villages.models import Level


class CaseType(models.TextChoices):
    HOUSEHOLD_EXIT = "household_exit", _("Household exit")
    IDENTIFICATION = "identification", _("New identification")
    RETURN = "return", _("Return to poverty")
    VILLAGE_EXIT = "village_exit", _("Village exit")
    COUNTY_EXIT = "county_exit", _("County exit")
    MONITORING = "monitoring", _("Monitoring")
    RISK_REMOVAL = "risk_removal", _("Risk removal")
    CLOSING = "closing", _("Household closing")


class State(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPRAISED = "appraised", _("Democratic appraisal held")
    VERIFIED = "verified", _("Verified")
    CONFIRMED = "confirmed", _("Confirmed by the household")
    VISITED = "visited", _("Visited")
    NOTICE = "notice", _("Public notice running")
    NOTICED = "noticed", _("Public notice closed")
    CITY_REVIEWED = "city_reviewed", _("Reviewed by the city")
    PROVINCE_VERIFIED = "province_verified", _("Verified by the province")
    TOWNSHIP_APPROVED = "township_approved", _("Approved by the township")
    APPROVED = "approved", pgettext_lazy("case state", "Approved")
    ANNOUNCED = "announced", _("Announced")
    MONITORED = "monitored", _("Monitored")
    REMOVED = "removed", _("Risk removed")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", pgettext_lazy("case state", "Household closed")
    SENT_BACK = "sent_back", _("Sent back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What a transition needs beyond role, scope and state (checked in services).
NEEDS_APPRAISAL = "appraisal"  # date, attendance, result
NEEDS_SIGNED_FORM = "signed_form"  # a signed-form attachment on the case
NEEDS_NOTICE_START = "notice_start"  # the date the notice was posted
NEEDS_NOTICE_CLOSED = "notice_closed"  # notice ran its days and no objection is open
NEEDS_SAMPLE = "sample"  # the county has a verification sample (§6.4)
NEEDS_CATEGORY = "category"  # the monitoring category (§7)
NEEDS_RISK_CLEARED = "risk_cleared"  # the four risk-removal conditions hold (§7, workflows.risk_removal)
# The household passes the exit test (§5.2) of the case's policy year, as of that year's policy date.
NEEDS_PASSING_CHECK = "passing_check"
# §3.1: the household may still be closed for the case's reason (households.closing), as of the step's day.
NEEDS_CLOSING_GROUNDS = "closing_grounds"

# What a transition does to other records.
SEAL_DOSSIER = "seal_dossier"
SET_STATUS = "set_status"  # the case type's target status via households.services

# §6.2 refusal of an identification: a written reason is required (NEEDS_REASON); it is kept on the case
# and the household becomes not_poor with the reason on its status event (REFUSE_IDENTIFICATION).
NEEDS_REASON = "reason"
REFUSE_IDENTIFICATION = "refuse_identification"
RECORD_REGION_EXIT = "record_region_exit"  # §6.3: the region's exit year (villages.flags.region_exit_record)


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise  # a lazy translation: rendered in the user's language
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    level: str
    needs: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    send_back: bool = False

    def allows_role(self, role: str, level: str | None) -> bool:
        return access.role_takes_step(role, level, roles=self.roles, level=self.level)

    def allows(self, user: User) -> bool:
        return access.may_take_step(user, roles=self.roles, level=self.level)


@dataclasses.dataclass(frozen=True)
class Workflow:
    case_type: str
    start: str
    opener_roles: tuple[str, ...]
    opener_level: str
    transitions: tuple[Transition, ...]
    final: tuple[str, ...]
    on_household: bool = True
    target_status: str = ""  # household status set by SET_STATUS

    def may_open(self, user: User) -> bool:
        return access.may_take_step(user, roles=self.opener_roles, level=self.opener_level)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def actions_for(self, user: User, state: str) -> list[Transition]:
        """The steps the user may take on a case in `state` (scope is checked by the caller)."""
        return [t for t in self.available(state) if t.allows(user)]

    def may_add_evidence(self, user: User, state: str) -> bool:
        """§6.1: evidence is added by whoever takes the case's next step (accounts.access)."""
        steps = [(t.roles, t.level) for t in self.available(state) if not t.send_back and t.target != State.REFUSED]
        return access.may_add_evidence(user, steps=steps)


V, T, C, CI, P = Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE
CLERK, TOWNSHIP, COUNTY = (Role.VILLAGE_CLERK,), (Role.TOWNSHIP_REVIEWER,), (Role.COUNTY_OFFICIAL,)
CITY, PROVINCE = (Role.CITY_OFFICIAL,), (Role.PROVINCE_STAFF,)


def _t(name, label, sources, target, roles, level, needs=(), effects=()) -> Transition:
    return Transition(name, label, tuple(sources), target, roles, level, tuple(needs), tuple(effects))


def _back(states: list[str], roles_levels: Sequence[tuple[tuple[str, ...], str]], resubmit_to: str, opener, level):
    """Send back to the opener with a reason from any open step (§6.1), and resubmit from there."""
    backs = tuple(
        Transition(f"send_back_{lvl}", _("Send back"), tuple(states), State.SENT_BACK, roles, lvl, send_back=True)
        for roles, lvl in roles_levels
    )
    return (
        *backs,
        _t("resubmit", _("Resubmit"), [State.SENT_BACK], resubmit_to, opener, level),
        _t("withdraw", _("Withdraw"), [State.SENT_BACK], State.WITHDRAWN, opener, level),
    )


def _notice(after: str, roles, level) -> tuple[Transition, Transition]:
    """Post the public notice after `after`, close it when its days are over (§6.1–§6.3)."""
    return (
        _t("start_notice", _("Post the public notice"), [after], State.NOTICE, roles, level, [NEEDS_NOTICE_START]),
        _t(
            "close_notice",
            _("Close the public notice"),
            [State.NOTICE],
            State.NOTICED,
            roles,
            level,
            [NEEDS_NOTICE_CLOSED],
        ),
    )


def _village_chain(first: str, final_state: str, *, final_name: str, final_label) -> tuple[Transition, ...]:
    """notice → township review → county approval → final step, shared by §6.2 and §7."""
    return (
        *_notice(first, CLERK, V),
        _t("township_approve", _("Approve (township)"), [State.NOTICED], State.TOWNSHIP_APPROVED, TOWNSHIP, T),
        _t("county_approve", _("Approve (county)"), [State.TOWNSHIP_APPROVED], State.APPROVED, COUNTY, C),
        _t(final_name, final_label, [State.APPROVED], final_state, COUNTY, C, effects=[SET_STATUS]),
    )


_HOUSEHOLD_REVIEWERS = [(TOWNSHIP, T), (COUNTY, C)]

# §6.1: appraisal (opening the case) → verification → confirmation → notice → township → county → announcement.
# County approval and announcement need the household to pass the exit test of the case's policy year.
HOUSEHOLD_EXIT = Workflow(
    case_type=CaseType.HOUSEHOLD_EXIT,
    start=State.APPRAISED,
    opener_roles=CLERK,
    opener_level=V,
    target_status="exited",
    final=(State.ANNOUNCED, State.WITHDRAWN),
    transitions=(
        _t("verify", _("Record the verification visit"), [State.APPRAISED], State.VERIFIED, CLERK, V),
        _t(
            "confirm",
            _("Record the head's confirmation"),
            [State.VERIFIED],
            State.CONFIRMED,
            CLERK,
            V,
            [NEEDS_SIGNED_FORM],
        ),
        *_notice(State.CONFIRMED, CLERK, V),
        _t("township_approve", _("Approve (township)"), [State.NOTICED], State.TOWNSHIP_APPROVED, TOWNSHIP, T),
        _t(
            "county_approve",
            _("Approve (county)"),
            [State.TOWNSHIP_APPROVED],
            State.APPROVED,
            COUNTY,
            C,
            [NEEDS_PASSING_CHECK],
            effects=[SEAL_DOSSIER],
        ),
        _t(
            "announce",
            _("Announce the exit"),
            [State.APPROVED],
            State.ANNOUNCED,
            COUNTY,
            C,
            [NEEDS_PASSING_CHECK],
            effects=[SET_STATUS],
        ),
        *_back(
            [State.APPRAISED, State.VERIFIED, State.CONFIRMED, State.NOTICE, State.NOTICED, State.TOWNSHIP_APPROVED],
            _HOUSEHOLD_REVIEWERS,
            State.APPRAISED,
            CLERK,
            V,
        ),
    ),
)


# §6.2: the township refuses an identification before its approval, the county after it (with a reason).
_BEFORE_TOWNSHIP = [State.APPLIED, State.APPRAISED, State.NOTICE, State.NOTICED]
_IDENTIFICATION_REFUSALS = (
    _t(
        "refuse_township",
        _("Refuse the identification"),
        _BEFORE_TOWNSHIP,
        State.REFUSED,
        TOWNSHIP,
        T,
        [NEEDS_REASON],
        [REFUSE_IDENTIFICATION],
    ),
    _t(
        "refuse_county",
        _("Refuse the identification"),
        [State.TOWNSHIP_APPROVED, State.APPROVED],
        State.REFUSED,
        COUNTY,
        C,
        [NEEDS_REASON],
        [REFUSE_IDENTIFICATION],
    ),
)


def _identification_like(case_type: str, target_status: str, refusals: tuple[Transition, ...] = ()) -> Workflow:
    """§6.2: application → appraisal → notice → township → county → announcement → registered/returned."""
    return Workflow(
        case_type=case_type,
        start=State.APPLIED,
        opener_roles=CLERK,
        opener_level=V,
        target_status=target_status,
        final=(State.ANNOUNCED, State.WITHDRAWN, *((State.REFUSED,) if refusals else ())),
        transitions=(
            _t(
                "appraise",
                _("Record the democratic appraisal"),
                [State.APPLIED],
                State.APPRAISED,
                CLERK,
                V,
                [NEEDS_APPRAISAL],
            ),
            *_village_chain(State.APPRAISED, State.ANNOUNCED, final_name="announce", final_label=_("Announce")),
            *_back(
                [State.APPLIED, State.APPRAISED, State.NOTICE, State.NOTICED, State.TOWNSHIP_APPROVED],
                _HOUSEHOLD_REVIEWERS,
                State.APPLIED,
                CLERK,
                V,
            ),
            *refusals,
        ),
    )


IDENTIFICATION = _identification_like(CaseType.IDENTIFICATION, "poor", _IDENTIFICATION_REFUSALS)
RETURN = _identification_like(CaseType.RETURN, "returned")


def _monitoring_like(case_type: str, start: str, final_state: str) -> Workflow:
    """§7: visit → appraisal and notice → township → county → monitored (or risk removed)."""
    return Workflow(
        case_type=case_type,
        start=start,
        opener_roles=CLERK,
        opener_level=V,
        final=(final_state, State.WITHDRAWN),
        transitions=(
            _t("visit", _("Record the visit"), [start], State.VISITED, CLERK, V),
            _t(
                "start_notice",
                _("Record the appraisal and post the notice"),
                [State.VISITED],
                State.NOTICE,
                CLERK,
                V,
                [NEEDS_APPRAISAL, NEEDS_NOTICE_START],
            ),
            _t(
                "close_notice",
                _("Close the public notice"),
                [State.NOTICE],
                State.NOTICED,
                CLERK,
                V,
                [NEEDS_NOTICE_CLOSED],
            ),
            _t("township_approve", _("Approve (township)"), [State.NOTICED], State.TOWNSHIP_APPROVED, TOWNSHIP, T),
            _t(
                "county_approve",
                _("Approve (county)"),
                [State.TOWNSHIP_APPROVED],
                final_state,
                COUNTY,
                C,
                [NEEDS_CATEGORY] if final_state == State.MONITORED else [NEEDS_RISK_CLEARED],
            ),
            *_back(
                [start, State.VISITED, State.NOTICE, State.NOTICED, State.TOWNSHIP_APPROVED],
                _HOUSEHOLD_REVIEWERS,
                start,
                CLERK,
                V,
            ),
        ),
    )


MONITORING = _monitoring_like(CaseType.MONITORING, State.CONFIRMED, State.MONITORED)
RISK_REMOVAL = _monitoring_like(CaseType.RISK_REMOVAL, State.APPLIED, State.REMOVED)

# §6.3 village: proposed by the township → notice within the township → county approval → announcement.
VILLAGE_EXIT = Workflow(
    case_type=CaseType.VILLAGE_EXIT,
    start=State.APPLIED,
    opener_roles=TOWNSHIP,
    opener_level=T,
    on_household=False,
    final=(State.ANNOUNCED, State.WITHDRAWN),
    transitions=(
        *_notice(State.APPLIED, TOWNSHIP, T),
        _t("county_approve", _("Approve (county)"), [State.NOTICED], State.APPROVED, COUNTY, C),
        _t(
            "announce",
            _("Announce the exit"),
            [State.APPROVED],
            State.ANNOUNCED,
            COUNTY,
            C,
            effects=[RECORD_REGION_EXIT],
        ),
        *_back([State.APPLIED, State.NOTICE, State.NOTICED], [(COUNTY, C)], State.APPLIED, TOWNSHIP, T),
    ),
)

# §6.3 county: application → city review → provincial verification (§6.4) → notice → province approval → announcement.
COUNTY_EXIT = Workflow(
    case_type=CaseType.COUNTY_EXIT,
    start=State.APPLIED,
    opener_roles=COUNTY,
    opener_level=C,
    on_household=False,
    final=(State.ANNOUNCED, State.WITHDRAWN),
    transitions=(
        _t("city_review", _("Review (city)"), [State.APPLIED], State.CITY_REVIEWED, CITY, CI),
        _t(
            "province_verify",
            _("Record the provincial verification"),
            [State.CITY_REVIEWED],
            State.PROVINCE_VERIFIED,
            PROVINCE,
            P,
            [NEEDS_SAMPLE],
        ),
        *_notice(State.PROVINCE_VERIFIED, PROVINCE, P),
        _t("province_approve", _("Approve (province)"), [State.NOTICED], State.APPROVED, PROVINCE, P),
        _t(
            "announce",
            _("Announce the exit"),
            [State.APPROVED],
            State.ANNOUNCED,
            PROVINCE,
            P,
            effects=[RECORD_REGION_EXIT],
        ),
        *_back(
            [State.APPLIED, State.CITY_REVIEWED, State.PROVINCE_VERIFIED, State.NOTICE, State.NOTICED],
            [(CITY, CI), (PROVINCE, P)],
            State.APPLIED,
            COUNTY,
            C,
        ),
    ),
)

# §3.1 销户 (issue 14, docs/lifecycle-closing.md): the village clerk opens it with the reason and a
# justification, the township approves, the county approves and the household is closed (kept, never
# deleted). The household's grounds are checked at opening and again at county approval.
CLOSING = Workflow(
    case_type=CaseType.CLOSING,
    start=State.APPLIED,
    opener_roles=access.CLOSING_PROPOSERS,
    opener_level=V,
    target_status="closed",
    final=(State.CLOSED, State.WITHDRAWN),
    transitions=(
        _t("township_approve", _("Approve (township)"), [State.APPLIED], State.TOWNSHIP_APPROVED, TOWNSHIP, T),
        _t(
            "county_approve",
            _("Approve and close the household (county)"),
            [State.TOWNSHIP_APPROVED],
            State.CLOSED,
            COUNTY,
            C,
            [NEEDS_CLOSING_GROUNDS],
            effects=[SET_STATUS],
        ),
        *_back([State.APPLIED, State.TOWNSHIP_APPROVED], _HOUSEHOLD_REVIEWERS, State.APPLIED, CLERK, V),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    w.case_type: w
    for w in (HOUSEHOLD_EXIT, IDENTIFICATION, RETURN, VILLAGE_EXIT, COUNTY_EXIT, MONITORING, RISK_REMOVAL, CLOSING)
}

# Notice lengths: the §6.1 parameter for exits and identification, the §7 one for monitoring.
MONITORING_TYPES = (CaseType.MONITORING, CaseType.RISK_REMOVAL)


def waiting_pairs(role: str, level: str | None) -> list[tuple[str, str]]:
    """(case type, state) pairs in which a user of this role and scope level has a forward step to take."""
    pairs = []
    for wf in WORKFLOWS.values():
        for t in wf.transitions:
            # A refusal (§6.2) is open to the reviewer at every step before theirs, never what a case waits for.
            if t.allows_role(role, level) and t.name != "withdraw" and not t.send_back and t.target != State.REFUSED:
                pairs += [(wf.case_type, s) for s in t.sources]
    return sorted(set(pairs))

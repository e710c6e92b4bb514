"""The data-quality findings of one household (§8.2: "nightly and on save"), for a page or a save that
wants them now rather than tomorrow morning.

There is no second copy of the checks here: the statements are those of the nightly run
(quality_sql.finding_selects and the DQ02 pass quality.dq02_findings), restricted to the household
and read instead of written, so the findings are the ones the next night will write for the
household as stored, DQ01 and DQ11 (which look at the rest of the province) included. Nothing is
written."""

import dataclasses
import datetime as dt

from households.models import Household, Member
from villages.working_year import current_policy_date

from . import quality as q
from .common import select_findings
from .quality_sql import finding_selects


@dataclasses.dataclass(frozen=True)
class Finding:
    code: str
    kind: str
    severity: str
    member: Member | None = None
    detail: dict = dataclasses.field(default_factory=dict)


def quality_check_household(household: Household, *, as_of: dt.date | None = None) -> list[Finding]:
    """The data-quality findings of one saved household and its members as of a date (by default the
    working year's policy date, as the nightly run: the income checks read the working year's record),
    in the order code, kind, member (§8.2)."""
    as_of = as_of or current_policy_date()[1]
    county_id, only = household.county_id, [household.pk]
    selects = finding_selects(as_of=as_of, county_id=county_id, run_id=None, household_ids=only)
    rows = [row for select in selects for row in select_findings(select)]
    rows += [
        {"code": x.code, "kind": x.kind, "severity": x.severity, "member_id": x.member_id, "detail": x.detail}
        for x in q.dq02_findings(as_of, county_id, run_id=None, household_ids=only)
    ]
    members = Member.objects.in_bulk([row["member_id"] for row in rows if row["member_id"] is not None])
    findings = [
        Finding(
            code=str(row["code"]),
            kind=row["kind"],
            severity=str(row["severity"]),
            member=members.get(row["member_id"]),
            detail=row["detail"],
        )
        for row in rows
    ]
    return sorted(findings, key=lambda x: (x.code, x.kind, x.member.pk if x.member else 0))

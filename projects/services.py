"""Writes of the project library (§10): saving a project and moving it through its statuses."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from accounts.services import audit_record
from households.models import Household
from povertymgmt.errors import invalid
from villages.models import Level, Region

from .choices import ALLOWED_TRANSITIONS, NOTICE_ON
from .models import PerformanceTarget, Project, ProjectBudget, ProjectStatusChange, PublicNotice


def project_require_manager(user: User, county: Region) -> None:
    if not access.may_manage_county(user, county):
        raise PermissionDenied(_("Only county officials of this county can change its projects and funds."))


@transaction.atomic
def project_save(
    *,
    user: User,
    project: Project,
    villages: Iterable[Region] = (),
    budgets: dict[str, Decimal] | None = None,
    beneficiaries: Iterable[Household] = (),
    targets: Iterable[PerformanceTarget] | None = None,
) -> Project:
    """Create or edit a project of the user's county with its budget lines, villages and beneficiaries (§10)."""
    project_require_manager(user, project.county)
    villages = list(villages)
    beneficiaries = list(beneficiaries)
    outside = [v for v in villages if v.level != Level.VILLAGE or not access.in_subtree(project.county, v)]
    if outside:
        raise invalid("villages", _("Every village must lie in the project's county."))
    if any(h.county_id != project.county_id for h in beneficiaries):
        raise invalid("beneficiary_households", _("Beneficiary households must live in the project's county."))
    if project.pk is None:
        project.created_by = user
    project.full_clean(exclude=["villages", "beneficiary_households"])
    project.save()
    project.villages.set(villages)
    project.beneficiary_households.set(beneficiaries)
    if budgets is not None:
        if any(a is not None and a < 0 for a in budgets.values()):
            raise invalid("budgets", _("A budget amount cannot be negative."))
        project.budgets.all().delete()
        ProjectBudget.objects.bulk_create(
            [ProjectBudget(project=project, source=s, amount=a) for s, a in budgets.items() if a]
        )
    if targets is not None:
        for t in targets:
            t.project = project
        project.targets.all().delete()
        PerformanceTarget.objects.bulk_create(list(targets))
    return project  # the save is audited by accounts.audit (projects/apps.py)


@transaction.atomic
def project_transition(
    *, user: User, project: Project, to_status: str, reason: str, on: dt.date | None = None
) -> ProjectStatusChange:
    """Move a project along 储备 → 批复 → 实施中 → 竣工 → 验收 (or 终止), recording who, when and why; approval
    and completion publish a public notice (§10, §12)."""
    project_require_manager(user, project.county)
    # Lock the row: two officials clicking at once must not both move it.
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if to_status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
        raise invalid("to_status", _("This status change is not allowed."), "transition")
    if not (reason or "").strip():
        raise invalid("reason", _("Give the reason for this status change."), "required")
    change = ProjectStatusChange.objects.create(
        project=locked, from_status=locked.status, to_status=to_status, by=user, reason=reason.strip()
    )
    Project.objects.filter(pk=locked.pk).update(status=to_status)
    project.status = to_status
    if to_status in NOTICE_ON:
        PublicNotice.objects.create(
            project=locked, kind=NOTICE_ON[to_status], published_on=on or timezone.localdate(), change=change
        )
    audit_record(
        user=user,
        action="change",
        object_type="project",
        object_id=project.pk,
        status=[change.from_status, to_status],
        reason=change.reason,
    )
    return change

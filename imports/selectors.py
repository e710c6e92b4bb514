"""Scoped reads of import jobs and rosters (§1): visible to their author and to users whose scope
contains the scope they were made in; anything else is a 404. A roster of a health fact is hidden from a
role that may not view health data (§9)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import access
from accounts.access import scope_of
from accounts.models import User

from .models import ImportIssue, ImportJob, Roster, RosterField


def _visible(user: User) -> Q | None:
    scope = scope_of(user)
    if scope is None:
        return None
    if access.is_helper(user):
        return Q(created_by=user)
    return Q(created_by=user) | access.region_q(scope, "scope")


def import_job_list_for(user: User) -> QuerySet[ImportJob]:
    q = _visible(user)
    return ImportJob.objects.none() if q is None else ImportJob.objects.filter(q).select_related("created_by")


def import_job_get_for(user: User, pk: int) -> ImportJob:
    try:
        return import_job_list_for(user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def import_issues(job: ImportJob) -> QuerySet[ImportIssue]:
    return job.issues.order_by("sheet", "row", "id")


def roster_list_for(user: User) -> QuerySet[Roster]:
    q = _visible(user)
    if q is None:
        return Roster.objects.none()
    hidden = [field for field in RosterField.values if not access.may_use_roster_field(user, field)]
    return Roster.objects.filter(q).exclude(field__in=hidden).defer("entries")


def roster_get_for(user: User, pk: int) -> Roster:
    try:
        return Roster.objects.filter(pk__in=roster_list_for(user).values("pk")).get(pk=pk)
    except Roster.DoesNotExist:
        raise Http404 from None

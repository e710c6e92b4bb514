"""Who may see and do what (§1, §9): the one module every selector, service, view, API, admin class and
template asks. Nothing else builds a region-code filter or compares roles.

Reading: a user sees the subtree of their scope region (default deny: no scope, no rows); a helper sees
only the households paired to them on the day. Writing: each `may_*` predicate below names who may do
one thing, and where. Higher apps pass in what this module cannot know (a workflow step's roles, a
county's region), so the rules stay here while the apps stay layered (docs/architecture.md).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from villages.models import PREFIX_LENGTH, Level, Region
from villages.selectors import ancestors, read_parents

from .models import AuditLog, Role, User

# Roles that change household records in their scope (§1). Helpers visit and record assistance only.
HOUSEHOLD_EDITORS = frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_OFFICIAL})
# Roles that record a household's assistance and visits (§1, §4): the editors and the helpers.
ASSISTANCE_RECORDERS = HOUSEHOLD_EDITORS | {Role.HELPER}
# Roles that pair the households of their scope with helpers and end pairings (§1, issue 14).
PAIRERS = frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_OFFICIAL})
# Roles that read everything in their scope and change nothing but their own workflow steps.
READ_ONLY_ROLES = frozenset({Role.CITY_OFFICIAL, Role.PROVINCE_STAFF, Role.AUDITOR, Role.ADMIN})
# Roles that read the province's run list (§5.6).
PROVINCE_READERS = frozenset({Role.PROVINCE_STAFF, Role.AUDITOR, Role.ADMIN})
AUDIT_READERS = frozenset({Role.AUDITOR, Role.ADMIN})
# Roles that register households, by hand or by import (§6.2, §13).
REGISTRARS = frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_OFFICIAL})
ALERT_DISMISSERS = (Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER)
# Member fields that are health facts (§3.2, §9): illness, disability and its category, grade and
# certificate. Insurance (resident medical, critical-illness 大病保险) says who is insured, not who is ill.
HEALTH_MEMBER_FIELDS = frozenset(
    {
        "has_chronic_disease",
        "has_serious_illness",
        "is_disabled",
        "disability_category",
        "disability_grade",
        "disability_certificate",
    }
)


# ---------------------------------------------------------------------------------------------------
# Scope (§1)


def scope_of(user: User) -> Region | None:
    """The region a user sees; None means nothing (default deny)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return user.scope


def user_level(user: User) -> str | None:
    """The level of the user's scope region (a workflow step names the level that takes it)."""
    scope = scope_of(user)
    return scope.level if scope is not None else None


def is_helper(user: User) -> bool:
    return user.role == Role.HELPER


def region_q(region: Region, via: str = "", *, county: str = "") -> Q:
    """The rows whose region lies in `region`'s subtree: the one level switch of the code.

    `via` is the path from the row to its region ("" when the rows are regions). When the row's region is
    always a village and the row also carries its county (households, findings, alerts), pass `county=`
    the path to it: the filter then uses the indexed ids instead of a code prefix (measured in
    docs/performance.md: an id equality is an index lookup, a prefix a range scan over the join)."""
    if not county:
        return Q(**{f"{via}__code__startswith" if via else "code__startswith": region.prefix})
    level = region.level
    if level == Level.VILLAGE:
        return Q(**{f"{via}_id": region.pk})
    if level == Level.TOWNSHIP:
        return Q(**{f"{via}__parent_id": region.pk})
    if level == Level.COUNTY:
        return Q(**{f"{county}_id": region.pk})
    if level == Level.CITY:
        return Q(**{f"{county}__parent_id": region.pk})
    return Q(**{f"{county}__code__startswith": region.prefix})


def in_region(qs: QuerySet, region: Region | None, via: str = "", *, county: str = "") -> QuerySet:
    """`qs` limited to a region's subtree (no limit when region is None)."""
    return qs if region is None else qs.filter(region_q(region, via, county=county))


def pairing_active_q(day: dt.date, path: str = "") -> Q:
    """Pairings of a helper with a household that hold on `day` (§3): started, not yet ended."""
    p = f"{path}__" if path else ""
    return Q(**{f"{p}start__lte": day}) & (Q(**{f"{p}end__isnull": True}) | Q(**{f"{p}end__gte": day}))


def household_q(user: User, via: str = "", *, day: dt.date | None = None) -> Q | None:
    """The households (through `via`, the path from the row to its household) the user sees; None means
    nothing. A helper sees the households paired to them on the day, inside their scope."""
    scope = scope_of(user)
    if scope is None:
        return None
    p = f"{via}__" if via else ""
    if is_helper(user):
        day = day or timezone.localdate()
        return (
            Q(**{f"{p}pairings__helper__user": user})
            & pairing_active_q(day, f"{p}pairings")
            & region_q(scope, f"{p}village", county=f"{p}county")
        )
    return region_q(scope, f"{p}village", county=f"{p}county")


def scoped(qs: QuerySet, user: User, via: str = "", *, county: str = "") -> QuerySet:
    """`qs` limited to the user's scope through `via` (a region path, as in region_q). Helpers see no
    region-level records: their scope is their households."""
    scope = scope_of(user)
    if scope is None or is_helper(user):
        return qs.none()
    return qs.filter(region_q(scope, via, county=county))


def regions_for(user: User) -> QuerySet[Region]:
    """Every region inside the user's scope (a helper sees the tree of their scope too, for navigation)."""
    scope = scope_of(user)
    if scope is None:
        return Region.objects.none()
    return Region.objects.filter(region_q(scope))


def region_for(user: User, code: str) -> Region:
    """One region of the user's scope by its code, or 404; with its parent and grandparent, which the
    breadcrumb walks (a village's township and county: no query of its own for the users below a city)."""
    try:
        return regions_for(user).select_related("parent__parent").get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def in_subtree(outer: Region, inner: Region) -> bool:
    """Whether `inner` is `outer` or lies below it in the region tree (§2)."""
    return code_in(outer, inner.code)


def code_in(region: Region, code: str) -> bool:
    """Whether a region code (a string read from a file or an aggregate) lies in a region's subtree."""
    return code.startswith(region.prefix)


def in_scope(user: User, region: Region) -> bool:
    scope = scope_of(user)
    return scope is not None and in_subtree(scope, region)


def visible_ancestors(user: User, region: Region) -> list[Region]:
    """The breadcrumb from the user's scope down to the region: the region's parents read with it when
    they reach the scope (a household page's village, township and county), else one query."""
    scope = scope_of(user)
    if scope is None:
        return []
    chain = read_parents(region)
    for i, r in enumerate(chain):
        if r.pk == scope.pk:
            return chain[i::-1]
    return [r for r in ancestors(region) if in_subtree(scope, r)]


def helper_q(user: User, via: str = "county") -> Q | None:
    """The helpers (帮扶责任人; `via`: the path from the row to the helper's county) a user sees (§1): those
    of the counties in their scope, and for a township or village scope those of its county, whom they
    pair their households with. None means nothing: a helper's scope is their paired households."""
    scope = scope_of(user)
    if scope is None or is_helper(user):
        return None
    if scope.level in (Level.TOWNSHIP, Level.VILLAGE):
        county_code = scope.code[: PREFIX_LENGTH[Level.COUNTY]].ljust(len(scope.code), "0")
        return Q(**{f"{via}__code": county_code})
    return county_in_region_q(scope, via)


def county_in_region_q(region: Region, via: str) -> Q:
    """The rows whose county — a county-level region at `via`, as a helper's (households.helpers.services
    refuses any other) — lies in `region`, a province, city or county: by the county's id or its city's,
    which are index look-ups; a code prefix joined every helper to its region (a county's helper count:
    37 ms at 186,000 helpers, 1 ms by id)."""
    if region.level == Level.COUNTY:
        return Q(**{via: region.pk})
    if region.level == Level.CITY:
        return Q(**{f"{via}__parent": region.pk})
    return region_q(region, via)


# ---------------------------------------------------------------------------------------------------
# What a user may do (§1, §9)


def may_view_sensitive(user: User) -> bool:
    """§9: ID numbers, phones, bank accounts and health details unmasked (SENSITIVE_ROLES)."""
    return bool(user.is_authenticated and user.role in settings.SENSITIVE_ROLES)


def may_view_health(user: User) -> bool:
    """§9: health and disability facts (illness, disability, its category, grade and certificate, and what
    is derived from them) are sensitive: a masked role sees neither the values nor a page, filter or
    finding that would reveal them."""
    return may_view_sensitive(user)


# Levels whose count of households with a health fact points to nobody: a county has thousands.
HEALTH_COUNT_LEVELS = frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY})


def may_view_health_counts(user: User, region: Region) -> bool:
    """§9: counts of a health fact by region (households poor because of illness or disability, §12
    dashboard). A role that may view health data sees them for every region; any other role only for a
    county or above. A township or a village has few households, where a count can point to one, and a
    helper's counts are of their few paired households at any level (docs/reports.md)."""
    if may_view_health(user):
        return True
    return not is_helper(user) and region.level in HEALTH_COUNT_LEVELS


def may_view_birth_date(user: User) -> bool:
    """§9: the birth date with the county and the masked ID number (first four, last four) rebuilds the
    whole ID number, so a masked role sees the age in years instead."""
    return may_view_sensitive(user)


def may_view_sensitive_in_admin(user: User) -> bool:
    """The Django admin also unmasks for superusers: they maintain the raw records."""
    return bool(user.is_superuser or may_view_sensitive(user))


def may_edit_households(user: User) -> bool:
    """§1: clerks, township reviewers and county officials change household records in scope. Helpers
    visit and record assistance (may_record_assistance), they do not change the household."""
    return scope_of(user) is not None and user.role in HOUSEHOLD_EDITORS


def may_register_households(user: User) -> bool:
    """§1, §6.2: clerks, township reviewers and county officials register new households in their scope.
    A helper's scope is their paired households, and a new household is nobody's yet."""
    return scope_of(user) is not None and user.role in REGISTRARS


def may_read_audit_log(user: User) -> bool:
    """§9: auditors and administrators read the audit log (its page, its export, its admin); nobody edits it."""
    return user.is_authenticated and (user.is_superuser or user.role in AUDIT_READERS)


def audit_log_for(user: User) -> QuerySet[AuditLog]:
    """The audit entries a reader sees (§1, §9): those placed in the subtree of their scope. Entries placed
    nowhere (policy parameters, users, logins, working years) are read only at the root of the tree — a
    reader whose scope is the province — and by superusers, who see every entry (docs/audit.md)."""
    if not may_read_audit_log(user):
        return AuditLog.objects.none()
    if user.is_superuser:
        return AuditLog.objects.all()
    scope = scope_of(user)
    if scope is None:
        return AuditLog.objects.none()
    if scope.parent_id is None:
        return AuditLog.objects.filter(region_q(scope, "region") | Q(region__isnull=True))
    return AuditLog.objects.filter(region_q(scope, "region"))


def may_use_admin(user: User) -> bool:
    """The Django admin: active staff users only; what they see is their scope."""
    return bool(user.is_active and user.is_staff)


def may_write_in_admin(user: User) -> bool:
    """Auditors change nothing, in the admin as anywhere (§9)."""
    return may_use_admin(user) and user.role != Role.AUDITOR


def may_manage_users(user: User) -> bool:
    """§1: only administrators manage users, their roles and scopes."""
    return bool(user.is_superuser or user.role == Role.ADMIN)


def may_revoke_token(user: User, owner: User) -> bool:
    """§9: an API token is revoked by its owner or by an administrator (who also lists every token)."""
    return bool(user.is_authenticated and user.is_active and (user.pk == owner.pk or may_manage_users(user)))


def users_for(user: User) -> QuerySet[User]:
    """The users an admin user sees: all for administrators, else those scoped inside their scope."""
    if not may_use_admin(user):
        return User.objects.none()
    if may_manage_users(user):
        return User.objects.all()
    scope = scope_of(user)
    if scope is None:
        return User.objects.none()
    return User.objects.filter(region_q(scope, "scope"))


def may_record_region_figures(user: User, region: Region) -> bool:
    """§2: county officials record the yearly figures of their county, its townships and villages."""
    return (
        user.role == Role.COUNTY_OFFICIAL
        and in_scope(user, region)
        and region.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
    )


def may_edit_region_flags(user: User, region: Region) -> bool:
    """§2 (issue 14): a year's poverty-village, deep-poverty and border flags of a village are set by the
    county office of its county or by province staff; a county's poverty-county kind and deep-poverty flag
    only by province staff (a county does not classify itself)."""
    if not in_scope(user, region):
        return False
    if user.role == Role.PROVINCE_STAFF:
        return region.level in (Level.VILLAGE, Level.COUNTY)
    return user.role == Role.COUNTY_OFFICIAL and region.level == Level.VILLAGE


def may_manage_county(user: User, county: Region) -> bool:
    """§10, §11: county officials run their county's project library and fund ledger; others read."""
    return user.role == Role.COUNTY_OFFICIAL and county.level == Level.COUNTY and in_scope(user, county)


def may_set_targets(user: User, region: Region) -> bool:
    """§2, §12: province staff set the yearly targets of the regions in their scope (which levels have
    targets is a rule of the targets, in reports.services)."""
    return user.role == Role.PROVINCE_STAFF and in_scope(user, region)


def may_edit_parameters(user: User) -> bool:
    """§5.1: province staff set the policy parameters; everyone signed in reads them."""
    return user.role == Role.PROVINCE_STAFF


def may_view_runs(user: User) -> bool:
    """§5.6: the province's run list and its failures (province staff, auditors, the administrator)."""
    return user.role in PROVINCE_READERS


def may_read_county_reports(user: User) -> bool:
    """§11, §12: county-level reports (the fund reports) for users whose scope holds whole counties."""
    return user_level(user) in (Level.PROVINCE, Level.CITY, Level.COUNTY)


def may_start_run(user: User) -> bool:
    """§5.6: province staff start a recompute on demand."""
    return user.role == Role.PROVINCE_STAFF


def may_run_simulations(user: User) -> bool:
    """Issue 17: province staff create and run policy scenarios (what if the line or a threshold were
    different); a scenario never changes a live result or a parameter version."""
    return user.is_authenticated and user.role == Role.PROVINCE_STAFF


def may_view_simulations(user: User) -> bool:
    """Issue 17: province staff and the administrator read the scenarios; their lists are scoped."""
    return user.is_authenticated and (user.is_superuser or user.role in (Role.PROVINCE_STAFF, Role.ADMIN))


def may_delete_simulation(user: User, author_id: int | None) -> bool:
    """Issue 17 item 5: a scenario is deleted only by its author or the administrator."""
    return may_view_simulations(user) and (user.pk == author_id or may_manage_users(user))


def may_view_working_year(user: User) -> bool:
    """§5.2, §5.6: the working year's page with its history, beside the runs (province staff, auditors,
    the administrator). Every "current" page says which year it shows, for everyone."""
    return user.role in PROVINCE_READERS


def may_open_working_year(user: User) -> bool:
    """§5.2: opening the next working year (年度切换) is an act of province staff scoped to the province."""
    return user.role == Role.PROVINCE_STAFF and user_level(user) == Level.PROVINCE


def may_draw_samples(user: User) -> bool:
    """§6.4: province staff draw and record the verification samples."""
    return user.role == Role.PROVINCE_STAFF


def may_import(user: User) -> bool:
    """§13: clerks, township reviewers and county officials import households into their scope."""
    return may_register_households(user)


def may_import_as_identified(user: User) -> bool:
    """§6.2, §13 (issue 14): the migration of a county's existing registry imports its households as
    already identified (poor), without the identification chain: province staff only. Everybody else's
    import registers applicants (docs/lifecycle-applicants.md)."""
    return user.role == Role.PROVINCE_STAFF and user_level(user) == Level.PROVINCE


def may_import_households(user: User) -> bool:
    """§13: the household import (upload, check, commit): the importers, and province staff migrating a
    registry (may_import_as_identified). Department rosters stay with the importers (may_import)."""
    return may_import(user) or may_import_as_identified(user)


def may_use_roster_field(user: User, field: str) -> bool:
    """§9, §13: a department roster of a health fact (the disabled persons' federation's roster sets
    is_disabled and the certificate) is uploaded, listed, shown and applied only for a role that may view
    health data: its matches, before and after values and gaps all say who is disabled."""
    return field not in HEALTH_MEMBER_FIELDS or may_view_health(user)


def may_apply_roster(user: User, roster_scope: Region) -> bool:
    """§1, §13: a roster is applied by an importer whose scope holds the scope it was read in (its
    author's at upload): the application then matches the very members its preview listed."""
    return may_import(user) and in_scope(user, roster_scope)


def may_dismiss_alert(user: User) -> bool:
    """§7: the village clerk and the township reviewer dismiss an alert after a visit."""
    return user.role in ALERT_DISMISSERS


def may_record_assistance(user: User) -> bool:
    """§1, §4: whoever edits a household in scope, and the helpers of their paired households, record its
    assistance and visits."""
    return user.role in ASSISTANCE_RECORDERS


def may_manage_helpers(user: User, region: Region) -> bool:
    """§1, issue 14: the county office keeps its county's helpers (帮扶责任人; region: the helper's county)
    and its villages' first secretaries and work teams (region: the village)."""
    return (
        user.role == Role.COUNTY_OFFICIAL and region.level in (Level.COUNTY, Level.VILLAGE) and in_scope(user, region)
    )


def helper_accounts(county: Region) -> QuerySet[User]:
    """The active accounts of role helper scoped inside a county: those its helper records may be linked
    to, so that each helper signs in to see their paired households (§1)."""
    return User.objects.filter(region_q(county, "scope"), role=Role.HELPER, is_active=True)


def may_pair_households(user: User) -> bool:
    """§1, issue 14: village clerks, township reviewers and county officials pair the households of their
    scope with a helper of the household's county and end pairings (which households: the selector)."""
    return scope_of(user) is not None and user.role in PAIRERS


# §3.1: who opens a household's closing case (销户); workflows.definitions.CLOSING names them as its openers.
CLOSING_PROPOSERS = (Role.VILLAGE_CLERK,)


def may_propose_closing(user: User) -> bool:
    """§3.1 (issue 14): the village clerk proposes closing a household of their village (销户): opens its
    closing case and records the departure of its last member, which goes only with that case."""
    return may_take_step(user, roles=CLOSING_PROPOSERS, level=Level.VILLAGE)


def may_end_support(user: User, county: Region | None = None) -> bool:
    """§3.1 (issue 14): the county official sets exited households of their county to "exited, no longer
    under policy" (不再享受政策). `county`: where it is done (None: asks only whether the role may)."""
    if user.role != Role.COUNTY_OFFICIAL or user_level(user) != Level.COUNTY:
        return False
    return county is None or (county.level == Level.COUNTY and in_scope(user, county))


def role_takes_step(role: str, scope_level: str | None, *, roles: Iterable[str], level: str) -> bool:
    """§6: a workflow step is taken by the roles it names, when their scope is at its level (the county
    official of the case's county, not a province official)."""
    return role in roles and scope_level == level


def may_take_step(user: User, *, roles: Iterable[str], level: str) -> bool:
    return role_takes_step(user.role, user_level(user), roles=roles, level=level)


def may_add_evidence(user: User, *, steps: Iterable[tuple[Iterable[str], str]]) -> bool:
    """§6.1: evidence is added by whoever takes one of the case's next steps (`steps`: each step's
    roles and level). Read-only roles (auditor, city, province staff, admin) and helpers never add
    evidence that is then sealed into a dossier."""
    if user.role in READ_ONLY_ROLES or is_helper(user):
        return False
    return any(may_take_step(user, roles=roles, level=level) for roles, level in steps)

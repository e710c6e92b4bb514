"""Writes of the provincial verification sample (§6.4): a reproducible draw and the verified results."""

import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import regions_for
from accounts.models import User
from households import choices as hc
from households.models import Household
from villages.models import Level, Region, SampledHousehold, SampleKind, VerificationSample

from .services import field_error


@transaction.atomic
def sample_draw(
    *,
    user: User,
    county: Region,
    exited_count: int,
    non_registered: list[tuple[str, int]],
    seed: int | None = None,
    note: str = "",
) -> VerificationSample:
    """§6.4: the province draws exited households of a county at random from a recorded seed (the same
    seed over the same registry draws the same households); the non-registered households are the
    surveyor's entries, each with its number of people."""
    if not access.may_draw_samples(user):
        raise PermissionDenied(_("Only province staff draw verification samples."))
    if county.level != Level.COUNTY or not regions_for(user).filter(pk=county.pk).exists():
        raise PermissionDenied(_("This county is outside your scope."))
    if exited_count < 0 or (exited_count == 0 and not non_registered):
        raise field_error("exited_count", _("Sample at least one household."), "empty")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**62)
    sample = VerificationSample.objects.create(
        county=county, drawn_on=timezone.localdate(), seed=seed, note=note[:200], created_by=user
    )
    exited = list(
        Household.objects.filter(county=county, status__in=(hc.Status.EXITED, hc.Status.EXITED_NO_POLICY))
        .order_by("id")
        .values_list("id", flat=True)
    )
    chosen = random.Random(seed).sample(exited, min(exited_count, len(exited)))
    sizes = dict(
        Household.objects.filter(pk__in=chosen, members__departure="").values_list("id").annotate(n=Count("members"))
    )
    rows = [
        SampledHousehold(sample=sample, kind=SampleKind.EXITED, household_id=pk, people=max(sizes.get(pk, 1), 1))
        for pk in sorted(chosen)
    ]
    for label, people in non_registered:
        if not (label or "").strip() or int(people) < 1:
            raise ValidationError({"non_registered": _("Each household needs a name and its number of people.")})
        rows.append(
            SampledHousehold(sample=sample, kind=SampleKind.NON_REGISTERED, label=label.strip()[:100], people=people)
        )
    SampledHousehold.objects.bulk_create(rows)
    return sample


@transaction.atomic
def sample_result_record(
    *, user: User, entry: SampledHousehold, wrong: bool | None, approves: bool | None
) -> SampledHousehold:
    """§6.4: the verified result of one sampled household (wrongly exited / omitted, and approval)."""
    if not access.may_draw_samples(user):
        raise PermissionDenied(_("Only province staff record verification results."))
    entry = SampledHousehold.objects.select_for_update().get(pk=entry.pk)
    if entry.kind == SampleKind.EXITED:
        entry.wrongly_exited = wrong
    else:
        entry.omitted = wrong
    entry.approves = approves
    entry.save(update_fields=["wrongly_exited", "omitted", "approves"])
    return entry

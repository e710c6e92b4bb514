"""A region's flags of a year (§2, issue 14): poverty village 贫困村, deep poverty 深度贫困, border village
抵边村 (villages), poverty county kind and deep poverty (counties). The one place that reads them.

The value of year Y is the one recorded on the region's RegionYear of Y; a year that recorded no value
(no row, or the field left empty) takes the latest earlier year's recorded value, and a region with no
recorded value up to Y takes the Region's standing field (what the province registered in the tree). A
flag set for 2019 so holds in 2020 until 2020 says otherwise. `flags_for` reads one region (one query),
`year_flags` gives the same rule as annotations for lists and aggregates (one subquery per flag).

The announced exit (`Region.exit_year`, §6.3) is recorded here too, by the workflow's announce step.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Expression, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import Level, PovertyCountyKind, Region, RegionYear

FLAG_FIELDS = ("is_poverty_village", "is_deep_poverty", "is_border_village", "poverty_county")
# The flags each level has (§2); other levels have none.
LEVEL_FLAGS = {
    Level.VILLAGE: ("is_poverty_village", "is_deep_poverty", "is_border_village"),
    Level.COUNTY: ("poverty_county", "is_deep_poverty"),
}
# The annotation each flag is read as in lists: "year_is_deep_poverty".
ANNOTATION = {name: f"year_{name}" for name in FLAG_FIELDS}


@dataclasses.dataclass(frozen=True)
class Flags:
    year: int
    is_poverty_village: bool
    is_deep_poverty: bool
    is_border_village: bool
    poverty_county: str
    recorded: bool  # the year has a RegionYear row of its own

    def get_poverty_county_display(self) -> str:
        return str(PovertyCountyKind(self.poverty_county).label) if self.poverty_county else ""

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in FLAG_FIELDS}


def flags_for(region: Region, year: int) -> Flags:
    """The region's flags of `year` (one query): the year's recorded values, else the latest earlier year's,
    else the Region's standing fields."""
    rows = list(RegionYear.objects.filter(region=region, year__lte=year).order_by("-year").values("year", *FLAG_FIELDS))
    values = {}
    for name in FLAG_FIELDS:
        recorded = next((r[name] for r in rows if r[name] is not None), None)
        values[name] = getattr(region, name) if recorded is None else recorded
    return Flags(year=year, recorded=bool(rows) and rows[0]["year"] == year, **values)


def year_flags(year: int | str, *, region: str = "", fields: tuple[str, ...] = FLAG_FIELDS) -> dict[str, Expression]:
    """Annotations `year_<flag>` with the rule of `flags_for`. `year` is a policy year, or the name of the
    row's field holding it (a RegionIndicator's "year"); `region` the path from the row to its region ("" for
    regions themselves)."""
    year_ref = OuterRef(year) if isinstance(year, str) else year
    region_ref = OuterRef(region or "pk")
    prefix = f"{region}__" if region else ""
    exprs: dict[str, Expression] = {}
    for name in fields:
        recorded = (
            RegionYear.objects.filter(region=region_ref, year__lte=year_ref, **{f"{name}__isnull": False})
            .order_by("-year")
            .values(name)[:1]
        )
        exprs[ANNOTATION[name]] = Coalesce(Subquery(recorded), f"{prefix}{name}")
    return exprs


@transaction.atomic
def region_flags_save(*, region: Region, year: int, flags: dict, reason: str = "", user=None) -> RegionYear:
    """Record the region's flags of a year (§2): only the flags of its level; the year's row is created when
    missing. The change is audited with its reason (accounts.audit, RegionYear); access is the caller's."""
    names = LEVEL_FLAGS.get(Level(region.level))
    if not names:
        raise ValidationError(_("Only villages and counties have these flags."), code="level")
    figures, _created = RegionYear.objects.select_for_update().get_or_create(
        region=region, year=year, defaults={"created_by": user}
    )
    for name in names:
        setattr(figures, name, flags[name])
    if reason:
        figures._change_reason = reason  # type: ignore[attr-defined]  # written into the audit entry
    figures.full_clean()
    figures.save()
    return figures


@transaction.atomic
def region_exit_record(*, region: Region, year: int) -> None:
    """§6.3: the announcement of a village's or county's exit records its exit year, in the announcement's
    transaction. A region exits once: a second announcement is refused."""
    locked = Region.objects.select_for_update().get(pk=region.pk)
    if locked.level not in (Level.VILLAGE, Level.COUNTY):
        raise ValidationError(_("Only a village or a county exits."), code="level")
    if locked.exit_year is not None:
        raise ValidationError(
            _("The exit of %(region)s was already announced in %(year)s.")
            % {"region": locked.name, "year": locked.exit_year},
            code="already_exited",
        )
    locked.exit_year = year
    locked.save(update_fields=["exit_year", "updated_at"])
    region.exit_year = year

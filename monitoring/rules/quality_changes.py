"""Which households of a county the data-quality checks (§8.2) must look at again tonight, when last
night's findings are known (issue 16): a quiet night checks what changed, not the whole county, and
gives exactly the findings of a full pass (tests/monitoring/test_quality_incremental.py holds that).

A household's findings as of D equal its findings as of the previous night P unless
- a row it depends on changed: the change journal (households.changes, filled by database triggers)
  names the household itself, and the households another row's ID number concerns (DQ01, DQ11);
- time moved a rule between P and D: a member crossed an age the checks use (AGES), a pairing began
  or ended (DQ11), the birth date of an ID number found invalid on P for being still to come passed
  (DQ02);
- its finding looks across households (DQ01, DQ11 poor helper): those households are checked again
  every night, as are those with a member whose ID number is not stored normalised (their DQ01
  look-up is not indexed).
The year of D must be the year of P (the income record checked is the year's) and the rules those of
P's run (quality.RULES_VERSION), or the county gets a full pass."""

import datetime as dt

from django.db import connection

from households.idnumber import years_before
from households.models import Helper, Household, Member, Pairing

from ..models import QualityCode, QualityFinding
from . import quality as q


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def households_to_check(*, county_id: int, since: dt.date, as_of: dt.date, changed: set[int]) -> set[int]:
    """The county's households whose findings as of `as_of` may differ from those as of `since`."""
    qn = connection.ops.quote_name
    household, member, pairing, helper, finding = (
        _table(m) for m in (Household, Member, Pairing, Helper, QualityFinding)
    )
    params: dict = {
        "county": county_id,
        "since": since,
        "as_of": as_of,
        "id_since": since.strftime("%Y%m%d"),
        "id_as_of": as_of.strftime("%Y%m%d"),
        "dq01": str(QualityCode.DQ01),
        "dq02": str(QualityCode.DQ02),
        "dq11": str(QualityCode.DQ11),
    }
    ages = []
    for age in q.AGES:
        params[f"after_{age}"], params[f"upto_{age}"] = years_before(since, age), years_before(as_of, age)
        ages.append(f"(m.birth_date > %(after_{age})s AND m.birth_date <= %(upto_{age})s)")
    end = f"p.{qn('end')}"
    moved = f"((p.start > %(since)s AND p.start <= %(as_of)s) OR ({end} >= %(since)s AND {end} < %(as_of)s))"
    # Table names from the models, values as parameters.
    statements = [
        # A member crossed an age (index member_birth_date: a few days of births per age).
        f"""SELECT m.household_id FROM {member} m JOIN {household} h ON h.id = m.household_id
            WHERE h.county_id = %(county)s AND ({" OR ".join(ages)})""",  # noqa: S608
        # A pairing of the household began or ended (DQ11 no helper).
        f"""SELECT p.household_id FROM {pairing} p JOIN {household} h ON h.id = p.household_id
            WHERE h.county_id = %(county)s AND {moved}""",  # noqa: S608
        # A pairing of a helper who is a member here began or ended (DQ11 poor helper).
        f"""SELECT m.household_id FROM {pairing} p JOIN {helper} hp ON hp.id = p.helper_id
            JOIN {member} m ON m.id_number = UPPER(TRIM(hp.id_number))
            JOIN {household} h ON h.id = m.household_id
            WHERE h.county_id = %(county)s AND hp.id_number <> '' AND {moved}""",  # noqa: S608
        # Last night's findings (those still open) that look across households.
        f"""SELECT household_id FROM {finding} WHERE county_id = %(county)s AND until IS NULL
            AND (code = %(dq01)s OR (code = %(dq11)s AND kind = 'poor_helper'))""",  # noqa: S608
        # Last night's invalid ID numbers whose birth date was still to come and has come (DQ02; the
        # reverse cannot happen as time goes on). The other invalid numbers stay invalid.
        f"""SELECT f.household_id FROM {finding} f JOIN {member} m ON m.id = f.member_id
            WHERE f.county_id = %(county)s AND f.until IS NULL AND f.code = %(dq02)s
            AND SUBSTR(m.id_number, 7, 8) > %(id_since)s AND SUBSTR(m.id_number, 7, 8) <= %(id_as_of)s""",  # noqa: S608
        # Members whose ID number is not stored normalised (partial index member_id_not_normalised).
        f"""SELECT m.household_id FROM {member} m JOIN {household} h ON h.id = m.household_id
            WHERE h.county_id = %(county)s AND m.id_number <> UPPER(TRIM(m.id_number))""",  # noqa: S608
    ]
    found = set(changed)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            found.update(row[0] for row in cursor.fetchall())
    return found

"""The triggers that keep an assistance record's, a small loan's and a visit's village and county on their
household's (issue 16, households/follow_sql.py): when the household moves, its rows move with it in
the same statement, so the lists of a scope read them by their own columns (assistance.selectors).

Read through the households instead, a county's assistance list counted its records by a semi-join over
its 24,000 households (29 ms of every page at 1,000,000 households) and a township's read its 1,700
households three times (the page, its count, the latest visits)."""

from households import follow_sql
from households.follow_sql import Follower

RECORDS = Follower(
    trigger="households_household_assistance_follow",
    function="assistance_record_follow_household",
    table="assistance_assistancerecord",
)
LOANS = Follower(
    trigger="households_household_loans_follow",
    function="assistance_loan_follow_household",
    table="assistance_smallloan",
)
VISITS = Follower(
    trigger="households_household_visits_follow",
    function="assistance_visit_follow_household",
    table="assistance_visit",
)


def install(schema_editor) -> None:
    follow_sql.install(schema_editor, RECORDS, LOANS, VISITS)


def uninstall(schema_editor) -> None:
    follow_sql.uninstall(schema_editor, RECORDS, LOANS, VISITS)

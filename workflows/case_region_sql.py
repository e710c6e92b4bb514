"""The trigger that keeps a household case's region on its household's village (issue 16).

A case about a household is opened with `region` = the household's village (workflows.services). When
the household moves to another village, this trigger (households/follow_sql.py), installed by the
workflows app on the households table it reads, moves its cases with it in the same statement. So a
case's scope is its region's, one index range (workflows.selectors.case_list_for), for household and
region cases alike: scoping household cases by `household IN (the scope's households)` made PostgreSQL
hash a county's 45,000 households on every inbox badge and, for a province, scan its 1,000,000
households once per waiting case (100 s with 500,000 cases).
"""

from households.follow_sql import Follower

CASES = Follower(
    trigger="households_household_cases_follow",
    function="workflows_case_follow_household",
    table="workflows_case",
    columns={"region_id": "village_id"},
)


def install(schema_editor) -> None:
    CASES.install(schema_editor)


def uninstall(schema_editor) -> None:
    CASES.uninstall(schema_editor)

"""The triggers that keep a data-quality finding's and a monitoring alert's village and county on their
household's (issue 16).

A night writes each finding and opens each alert with its household's village and county. When the
household moves, these triggers (households/follow_sql.py), installed by the monitoring app on the
households table it reads, move the household's findings and alerts — current ones and history — in the
same statement. So both are scoped and counted by their own columns (monitoring.selectors), as the
households are, and the report tables that always did so agree with the pages after a move.

Scoped through the households instead, the province's data-quality overview read its 1,000,000
households for 81,000 findings (242 ms a page). And an alert left behind in the county its household
left made the county it arrived in fail its night: that night, finding no active alert of its own for
the household, opened a second one (one active alert per household, §7).

The nights see the moved rows as the new county's: the night of the county the household arrives in
compares them with what it finds (a move is journaled in both counties); the night of the county it
left has none of them left to close.
"""

from households import follow_sql
from households.follow_sql import Follower

FINDINGS = Follower(
    trigger="households_household_findings_follow",
    function="monitoring_finding_follow_household",
    table="monitoring_qualityfinding",
)
ALERTS = Follower(
    trigger="households_household_alerts_follow",
    function="monitoring_alert_follow_household",
    table="monitoring_monitoringalert",
)


def install(schema_editor) -> None:
    follow_sql.install(schema_editor, FINDINGS, ALERTS)


def uninstall(schema_editor) -> None:
    follow_sql.uninstall(schema_editor, FINDINGS, ALERTS)

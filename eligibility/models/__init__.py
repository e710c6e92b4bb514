from .checks import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, RunTrigger, held_on, held_on_sql
from .policy import PolicyParameter
from .summaries import RegionExitCount, RegionSnapshotCount

__all__ = [
    "CRITERIA",
    "HouseholdCheck",
    "held_on",
    "held_on_sql",
    "PolicyParameter",
    "RecomputeCounty",
    "RecomputeRun",
    "RegionExitCount",
    "RegionSnapshotCount",
    "RunState",
    "RunTrigger",
]

from .checks import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, RunTrigger, held_on, held_on_sql
from .policy import PolicyParameter

__all__ = [
    "CRITERIA",
    "HouseholdCheck",
    "held_on",
    "held_on_sql",
    "PolicyParameter",
    "RecomputeCounty",
    "RecomputeRun",
    "RunState",
    "RunTrigger",
]

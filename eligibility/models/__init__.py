from .checks import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, RunTrigger, held_on
from .policy import PolicyParameter

__all__ = [
    "CRITERIA",
    "HouseholdCheck",
    "held_on",
    "PolicyParameter",
    "RecomputeCounty",
    "RecomputeRun",
    "RunState",
    "RunTrigger",
]

from .eligibility import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, RunTrigger, held_on
from .policy import PolicyParameter
from .registry import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent

__all__ = [
    "CRITERIA",
    "Assessment",
    "Helper",
    "Household",
    "HouseholdCheck",
    "held_on",
    "Income",
    "Member",
    "MemberEvent",
    "Pairing",
    "PolicyParameter",
    "RecomputeCounty",
    "RecomputeRun",
    "RunState",
    "RunTrigger",
    "StatusEvent",
]

from .changes import HouseholdChange
from .registry import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent
from .tallies import CountyTally, VillageTally
from .teams import TeamPosition, WorkTeamMember

__all__ = [
    "Assessment",
    "CountyTally",
    "Helper",
    "Household",
    "HouseholdChange",
    "Income",
    "Member",
    "MemberEvent",
    "Pairing",
    "StatusEvent",
    "TeamPosition",
    "VillageTally",
    "WorkTeamMember",
]

from .registry import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent
from .teams import TeamPosition, WorkTeamMember

__all__ = [
    "Assessment",
    "Helper",
    "Household",
    "Income",
    "Member",
    "MemberEvent",
    "Pairing",
    "StatusEvent",
    "TeamPosition",
    "WorkTeamMember",
]

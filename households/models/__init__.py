from .registry import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent

__all__ = [
    "Assessment",
    "Helper",
    "Household",
    "Income",
    "Member",
    "MemberEvent",
    "Pairing",
    "StatusEvent",
]

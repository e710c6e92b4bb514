"""Factories for tests: plain functions that build valid records with as few arguments as possible."""

import datetime as dt
import itertools
from decimal import Decimal

from accounts.models import Role, User
from households import choices as c
from households.idnumber import check_char
from households.models import Assessment, Household, Income, Member
from households.services import household_save
from villages.models import Level, Region

_seq = itertools.count(1)
PASSWORD = "test-pass-123"


def id_number(birth: dt.date = dt.date(1970, 1, 1), *, male: bool = True, area: str = "211224") -> str:
    """A valid resident ID number (§8.1) with a fresh sequence."""
    n = next(_seq) % 500
    seq = f"{n * 2 + (1 if male else 0):03d}"[-3:]
    if int(seq[-1]) % 2 != (1 if male else 0):
        seq = seq[:2] + str((int(seq[-1]) + 1) % 10)
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + check_char(first17)


def region(code: str, name: str, level: str, parent: Region | None = None, **extra) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent, **extra)


def user(username: str, role: str, scope: Region | None, **extra) -> User:
    u = User.objects.create_user(username=username, password=PASSWORD, role=role, scope=scope, **extra)
    return u


def member(
    relationship: str = c.Relationship.HEAD, *, birth: dt.date = dt.date(1970, 1, 1), male: bool = True, **fields
) -> Member:
    """An unsaved member; household_save() fills birth date and sex from the ID number."""
    fields.setdefault("id_number", id_number(birth, male=male))
    fields.setdefault("name", f"成员{next(_seq)}")
    fields.setdefault("has_resident_medical", True)
    return Member(relationship=relationship, **fields)


def household(village: Region, *, by: User | None = None, members: list[Member] | None = None, **fields) -> Household:
    """A saved household with a head (by default) through the registry service."""
    fields.setdefault("identification_year", 2016)
    fields.setdefault("main_cause", c.Cause.ILLNESS)
    h = Household(village=village, **fields)
    by = by or User.objects.filter(role=Role.ADMIN).first() or user(f"admin{next(_seq)}", Role.ADMIN, None)
    return household_save(user=by, household=h, members=members or [member()])


def income(h: Household, year: int = 2019, **amounts) -> Income:
    amounts = {k: Decimal(str(v)) for k, v in amounts.items()}
    return Income.objects.create(household=h, year=year, **amounts)


def assessment(h: Household, *, food: bool = True, clothing: bool = True, on: dt.date = dt.date(2019, 6, 1)):
    return Assessment.objects.create(household=h, assessed_on=on, food_secure=food, clothing_secure=clothing)


__all__ = ["Level", "PASSWORD", "assessment", "household", "id_number", "income", "member", "region", "user"]

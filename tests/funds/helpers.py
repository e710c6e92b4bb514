"""Small builders for ledger tests."""

import datetime as dt
from decimal import Decimal

from funds import services as fs
from projects.choices import FundSource, ProjectStatus
from projects.models import Project
from projects.services import project_transition

DAY = dt.date(2019, 5, 1)


def project(county, by, *, approved=True, **fields) -> Project:
    fields.setdefault("name", "养殖项目")
    fields.setdefault("year", 2019)
    fields.setdefault("category", "industry")
    fields.setdefault("implementing_unit", "农业局")
    p = Project.objects.create(county=county, created_by=by, **fields)
    if approved:
        project_transition(user=by, project=p, to_status=ProjectStatus.APPROVED, reason="批复")
    return p


def allocation(county, by, amount="1000.00", source=FundSource.CENTRAL):
    return fs.allocation_create(
        user=by, source=source, county=county, document_number="辽财农〔2019〕1号", amount=amount, date=DAY
    )


def ledger(tree, users, *, allocated="1000.00", arranged="600.00"):
    """An allocation to 昌图县, an approved project and an arrangement to it."""
    p = project(tree.county, users.county)
    a = allocation(tree.county, users.county, allocated)
    arr = fs.arrangement_create(user=users.county, allocation=a, project=p, amount=Decimal(arranged), date=DAY)
    return p, a, arr

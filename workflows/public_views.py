"""Public disclosure pages (§12): announced household, village and county exits, without login and
without identifiers — the village, the household number and the head's name only (§9)."""

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households import choices as hc
from households.models import Member

from . import definitions as d
from .selectors import announced_cases

ROWS = 500


def exits(request: HttpRequest) -> HttpResponse:
    announced = announced_cases().select_related("region__parent").order_by("-closed_at", "-id")
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=hc.Relationship.HEAD).order_by(
        "departure", "id"
    )
    households = (
        announced.filter(case_type=d.CaseType.HOUSEHOLD_EXIT)
        .select_related("household")
        .annotate(head_name=Subquery(head.values("name")[:1]))[:ROWS]
    )
    return render(
        request,
        "public/wf_exits.html",
        {
            "households": households,
            "villages": announced.filter(case_type=d.CaseType.VILLAGE_EXIT)[:ROWS],
            "counties": announced.filter(case_type=d.CaseType.COUNTY_EXIT)[:ROWS],
        },
    )

"""The monitoring objects page (防返贫监测对象, §7): the households the county approved for monitoring, of
both categories and sudden hardship, current or with their risk removed; scoped by the case selectors."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.typing import AuthenticatedHttpRequest
from monitoring.models import AlertCategory
from povertymgmt.pagination import page_of

from .selectors import monitoring_objects_for

PAGE_SIZE = 50


class MonitoringObjectFilter(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *AlertCategory.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("current", _("Monitored now")), ("removed", _("Risk removed")), ("all", _("All"))],
    )


@login_required
def monitoring_object_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """§7: the monitoring objects of the user's scope, filtered by category and status; an unknown filter
    value filters nothing."""
    form = MonitoringObjectFilter(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = data.get("status") or "current"
    qs = monitoring_objects_for(request.user, category=data.get("category") or "", status=status)
    rows = qs.select_related("household", "region").order_by("-closed_at", "-id")
    return render(
        request,
        "workflows/monitoring_object_list.html",
        {"form": form, "status": status, "page": page_of(request, rows, per_page=PAGE_SIZE)},
    )

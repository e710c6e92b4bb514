"""The county official's page of the end of policy support (§3.1, issue 14, households.end_of_support): the
county's exited households under policy, filtered by township or village and exit year, 50 a page, with
boxes to choose those whose support ends and the reason."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.errors import apply_errors
from povertymgmt.pagination import page_of, with_rows
from villages.models import Level, Region

from .end_of_support import REASON_MAX, end_support, exited_in_county
from .models import Household
from .selectors import household_list_for, with_head_and_size

PAGE_SIZE = 50


class EndSupportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason the support ends"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def _filter_region(request: AuthenticatedHttpRequest, county: Region) -> Region | None:
    """The township or village of ?region= (404 outside the scope: another county's region)."""
    code = request.GET.get("region", "").strip()
    if not code:
        return None
    region = access.region_for(request.user, code)
    if region.level not in (Level.TOWNSHIP, Level.VILLAGE) or not access.in_subtree(county, region):
        raise Http404
    return region


def _number(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


@login_required
@require_http_methods(["GET", "POST"])
def end_of_support(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    county = access.scope_of(user)
    if county is None or not access.may_end_support(user, county):
        raise Http404
    region = _filter_region(request, county)
    exit_year = _number(request.GET.get("exit_year", ""))
    form = EndSupportForm(request.POST or None)
    if request.method == "POST":
        ids = [_number(v) for v in request.POST.getlist("household")]
        if None in ids:
            form.add_error(None, _("Choose the households in the list."))
        elif form.is_valid():
            # §1: a household outside the scope is not there for this user.
            if household_list_for(user).filter(pk__in=ids).count() != len(set(ids)):
                raise Http404
            try:
                n = end_support(
                    user=user,
                    county=county,
                    household_ids=[i for i in ids if i is not None],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            except PermissionDenied as e:
                form.add_error(None, str(e))
            else:
                text = ngettext(
                    "%(n)d household is no longer under policy.", "%(n)d households are no longer under policy.", n
                )
                messages.success(request, text % {"n": n})
                return redirect(request.get_full_path())
    qs = exited_in_county(county, region=region, exit_year=exit_year)
    # Page through ids, then read the head and size of the rows shown only (as the household list does).
    page = page_of(request, qs.order_by("id").values_list("pk", flat=True), per_page=PAGE_SIZE)
    rows = with_rows(page, with_head_and_size(Household.objects.select_related("village__parent"))).object_list
    regions = list(
        access.regions_for(user)
        .filter(level__in=(Level.TOWNSHIP, Level.VILLAGE))
        .order_by("code")
        .only("code", "name", "level")
    )
    context = {
        "county": county,
        "page": page,
        "rows": rows,
        "form": form,
        "region": region,
        "regions": regions,
        "exit_year": exit_year,
        "chosen": {v for v in request.POST.getlist("household")} if request.method == "POST" else set(),
    }
    return render(request, "households/end_of_support.html", context)

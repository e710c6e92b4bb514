"""Pages of the provincial verification sample (§6.4): draw from a seed, record results, see the rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import may_draw_samples, region_for
from accounts.typing import AuthenticatedHttpRequest
from eligibility.rules.indicators import sample_rates_of
from villages.models import VerificationSample

from . import samples as sample_services
from .forms import TRISTATE, SampleDrawForm, tristate


def _sample_list_for(user):
    """Samples of the counties in the user's scope (officials read them; province staff also write)."""
    return access.scoped(VerificationSample.objects.all(), user, "county")


def _sample_get_for(user, pk: int) -> VerificationSample:
    try:
        return _sample_list_for(user).select_related("county").get(pk=pk)
    except VerificationSample.DoesNotExist:
        raise Http404 from None


@login_required
def sample_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    samples = _sample_list_for(request.user).select_related("county").annotate(n=Count("entries"))[:200]
    form = SampleDrawForm() if may_draw_samples(request.user) else None
    return render(request, "workflows/sample_list.html", {"samples": samples, "form": form})


@login_required
def sample_draw(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SampleDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            county = region_for(request.user, c["county"])
            sample = sample_services.sample_draw(
                user=request.user,
                county=county,
                exited_count=c["exited_count"],
                non_registered=c["non_registered"],
                seed=c["seed"],
                note=c["note"],
            )
        except Http404:
            form.add_error("county", _("Not found in your scope."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("workflows:sample_detail", sample.pk)
    samples = _sample_list_for(request.user).select_related("county").annotate(n=Count("entries"))[:200]
    return render(request, "workflows/sample_list.html", {"samples": samples, "form": form})


@login_required
def sample_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The sampled households with their results; province staff record each result in place."""
    sample = _sample_get_for(request.user, pk)
    if request.method == "POST":
        entry = get_object_or_404(sample.entries, pk=request.POST.get("entry"))
        try:
            sample_services.sample_result_record(
                user=request.user,
                entry=entry,
                wrong=tristate(request.POST.get("wrong", "")),
                approves=tristate(request.POST.get("approves", "")),
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("workflows:sample_detail", pk)
    entries = sample.entries.select_related("household__village").order_by("kind", "id")
    return render(
        request,
        "workflows/sample_detail.html",
        {
            "sample": sample,
            "entries": entries,
            "rates": sample_rates_of(sample),
            "choices": TRISTATE,
            "can_record": may_draw_samples(request.user),
        },
    )

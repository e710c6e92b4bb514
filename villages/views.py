from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .selectors import region_get_for, scope_region, visible_ancestors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_region(request.user)
    if scope is None:
        raise Http404
    return redirect("villages:detail", code=scope.code)


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get_for(request.user, code)
    return render(
        request,
        "villages/region_detail.html",
        {"region": region, "breadcrumb": visible_ancestors(request.user, region)},
    )

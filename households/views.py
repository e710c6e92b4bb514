from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import household_list_for


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    return render(request, "households/household_list.html", {"households": household_list_for(request.user)[:20]})

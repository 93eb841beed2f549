from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.roles import is_staff_member


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front door: visitors to the login, users to what their role uses."""
    if not request.user.is_authenticated:
        return redirect("login")
    if is_staff_member(request.user):
        return redirect("admin:index")
    return no_role(request)


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "no_role.html", status=403)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.roles import Role, coordinated_units, has_role, is_staff_member
from registry import scoping


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front door: visitors to the login, staff to the admin, volunteers and coordinators to their site."""
    if not request.user.is_authenticated:
        return redirect("login")
    if is_staff_member(request.user):
        return redirect("admin:index")
    if coordinated_units(request.user) or scoping.own_person(request.user) is not None:
        return redirect("volunteer:my_data")
    if has_role(request.user, Role.FORUM_OFFICER):
        return redirect("dashboards:province")  # sends a one-regency officer on to their regency
    return no_role(request)


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "no_role.html", status=403)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")

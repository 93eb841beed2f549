"""Authorization matrix: every URL of the site and the admin against every role.

The URL list is not written by hand: it is walked from `get_resolver()`, so a new URL without a
rule in RULES (or ADMIN_MODEL_RULES for a new ModelAdmin) fails `test_every_url_has_a_rule`.
Only GET requests are made. Outcomes are classified as:

    ok        2xx
    redirect  3xx to a page that is neither a login page nor the admin index
    login     3xx to the site login or the admin login
    admin_index  3xx to the admin index (staff sent home; for an object view: the admin cannot find it)
    403 / 404 / 405
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import RoleAssignment
from audit.models import AccessLog
from cases.models import PmksCategory, Programme
from forums.models import Position
from forums.tests.factories import EventFactory, ForumFactory, OfficerTermFactory
from jobs.models import Job
from registry import services
from registry.models import PsksType
from registry.tests.factories import (
    LEBAK_VILLAGE,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

ROLES = ("anonymous", "no_role", "volunteer", "coordinator", "staff_a", "staff_b", "province")


# --- Walking the resolver ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str  # namespaced URL name, or "<route:…>" for an unnamed pattern
    route: str  # the full route/regex, concatenated from the resolvers
    kwargs: tuple[str, ...]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Entry]:
    entries = []
    for item in resolver.url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}{item.namespace}:"
            entries.extend(_walk(item, route, ns))
        elif isinstance(item, URLPattern):
            name = f"{namespace}{item.name}" if item.name else f"{namespace}<route:{route}>"
            kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            kwargs = tuple(a or b for a, b in kwargs)
            entries.append(Entry(name=name, route=route, kwargs=kwargs))
    return entries


ENTRIES = _walk(get_resolver())
ADMIN_VIEW_RE = re.compile(
    r"^admin:(?P<app>[a-z0-9]+)_(?P<model>[a-z0-9]+)_"
    r"(?P<view>changelist|add|change|history|delete|deleted|simple_history|participants|password_change|export)$"
)
# ModelAdmin's unnamed `<path:object_id>/` pattern: a redirect to the change page.
ADMIN_BARE_RE = re.compile(r"^admin:<route:admin/(?P<app>[a-z0-9]+)/(?P<model>[a-z0-9]+)/<path:object_id>/>$")


def _admin_view(name: str) -> tuple[str, str] | None:
    """("app.model", view kind) of an admin model URL, or None."""
    if match := ADMIN_VIEW_RE.match(name):
        label = f"{match['app']}.{match['model']}"
        # Django's UserAdmin names its password view `auth_user_password_change` whatever the user model.
        return ("accounts.user" if label == "auth.user" else label), match["view"]
    if match := ADMIN_BARE_RE.match(name):
        return f"{match['app']}.{match['model']}", "bare"
    return None


# --- Outcomes -----------------------------------------------------------------------------------------------------------

OK = frozenset({"ok"})
ALLOW = frozenset({"ok", "redirect"})
LOGIN = frozenset({"login"})
DENY = frozenset({"403", "404"})
MISSING = frozenset({"admin_index", "404"})  # the admin redirects to its index for an object it cannot find
NOT_POST = frozenset({"405"})


def everyone(outcome) -> dict[str, frozenset]:
    return dict.fromkeys(ROLES, frozenset(outcome))


def roles(default, **per_role) -> dict[str, frozenset]:
    rule = dict.fromkeys(ROLES, frozenset(default))
    rule.update({k: frozenset(v) for k, v in per_role.items()})
    return rule


ADMIN_OUT = {"anonymous": LOGIN, "no_role": LOGIN, "volunteer": LOGIN, "coordinator": LOGIN}


def admin_rule(**per_role) -> dict[str, frozenset]:
    """Admin pages: everybody without a staff role is sent to the admin login."""
    return roles(OK, **ADMIN_OUT, **per_role)


# Non-admin URLs and the admin's own (non-model) views, keyed by namespaced name.
RULES: dict[str, dict[str, frozenset]] = {}

# Admin model views, keyed by "app.model" then view kind; filled below.
ADMIN_MODEL_RULES: dict[str, dict[str, dict[str, frozenset]]] = {}


# --- The world ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(db, province_staff, serang_staff, lebak_staff, no_role_user):
    """Regency A = Kota Serang (36.73), regency B = Kabupaten Lebak (36.02)."""
    w = {}
    # A volunteer of A with a login and a membership.
    w["person"] = PersonFactory(full_name="Ani Wulandari", account=UserFactory(username="ani"), phone="+6281200000001")
    w["membership"] = MembershipFactory(person=w["person"], membership_number="KTA-ANI")
    # A Karang Taruna of A, its coordinator (a member) and another member.
    w["institution"] = InstitutionFactory(name="Karang Taruna Unit A", psks_type=PsksType.objects.get(code="KT"))
    chair = PersonFactory(full_name="Ketua Unit A", account=UserFactory(username="ketua-a"))
    MembershipFactory(
        person=chair, psks_type=w["institution"].psks_type, institution=w["institution"], position="Ketua"
    )
    RoleFactory(user=chair.account, role=RoleAssignment.Role.UNIT_COORDINATOR, institution=w["institution"])
    w["member"] = MembershipFactory(
        person=PersonFactory(full_name="Citra Anggota A"),
        psks_type=w["institution"].psks_type,
        institution=w["institution"],
        position="Sekretaris",
    )
    # A change request filed by the volunteer.
    w["change_request"] = services.change_request_create(
        record=w["person"], requested_by=w["person"].account, new_values={"birth_place": "Pandeglang"}
    )
    assert w["change_request"] is not None
    # A forum of A, an officer term and an event; a province forum and its event.
    w["forum"] = ForumFactory(name="Forum PSKS Kota Serang")
    w["officer_term"] = OfficerTermFactory(forum=w["forum"], person=chair)
    w["event"] = EventFactory(title="Bimtek Kota Serang", start_date=dt.date(2025, 6, 10))
    province_forum = ForumFactory.province()
    w["province_event"] = EventFactory(title="Bimtek Provinsi", organiser_regency=None, organiser_forum=province_forum)
    # Regency B: an LKS with a member (so B is not empty).
    lks = InstitutionFactory(name="LKS Unit B", village_code=LEBAK_VILLAGE)
    MembershipFactory(
        person=PersonFactory(full_name="Dedi Anggota B", village_code=LEBAK_VILLAGE),
        psks_type=lks.psks_type,
        institution=lks,
    )
    # A finished export of staff A, with its file: only staff A may see or download it.
    w["job"] = Job.objects.create(kind="admin_export", created_by=serang_staff, status=Job.Status.DONE)
    w["job"].result_file.save("hasil.csv", ContentFile(b"NIK,Nama\n"), save=True)
    # Cases of A: a case (with a referral) and its beneficiary.
    from cases.tests.factories import CaseFactory, InterventionFactory

    w["case"] = CaseFactory()
    w["intervention"] = InterventionFactory(case=w["case"])
    # A case the volunteer reported, with a photo: theirs to open, and staff A's and the province's.
    from cases import services as case_services
    from cases.photos import clean_photo
    from cases.tests.photo_files import jpeg_upload

    w["volunteer_case"] = CaseFactory(reported_by=w["person"].account)
    w["case_photo"] = case_services.add_photos(w["volunteer_case"].entries.get(), [clean_photo(jpeg_upload())])[0]
    w["users"] = {
        "anonymous": None,
        "no_role": no_role_user,
        "volunteer": w["person"].account,
        "coordinator": chair.account,
        "staff_a": serang_staff,
        "staff_b": lebak_staff,
        "province": province_staff,
    }
    return w


def _admin_object(w, label: str):
    """The object of regency A (or reference data) whose admin pages are checked, by model label."""
    from django.contrib.auth.models import Group

    from regions.models import District, Province, Regency, Village
    from registry.models import ServiceField
    from registry.tests.factories import SERANG_VILLAGE

    objects = {
        "auth.group": lambda: Group.objects.get_or_create(name="Operator")[0],
        "accounts.user": lambda: w["person"].account,
        "regions.province": lambda: Province.objects.get(code="36"),
        "regions.regency": lambda: Regency.objects.get(code="36.73"),
        "regions.district": lambda: District.objects.get(code="36.73.05"),
        "regions.village": lambda: Village.objects.get(code=SERANG_VILLAGE),
        "registry.person": lambda: w["person"],
        "registry.institution": lambda: w["institution"],
        "registry.membership": lambda: w["membership"],
        "registry.pskstype": lambda: PsksType.objects.get(code="KT"),
        "registry.servicefield": lambda: ServiceField.objects.first(),
        "registry.changerequest": lambda: w["change_request"],
        "forums.forum": lambda: w["forum"],
        "forums.officerterm": lambda: w["officer_term"],
        "forums.vacancyboard": lambda: w["forum"],
        "forums.position": lambda: Position.objects.get(pk="ketua"),
        "forums.event": lambda: w["event"],
        "audit.accesslog": lambda: AccessLog.objects.create(username="ani", action=AccessLog.Action.VIEW),
        "cases.case": lambda: w["case"],
        "cases.beneficiary": lambda: w["case"].beneficiary,
        "cases.intervention": lambda: w["intervention"],
        "cases.programme": lambda: Programme.objects.get(pk="pkh"),
        "cases.pmkscategory": lambda: PmksCategory.objects.get(pk="LUT"),
    }
    factory = objects.get(label)
    return factory() if factory else None


def _url(entry: Entry, w) -> str:
    """A concrete URL for `entry`, its kwargs filled from the world."""
    admin_view = _admin_view(entry.name)
    if admin_view:
        label, kind = admin_view
        object_id = None
        obj = None
        if kind not in ("changelist", "add", "deleted", "export"):
            obj = _admin_object(w, label)
            object_id = str(obj.pk) if obj is not None else "999999"  # axes logs: nothing to open
        if kind == "simple_history":  # django-simple-history: positional object id and history id
            return reverse(entry.name, args=[object_id, obj.history.latest().history_id])
        if kind == "password_change":
            return reverse(entry.name, kwargs={"id": object_id})
        if kind == "bare":
            return reverse("admin:index") + entry.route.removeprefix("admin/").replace("<path:object_id>", object_id)
        return reverse(entry.name, kwargs={"object_id": object_id} if object_id else {})
    fill = {
        "admin:app_list": {"app_label": "registry"},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(w["person"]).pk,
            "object_id": w["person"].pk,
        },
        "accounts:invitation_accept": {"uidb64": "MQ", "token": "tanpa-token"},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "tanpa-token"},
        "dashboards:province_event": {"pk": w["province_event"].pk},
        "dashboards:regency": {"slug": "kota-serang"},
        "dashboards:regency_event": {"slug": "kota-serang", "pk": w["event"].pk},
        "volunteer:membership_change_request_create": {"pk": w["membership"].pk},
        "volunteer:change_request_withdraw": {"pk": w["change_request"].pk},
        "volunteer:roster": {"kind": "lembaga", "key": w["institution"].pk},
        "volunteer:roster_add": {"kind": "lembaga", "key": w["institution"].pk},
        "volunteer:membership_end": {"kind": "lembaga", "key": w["institution"].pk, "pk": w["member"].pk},
        "volunteer:member_contacts_update": {"pk": w["member"].person.pk},
        # An import batch is seen by its uploader only: a batch nobody uploaded is a 404 for every role.
        "admin:registry_person_import_preview": {"batch_id": NO_BATCH},
        "admin:registry_person_import_errors": {"batch_id": NO_BATCH},
        "admin:registry_institution_import_preview": {"batch_id": NO_BATCH},
        "admin:registry_institution_import_errors": {"batch_id": NO_BATCH},
        "admin:cases_beneficiary_import_preview": {"batch_id": NO_BATCH},
        "admin:cases_beneficiary_import_errors": {"batch_id": NO_BATCH},
        "jobs:job_detail": {"pk": w["job"].pk},
        "jobs:job_status": {"pk": w["job"].pk},
        "jobs:job_download": {"pk": w["job"].pk},
        "volunteer:case_detail": {"pk": w["volunteer_case"].pk},
        "volunteer:case_visit": {"pk": w["volunteer_case"].pk},
        "volunteer:case_photo": {"pk": w["case_photo"].pk},
    }
    if entry.name == "admin:<route:admin/(?P<url>.*)$>":
        return "/admin/tidak-ada/"
    if entry.name in EXTRA_QUERY:
        base, query = EXTRA_QUERY[entry.name]
        return reverse(base, kwargs=fill.get(base, {})) + query
    return reverse(entry.name, kwargs=fill.get(entry.name, {}))


NO_BATCH = "00000000-0000-4000-8000-000000000000"

# Exports and the autocomplete: pseudo-entries with a query string, checked like URLs of their own.
EXTRA_QUERY = {
    "registry:recap?regency=36.73": ("registry:recap", "?regency=36.73"),
    "registry:recap?format=csv": ("registry:recap", "?format=csv"),
    "registry:recap?regency=36.73&format=xlsx": ("registry:recap", "?regency=36.73&format=xlsx"),
    "registry:recap?format=xlsx": ("registry:recap", "?format=xlsx"),
    "dashboards:province?format=xlsx": ("dashboards:province", "?format=xlsx"),
    "dashboards:regency?format=xlsx": ("dashboards:regency", "?format=xlsx"),
}
AUTOCOMPLETE_QUERY = "?app_label=registry&model_name=membership&field_name=person&term=a"


def _classify(response) -> str:
    if 200 <= response.status_code < 300:
        return "ok"
    if 300 <= response.status_code < 400:
        path = urlsplit(response["Location"]).path
        if path in (reverse("login"), reverse("admin:login")):
            return "login"
        if path == reverse("admin:index"):
            return "admin_index"
        return "redirect"
    return str(response.status_code)


def _observe(client, w, role: str, url: str) -> str:
    client.logout()
    user = w["users"][role]
    if user is not None:
        client.force_login(user)
    return _classify(client.get(url))


CASES = [e.name for e in ENTRIES] + list(EXTRA_QUERY) + ["admin:autocomplete?term"]
_BY_NAME = {e.name: e for e in ENTRIES}


def _entry(name: str) -> Entry:
    if name in EXTRA_QUERY:
        return Entry(name=name, route="", kwargs=())
    if name == "admin:autocomplete?term":
        return Entry(name=name, route="", kwargs=())
    return _BY_NAME[name]


def _concrete(name: str, w) -> str:
    if name == "admin:autocomplete?term":
        return reverse("admin:autocomplete") + AUTOCOMPLETE_QUERY
    return _url(_entry(name), w)


# --- The rules ----------------------------------------------------------------------------------------------------------

STAFF_HOME = frozenset({"admin_index"})
REDIRECT = frozenset({"redirect"})
BAD_LINK = frozenset({"400"})  # public-token pages: a forged uid/token shows the "invalid link" page
NOT_FOUND = frozenset({"404"})
FORBIDDEN = frozenset({"403"})

_VOLUNTEER_OWN = roles(
    OK, anonymous=LOGIN, no_role=NOT_FOUND, staff_a=STAFF_HOME, staff_b=STAFF_HOME, province=STAFF_HOME
)
_COORDINATOR_ONLY = roles(FORBIDDEN, anonymous=LOGIN, coordinator=OK)
_PROVINCE_DASHBOARD = roles(NOT_FOUND, anonymous=LOGIN, staff_a=REDIRECT, staff_b=REDIRECT, province=OK)
_REGENCY_A_DASHBOARD = roles(NOT_FOUND, anonymous=LOGIN, staff_a=OK, province=OK)
_RECAP = roles(FORBIDDEN, anonymous=LOGIN, staff_a=OK, staff_b=OK, province=OK)
_RECAP_OF_A = roles(FORBIDDEN, anonymous=LOGIN, staff_a=OK, staff_b=NOT_FOUND, province=OK)
# Kasus Saya and the report form: volunteers (a person record) and staff; the volunteer's own case of A.
_CASE_PAGES = roles(OK, anonymous=LOGIN, no_role=NOT_FOUND)
_VOLUNTEERS_CASE = roles(NOT_FOUND, anonymous=LOGIN, volunteer=OK, staff_a=OK, province=OK)

RULES.update(
    {
        "home": roles(
            REDIRECT, anonymous=LOGIN, no_role=FORBIDDEN, staff_a=STAFF_HOME, staff_b=STAFF_HOME, province=STAFF_HOME
        ),
        "login": roles(REDIRECT, anonymous=OK),  # redirect_authenticated_user
        "logout": everyone(NOT_POST),
        "healthz": everyone(OK),
        "set_language": everyone(REDIRECT),
        # The admin's own views.
        "admin:index": admin_rule(),
        "admin:login": roles(OK, staff_a=STAFF_HOME, staff_b=STAFF_HOME, province=STAFF_HOME),
        "admin:logout": roles(STAFF_HOME, staff_a=NOT_POST, staff_b=NOT_POST, province=NOT_POST),
        "admin:password_change": admin_rule(),
        "admin:password_change_done": admin_rule(),
        "admin:jsi18n": admin_rule(),
        "admin:app_list": admin_rule(),
        "admin:autocomplete": admin_rule(staff_a=FORBIDDEN, staff_b=FORBIDDEN, province=FORBIDDEN),  # no parameters
        "admin:autocomplete?term": admin_rule(),  # results are scoped by the ModelAdmin's queryset
        # contenttypes' shortcut (a person of regency A): a redirect to the object's own URL for those who may see
        # it; for staff of regency B a 404, as if it did not exist (pskshub.admin_site.view_on_site).
        "admin:view_on_site": admin_rule(staff_a=REDIRECT, staff_b=NOT_FOUND, province=REDIRECT),
        "admin:<route:admin/(?P<url>.*)$>": admin_rule(staff_a=NOT_FOUND, staff_b=NOT_FOUND, province=NOT_FOUND),
        # Accounts: public pages and public-token pages.
        "accounts:invitation_accept": everyone(BAD_LINK),
        "accounts:password_reset": everyone(OK),
        "accounts:password_reset_done": everyone(OK),
        "accounts:password_reset_confirm": everyone(BAD_LINK),
        "accounts:password_reset_complete": everyone(OK),
        "accounts:password_change": roles(OK, anonymous=LOGIN),
        "accounts:password_change_done": roles(OK, anonymous=LOGIN),
        # The volunteer site: the owner's own pages; staff are sent to the admin.
        "volunteer:my_data": _VOLUNTEER_OWN,
        "volunteer:contacts_update": _VOLUNTEER_OWN,
        "volunteer:change_request_create": _VOLUNTEER_OWN,
        "volunteer:change_request_list": _VOLUNTEER_OWN,
        "volunteer:membership_change_request_create": roles(NOT_FOUND, anonymous=LOGIN, volunteer=OK),
        "volunteer:change_request_withdraw": roles(NOT_POST, anonymous=LOGIN),  # POST only
        "volunteer:unit_list": _COORDINATOR_ONLY,
        "volunteer:roster": _COORDINATOR_ONLY,
        "volunteer:roster_add": _COORDINATOR_ONLY,
        "volunteer:membership_end": _COORDINATOR_ONLY,
        # A member of the coordinator's institution in regency A.
        "volunteer:member_contacts_update": roles(NOT_FOUND, anonymous=LOGIN, coordinator=OK, staff_a=OK, province=OK),
        # Dashboards and their exports.
        "dashboards:province": _PROVINCE_DASHBOARD,
        "dashboards:province?format=xlsx": _PROVINCE_DASHBOARD,
        "dashboards:province_event": roles(NOT_FOUND, anonymous=LOGIN, province=OK),
        "dashboards:regency": _REGENCY_A_DASHBOARD,
        "dashboards:regency?format=xlsx": _REGENCY_A_DASHBOARD,
        "dashboards:regency_event": _REGENCY_A_DASHBOARD,
        # The recap and its exports: each staff member's own area, and regency A explicitly.
        "registry:recap": _RECAP,
        "registry:recap?format=csv": _RECAP,
        "registry:recap?format=xlsx": _RECAP,
        "registry:recap?regency=36.73": _RECAP_OF_A,
        "registry:recap?regency=36.73&format=xlsx": _RECAP_OF_A,
        # Imports (transfers): upload, template and roster for every staff member with a scope; a batch
        # is its uploader's only (404 for everyone else, like a missing one).
        **{
            f"admin:registry_{model}_import{suffix}": admin_rule()
            for model in ("person", "institution")
            for suffix in ("", "_template", "_roster")
        },
        **{
            f"admin:registry_{model}_import{suffix}": admin_rule(
                staff_a=NOT_FOUND, staff_b=NOT_FOUND, province=NOT_FOUND
            )
            for model in ("person", "institution")
            for suffix in ("_preview", "_errors")
        },
        # Beneficiaries (cases): the same pages on the beneficiary admin; every row is checked against the scope.
        **{f"admin:cases_beneficiary_import{suffix}": admin_rule() for suffix in ("", "_template", "_roster")},
        **{
            f"admin:cases_beneficiary_import{suffix}": admin_rule(
                staff_a=NOT_FOUND, staff_b=NOT_FOUND, province=NOT_FOUND
            )
            for suffix in ("_preview", "_errors")
        },
        # Background jobs: each user's own list; one job, seen and downloaded by its creator (staff A) only.
        "jobs:job_list": roles(OK, anonymous=LOGIN),
        "jobs:job_detail": roles(NOT_FOUND, anonymous=LOGIN, staff_a=OK),
        "jobs:job_status": roles(NOT_FOUND, anonymous=LOGIN, staff_a=OK),
        "jobs:job_download": roles(NOT_FOUND, anonymous=LOGIN, staff_a=OK),
        # Case pages of the volunteer site (cases/site_views.py).
        "volunteer:case_list": _CASE_PAGES,
        "volunteer:case_report": _CASE_PAGES,
        "volunteer:case_detail": _VOLUNTEERS_CASE,
        "volunteer:case_visit": _VOLUNTEERS_CASE,
        "volunteer:case_photo": _VOLUNTEERS_CASE,
    }
)


def _model_rules(*, list_add: dict, change: dict, delete: dict | None = None, add: dict | None = None) -> dict:
    """Rules of one ModelAdmin's views: changelist, add, change/history/bare, delete."""
    # The bare `<object_id>/` URL redirects any staff member to the change page, whose own rule then applies.
    bare = admin_rule(staff_a=REDIRECT, staff_b=REDIRECT, province=REDIRECT)
    return {
        "changelist": list_add,
        "deleted": list_add,
        "export": list_add,  # pskshub.admin_export: the options page of the changelist's download
        "add": add or list_add,
        "change": change,
        "history": change,
        "simple_history": change,
        "participants": change,
        "password_change": change,
        "bare": bare,
        "delete": delete or change,
    }


_ALL_STAFF = admin_rule()
_ONLY_PROVINCE = admin_rule(staff_a=FORBIDDEN, staff_b=FORBIDDEN)
_NO_STAFF = admin_rule(staff_a=FORBIDDEN, staff_b=FORBIDDEN, province=FORBIDDEN)
_A_ONLY = admin_rule(staff_b=MISSING)  # an object of regency A: staff of B cannot find it

# Regional data of regency A, editable by its staff and the province.
_SCOPED = _model_rules(list_add=_ALL_STAFF, change=_A_ONLY)
# Reference data: readable by all staff, added and deleted by nobody through the admin.
_REFERENCE = _model_rules(list_add=_ALL_STAFF, add=_NO_STAFF, change=_ALL_STAFF, delete=_NO_STAFF)
# Regions of regency A: reference data, but staff of B do not see A's.
_REGION_OF_A = _model_rules(list_add=_ALL_STAFF, add=_NO_STAFF, change=_A_ONLY, delete=_NO_STAFF)
# Technical tables (groups, django-axes logs): closed to every staff role.
_CLOSED = _model_rules(list_add=_NO_STAFF, change=_NO_STAFF)
_AXES = _model_rules(  # the opened log row does not exist: history looks the object up before the permission
    list_add=_NO_STAFF,
    change=_NO_STAFF,
    delete=_NO_STAFF,
)
_AXES["history"] = admin_rule(staff_a=STAFF_HOME, staff_b=STAFF_HOME, province=STAFF_HOME)

_NEVER_DELETED = admin_rule(staff_a=FORBIDDEN, staff_b=DENY, province=FORBIDDEN)  # no delete permission

ADMIN_MODEL_RULES.update(
    {
        "auth.group": _CLOSED,
        "axes.accessattempt": _AXES,
        "axes.accesslog": _AXES,
        "axes.accessfailurelog": _AXES,
        # Logins: regency staff open their region's users; only the province adds or deletes.
        "accounts.user": {
            **_model_rules(list_add=_ALL_STAFF, add=_ONLY_PROVINCE, change=_A_ONLY, delete=_ONLY_PROVINCE),
            "password_change": _ONLY_PROVINCE,  # setting someone's password: the province only
        },
        "regions.province": _REFERENCE,
        "regions.regency": _REGION_OF_A,
        "regions.district": _REGION_OF_A,
        "regions.village": _REGION_OF_A,
        "registry.person": _SCOPED,
        "registry.institution": _SCOPED,
        "registry.membership": _SCOPED,
        "registry.pskstype": _REFERENCE,
        "registry.servicefield": _REFERENCE,
        # Change requests are filed on the volunteer site and decided in the admin: never added or deleted there.
        "registry.changerequest": _model_rules(list_add=_ALL_STAFF, add=_NO_STAFF, change=_A_ONLY, delete=_NO_STAFF),
        "forums.forum": _SCOPED,
        "forums.officerterm": _SCOPED,
        "forums.vacancyboard": _model_rules(list_add=_ALL_STAFF, change=_A_ONLY),  # a list only
        "forums.position": _REFERENCE,
        "forums.event": _SCOPED,
        # Who opened whose data: read by the province only, written by nobody through the admin.
        "audit.accesslog": {
            **_model_rules(list_add=_ONLY_PROVINCE, add=_NO_STAFF, change=_ONLY_PROVINCE, delete=_NO_STAFF),
            "history": admin_rule(staff_a=DENY, staff_b=DENY),
        },
        # Cases and beneficiaries: never deleted (rejected/closed; merged). Enrolments are recorded on the case page.
        "cases.case": _model_rules(list_add=_ALL_STAFF, change=_A_ONLY, delete=_NEVER_DELETED),
        "cases.beneficiary": _model_rules(list_add=_ALL_STAFF, change=_A_ONLY, delete=_NEVER_DELETED),
        "cases.intervention": _model_rules(list_add=_ALL_STAFF, add=_NO_STAFF, change=_A_ONLY, delete=_NEVER_DELETED),
        # Programmes: reference data; the province edits what each must not double, regency staff read.
        "cases.programme": _REFERENCE,
        "cases.pmkscategory": _REFERENCE,
    }
)

# Access bugs found by this matrix: (name, role) -> reason; the whole URL case is marked xfail(strict=True).
KNOWN_BUGS: dict[str, str] = {}


def _rule_for(name: str) -> dict[str, frozenset] | None:
    admin_view = _admin_view(name)
    if admin_view:
        label, kind = admin_view
        return ADMIN_MODEL_RULES.get(label, {}).get(kind)
    return RULES.get(name)


def _no_rule(name: str) -> str:
    return f"URL {name} has no rule in the authorization matrix"


# --- The tests ----------------------------------------------------------------------------------------------------------


def test_resolver_walk_finds_the_site_and_the_admin():
    names = {e.name for e in ENTRIES}
    assert {"home", "registry:recap", "volunteer:roster", "admin:index", "admin:autocomplete"} <= names
    for model in admin.site._registry:
        assert f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" in names


def test_every_url_has_a_rule():
    missing = [_no_rule(e.name) for e in ENTRIES if _rule_for(e.name) is None]
    assert not missing, "\n".join(missing)


def test_every_registered_model_admin_has_rules():
    labels = {model._meta.label_lower for model in admin.site._registry}
    assert labels == set(ADMIN_MODEL_RULES), labels ^ set(ADMIN_MODEL_RULES)


def test_every_rule_covers_every_role():
    for name in CASES:
        rule = _rule_for(name)
        if rule is not None:
            assert set(rule) == set(ROLES), name


def _case(name: str):
    if name in KNOWN_BUGS:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]), id=name)
    return pytest.param(name, id=name)


@pytest.mark.parametrize("name", [_case(n) for n in CASES])
def test_authorization_matrix(name, client, world):
    """One URL, every role (one world per URL keeps the run short); a failure lists each role that differs."""
    rule = _rule_for(name)
    if rule is None:
        pytest.fail(_no_rule(name))
    url = _concrete(name, world)
    wrong = []
    for role in ROLES:
        got = _observe(client, world, role, url)
        if got not in rule[role]:
            wrong.append(f"  {role}: expected {sorted(rule[role])}, got {got!r}")
    assert not wrong, f"GET {url} ({name}):\n" + "\n".join(wrong)

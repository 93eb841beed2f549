from django.urls import path, register_converter

from cases import site_views as case_views
from volunteer import views
from volunteer.units import DISTRICT, INSTITUTION


class UnitKindConverter:
    """`lembaga` (an institution, by id) or `kecamatan` (a district, by Kemendagri code)."""

    regex = f"{INSTITUTION}|{DISTRICT}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnitKindConverter, "unitkind")

app_name = "volunteer"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("kontak/", views.contacts_update, name="contacts_update"),
    path("ubah-data/", views.change_request_create, name="change_request_create"),
    path("keanggotaan/<int:pk>/ubah/", views.membership_change_request_create, name="membership_change_request_create"),
    path("permintaan/", views.change_request_list, name="change_request_list"),
    path("permintaan/<int:pk>/batalkan/", views.change_request_withdraw, name="change_request_withdraw"),
    path("unit/", views.unit_list, name="unit_list"),
    path("unit/<unitkind:kind>/<str:key>/", views.roster, name="roster"),
    path("unit/<unitkind:kind>/<str:key>/tambah/", views.roster_add, name="roster_add"),
    path("unit/<unitkind:kind>/<str:key>/anggota/<int:pk>/akhiri/", views.membership_end, name="membership_end"),
    path("anggota/<int:pk>/kontak/", views.member_contacts_update, name="member_contacts_update"),
    # Cases (cases/site_views.py): Kasus Saya, reporting a case, the case page, visits, photos.
    path("kasus/", case_views.case_list, name="case_list"),
    path("kasus/lapor/", case_views.case_report, name="case_report"),
    path("kasus/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("kasus/<int:pk>/kunjungan/", case_views.case_visit, name="case_visit"),
    path("kasus/foto/<int:pk>/", case_views.case_photo, name="case_photo"),
]

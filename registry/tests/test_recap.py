"""Rekap PSKS: the figures Dinsos publishes, per type and per kabupaten/kota, on the page and in downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import Institution, Membership, Person, PsksType, Verification
from registry.tests.factories import LEBAK_VILLAGE, InstitutionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

REGENCIES = [
    "Kabupaten Pandeglang",
    "Kabupaten Lebak",
    "Kabupaten Tangerang",
    "Kabupaten Serang",
    "Kota Tangerang",
    "Kota Cilegon",
    "Kota Serang",
    "Kota Tangerang Selatan",
]
PSM = "Pekerja Sosial Masyarakat (PSM)"
TKSK = "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"
TAGANA = "Taruna Siaga Bencana (Tagana)"
LKS = "Lembaga Kesejahteraan Sosial (LKS)"
KARANG_TARUNA = "Karang Taruna"


class TableParser(HTMLParser):
    """The first table of a page as rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_table = self.in_cell = False
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table":
            self.in_table = True
        elif self.in_table and tag == "tr":
            self.rows.append([])
        elif self.in_table and tag in ("td", "th"):
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.in_cell = False
        elif tag == "table" and self.in_table:
            self.in_table, self.done = False, True

    def handle_data(self, data):
        if self.in_cell:
            self.rows[-1][-1] += data

    @classmethod
    def table(cls, html: str) -> dict[str, list[str]]:
        """{"header": [...], "<jenis PSKS>": [cells after the type's name]}."""
        parser = cls()
        parser.feed(html)
        rows = [[" ".join(cell.split()) for cell in row] for row in parser.rows]
        table = {"header": rows[0]}
        for row in rows[1:]:
            table[row[1]] = row[2:]  # after No. and Jenis PSKS: Satuan, one per region, Jumlah
        return table


def tksk_in(district: str, **person) -> Membership:
    return MembershipFactory(
        person=PersonFactory(**person), psks_type=PsksType.objects.get(code="TKSK"), district_id=district
    )


@pytest.fixture
def known_data():
    """What the recap must count, and what it must not."""
    psm = PsksType.objects.get(code="PSM")
    # Kota Serang: 3 PSM counted, one of them with two active PSM memberships (counted once).
    twice = MembershipFactory(person=PersonFactory(full_name="PSM Dua Unit")).person
    MembershipFactory(person=twice, psks_type=psm, membership_number="KTA-2")
    MembershipFactory()
    MembershipFactory()
    # Not counted: person unverified, membership unverified, membership ended, person inactive.
    MembershipFactory(person=PersonFactory(verification=Verification.UNVERIFIED))
    MembershipFactory(verification=Verification.UNVERIFIED)
    MembershipFactory(status=Membership.Status.ENDED, end_date=dt.date(2024, 6, 30))
    MembershipFactory(
        person=PersonFactory(
            status=Person.Status.INACTIVE, status_date=dt.date(2024, 7, 1), status_reason="mengundurkan diri"
        )
    )
    # Kota Serang: 2 TKSK in two kecamatan. Kabupaten Lebak: 1 Tagana.
    tksk_in("36.73.01")
    tksk_in("36.73.05")
    MembershipFactory(person=PersonFactory(village_code=LEBAK_VILLAGE), psks_type=PsksType.objects.get(code="TAGANA"))
    # Institutions: 2 LKS counted in Kota Serang; one unverified and one inactive not; 1 Karang Taruna in Lebak.
    InstitutionFactory()
    InstitutionFactory()
    InstitutionFactory(verification=Verification.UNVERIFIED)
    InstitutionFactory(status=Institution.Status.INACTIVE)
    InstitutionFactory(psks_type=PsksType.objects.get(code="KT"), village_code=LEBAK_VILLAGE)


def counts(row: list[str]) -> list[int]:
    return [int(cell) for cell in row[1:]]


def test_province_recap_counts_per_type_and_regency(client, province_staff, known_data):
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"))

    assert response.status_code == 200
    table = TableParser.table(response.text)
    assert table["header"] == ["No.", "Jenis PSKS", "Satuan", *REGENCIES, "Jumlah"]
    #                       Pdg Lbk Tng KSr KTg Clg KtS Tgs  Jumlah
    assert counts(table[PSM]) == [0, 0, 0, 0, 0, 0, 3, 0, 3]
    assert counts(table[TKSK]) == [0, 0, 0, 0, 0, 0, 2, 0, 2]
    assert counts(table[TAGANA]) == [0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert counts(table[LKS]) == [0, 0, 0, 0, 0, 0, 2, 0, 2]
    assert counts(table[KARANG_TARUNA]) == [0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert table[PSM][0] == "Orang"
    assert table[LKS][0] == "Lembaga"
    assert len(table) == 1 + PsksType.objects.count()
    others = [row for name, row in table.items() if name not in ("header", PSM, TKSK, TAGANA, LKS, KARANG_TARUNA)]
    assert all(counts(row) == [0] * 9 for row in others)


def test_recap_of_one_regency(client, province_staff, known_data):
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"), {"regency": "36.73"})

    table = TableParser.table(response.text)
    assert table["header"] == ["No.", "Jenis PSKS", "Satuan", "Kota Serang"]
    assert counts(table[PSM]) == [3]
    assert counts(table[TKSK]) == [2]
    assert counts(table[TAGANA]) == [0]
    assert counts(table[LKS]) == [2]
    assert counts(table[KARANG_TARUNA]) == [0]


def test_regency_staff_see_their_own_figures_only(client, serang_staff, lebak_staff, known_data):
    client.force_login(serang_staff)
    table = TableParser.table(client.get(reverse("registry:recap")).text)
    assert table["header"] == ["No.", "Jenis PSKS", "Satuan", "Kota Serang"]
    assert (counts(table[PSM]), counts(table[TAGANA]), counts(table[KARANG_TARUNA])) == ([3], [0], [0])

    client.force_login(lebak_staff)
    table = TableParser.table(client.get(reverse("registry:recap")).text)
    assert table["header"] == ["No.", "Jenis PSKS", "Satuan", "Kabupaten Lebak"]
    assert (counts(table[PSM]), counts(table[TAGANA]), counts(table[KARANG_TARUNA])) == ([0], [1], [1])


def test_regency_staff_get_404_for_another_regency(client, serang_staff, known_data):
    client.force_login(serang_staff)

    assert client.get(reverse("registry:recap"), {"regency": "36.02"}).status_code == 404
    assert client.get(reverse("registry:recap"), {"regency": "36.02", "format": "csv"}).status_code == 404
    assert client.get(reverse("registry:recap"), {"regency": "99.99"}).status_code == 404


def test_recap_csv_download(client, province_staff, known_data):
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="rekap-psks-provinsi-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["No.", "Jenis PSKS", "Satuan", *REGENCIES, "Jumlah"]
    by_type = {row[1]: row for row in rows[1:]}
    assert by_type[PSM][2:] == ["Orang", "0", "0", "0", "0", "0", "0", "3", "0", "3"]
    assert by_type[KARANG_TARUNA][2:] == ["Lembaga", "0", "1", "0", "0", "0", "0", "0", "0", "1"]
    assert len(rows) == 1 + PsksType.objects.count()


def test_recap_csv_of_one_regency(client, serang_staff, known_data):
    client.force_login(serang_staff)
    response = client.get(reverse("registry:recap"), {"format": "csv"})

    assert 'filename="rekap-psks-3673-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0] == ["No.", "Jenis PSKS", "Satuan", "Kota Serang"]
    assert {row[1]: row[3] for row in rows[1:]}[TKSK] == "2"


def test_recap_xlsx_download(client, province_staff, known_data):
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert '.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert sheet.title == "Rekap PSKS"
    assert list(rows[0]) == ["No.", "Jenis PSKS", "Satuan", *REGENCIES, "Jumlah"]
    by_type = {row[1]: list(row) for row in rows[1:]}
    assert by_type[PSM][2:] == ["Orang", 0, 0, 0, 0, 0, 0, 3, 0, 3]
    assert by_type[LKS][2:] == ["Lembaga", 0, 0, 0, 0, 0, 0, 2, 0, 2]


def test_recap_page_links_to_downloads_of_what_is_shown(client, province_staff, known_data):
    client.force_login(province_staff)
    response = client.get(reverse("registry:recap"), {"regency": "36.73"})

    assert 'href="?regency=36.73&amp;format=csv"' in response.text
    assert 'href="?regency=36.73&amp;format=xlsx"' in response.text


def test_user_without_role_gets_403(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("registry:recap")).status_code == 403
    assert client.get(reverse("registry:recap"), {"format": "csv"}).status_code == 403


def test_visitor_is_sent_to_login(client):
    response = client.get(reverse("registry:recap"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('registry:recap')}"


def test_recap_accepts_get_only(client, province_staff):
    client.force_login(province_staff)
    assert client.post(reverse("registry:recap")).status_code == 405


def _query_count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# session, user, roles, 2 permission reads, regencies (view and recap), PSKS types, memberships, institutions
@pytest.mark.parametrize(
    ("params", "max_queries"),
    [({}, 10), ({"regency": "36.73"}, 11), ({"format": "csv"}, 10), ({"format": "xlsx"}, 10)],
)
def test_recap_queries_are_few_and_do_not_grow_with_data(client, province_staff, known_data, params, max_queries):
    url = reverse("registry:recap")
    client.force_login(province_staff)
    client.get(url, params)

    small = _query_count(client, url, params)
    for _ in range(10):
        MembershipFactory()
        MembershipFactory(person=PersonFactory(village_code=LEBAK_VILLAGE))
        InstitutionFactory()
    large = _query_count(client, url, params)

    assert small == large
    assert large <= max_queries

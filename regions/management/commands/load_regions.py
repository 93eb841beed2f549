from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.loader import UnknownProvince, load_province


class Command(BaseCommand):
    help = "Load or refresh the regions of the configured province (PROVINCE_CODE) from the shipped data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--province", default=None, help="Kemendagri province code; default PROVINCE_CODE.")

    def handle(self, *args, province: str | None = None, **options) -> None:
        code = province or settings.PROVINCE_CODE
        try:
            report = load_province(code)
        except UnknownProvince as exc:
            raise CommandError(f"Unknown province code {exc}: see regions/data/indonesia/provinces.csv") from exc
        for label, total in report.total.items():
            self.stdout.write(
                f"{label}: {total} in data, {report.created[label]} created, {report.updated[label]} updated"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions of province {code}: {report.created_count} created, {report.updated_count} updated"
            )
        )

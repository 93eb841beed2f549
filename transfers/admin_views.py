"""Import pages in the admin: upload → preview (row by row) → commit; the template and the roster for editing.

Mixed into PersonAdmin and InstitutionAdmin (registry/admin.py) and BeneficiaryAdmin (cases/admin.py). Who may
import: staff with the add and change permissions of the model and a region scope; every row is then checked
against that scope.
A batch is seen only by its uploader (404 for anyone else, like a missing one).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import staff_scope
from audit.services import Action, log_access
from pskshub.lib.tabular import XLSX_CONTENT_TYPE
from pskshub.scoping import visible
from transfers import services
from transfers.models import ImportBatch
from transfers.readers import FileRefused
from transfers.schemas import SCHEMA_FOR_MODEL


class UploadForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # an empty file gets the importer's own message
        label=gettext_lazy("Berkas Excel (.xlsx) atau CSV"),
        help_text=gettext_lazy("Paling besar 30 MB. CSV boleh UTF-8 atau dari Excel (pemisah titik koma)."),
    )


class CommitForm(forms.Form):
    only_valid = forms.BooleanField(
        label=gettext_lazy("Impor baris yang sah saja; baris yang salah dilewati"), required=False
    )


class ImportAdminMixin:
    """Adds the import pages to a ModelAdmin of a model that has a schema in transfers.schemas."""

    import_template = "admin/transfers/import_upload.html"
    preview_template = "admin/transfers/import_preview.html"

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_import"
        view = self.admin_site.admin_view
        urls = [
            path("impor/", view(self.import_upload_view), name=prefix),
            path("impor/templat/", view(self.import_template_view), name=f"{prefix}_template"),
            path("impor/unduh-untuk-diedit/", view(self.import_roster_view), name=f"{prefix}_roster"),
            path("impor/<uuid:batch_id>/", view(self.import_preview_view), name=f"{prefix}_preview"),
            path("impor/<uuid:batch_id>/kesalahan/", view(self.import_errors_view), name=f"{prefix}_errors"),
        ]
        return [*urls, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if self.has_import_permission(request):
            extra_context = {**(extra_context or {}), "import_url": self._import_url("")}
        return super().changelist_view(request, extra_context)

    # --- helpers ---------------------------------------------------------------------------------------------

    @property
    def schema(self):
        return SCHEMA_FOR_MODEL[self.model]

    def _import_url(self, suffix: str, *args) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import{suffix}", args=args, current_app=self.admin_site.name
        )

    def has_import_permission(self, request) -> bool:
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and not staff_scope(request.user).is_empty
        )

    def _check_permission(self, request) -> None:
        if not self.has_import_permission(request):
            raise PermissionDenied

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "subtitle": None,
            "schema": self.schema,
            "changelist_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist",
                current_app=self.admin_site.name,
            ),
            "upload_url": self._import_url(""),
            "template_url": self._import_url("_template"),
            "roster_url": self._import_url("_roster"),
            **extra,
        }

    def _batch(self, request, batch_id) -> ImportBatch:
        batch = services.batches_for(request.user).filter(pk=batch_id, kind=self.schema.kind).first()
        if batch is None:
            raise Http404
        return services.sync_with_job(batch)

    # --- views -----------------------------------------------------------------------------------------------

    def import_upload_view(self, request):
        self._check_permission(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.import_upload(
                    user=request.user, kind=self.schema.kind, upload=form.cleaned_data["file"]
                )
            except (services.ImportRefused, FileRefused) as exc:
                form.add_error("file", exc.message)
            else:
                return HttpResponseRedirect(self._import_url("_preview", batch.pk))
        recent = services.batches_for(request.user).filter(kind=self.schema.kind)[:10]
        title = _("Impor %(name)s") % {"name": self.schema.title}
        return TemplateResponse(request, self.import_template, self._context(request, title, form=form, recent=recent))

    def import_preview_view(self, request, batch_id):
        self._check_permission(request)
        batch = self._batch(request, batch_id)
        form = CommitForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.import_commit(
                    batch=batch, acting_user=request.user, only_valid=form.cleaned_data["only_valid"]
                )
            except services.ImportRefused as exc:
                messages.error(request, exc.message)
            else:
                self._commit_message(request, batch)
            return HttpResponseRedirect(self._import_url("_preview", batch.pk))
        errors = Paginator(batch.errors, 200).get_page(request.GET.get("p"))
        title = _("Pratinjau impor: %(name)s") % {"name": batch.original_name}
        context = self._context(
            request,
            title,
            batch=batch,
            counts=batch.counts,
            errors=errors,
            changes=batch.changes[:500],
            more_changes=max(0, len(batch.changes) - 500),
            form=form,
            error_url=self._import_url("_errors", batch.pk),
            job_status_url=reverse("jobs:job_status", args=[batch.job_id]) if batch.job_id else "",
            job_url=reverse("jobs:job_detail", args=[batch.job_id]) if batch.job_id else "",
            written=batch.summary.get("written", {}),
            skipped=batch.counts.get("error", 0) if batch.only_valid else 0,
            verbose_plural=capfirst(self.model._meta.verbose_name_plural),
        )
        return TemplateResponse(request, self.preview_template, context)

    def _commit_message(self, request, batch: ImportBatch) -> None:
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, _("Impor selesai."))
        elif batch.status == ImportBatch.Status.FAILED:
            messages.error(request, batch.message)
        else:
            messages.info(request, _("Impor berjalan di latar belakang; halaman ini menampilkan kemajuannya."))

    def import_errors_view(self, request, batch_id):
        self._check_permission(request)
        batch = self._batch(request, batch_id)
        if not batch.errors:
            raise Http404
        content, filename, content_type = services.error_file(batch)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response

    def import_template_view(self, request):
        self._check_permission(request)
        response = HttpResponse(services.template_workbook(self.schema), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="templat-impor-{self.schema.kind}.xlsx"'
        return response

    def import_roster_view(self, request):
        """The user's roster in the template's format, full NIKs included, to edit and import again."""
        self._check_permission(request)
        queryset = visible(request.user, self.model)
        scope = staff_scope(request.user)
        if not scope.everywhere:  # only rows the user may import back (and see in full: cases.scoping)
            queryset = queryset.filter(regency_id__in=scope.regency_codes)
        content = services.export_workbook(self.schema, queryset)
        detail = _("Unduh untuk diedit (impor)")
        log_access(request, Action.EXPORT, model=self.model, detail=detail, row_count=None)
        if "nik" in self.schema.by_key:  # full NIK/No. KK in the file
            log_access(request, Action.REVEAL, model=self.model, detail=detail, row_count=None)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.schema.kind}-untuk-diedit.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response

"""The admin's doors all go through the scoping rules: querysets, choices, autocomplete, actions."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.choices import BaseChoiceIterator

from pskshub.scoping import has_rule, visible


class ScopedAdminMixin:
    """`get_queryset` and every foreign-key / many-to-many choice come from `pskshub.scoping`.

    Autocomplete endpoints, the change and history views and bulk actions all start from
    `get_queryset`, so a record out of scope is a 404 there too.
    """

    def get_queryset(self, request) -> QuerySet:
        qs = visible(request.user, self.model)
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return qs

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """A record out of scope is a 404, exactly like a missing one (Django's admin would redirect)."""
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and has_rule(db_field.related_model):
            kwargs["queryset"] = visible(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and has_rule(db_field.related_model):
            kwargs["queryset"] = visible(request.user, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False  # no second COUNT(*) over the whole table
    list_per_page = 50


class SharedChoices(BaseChoiceIterator):
    """A select's choices, read once when first rendered and shared by every row's copy of the field."""

    def __init__(self, choices) -> None:
        self.choices = choices
        self.cache: list | None = None

    def rows(self) -> list:
        if self.cache is None:
            self.cache = list(self.choices)
        return self.cache

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())

    def __copy__(self):
        return self  # forms copy their fields and widgets per row: keep sharing

    def __deepcopy__(self, memo):
        return self


class RowAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select told the label of the value its row already holds, so it asks no query."""

    known_labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or self.known_labels is None or not set(selected) <= self.known_labels.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for option_value in selected[:1]:
            options.append(self.create_option(name, option_value, self.known_labels[option_value], True, len(options)))
        return [(None, options, 0)]


class RowLabelsInlineFormSet(BaseInlineFormSet):
    """Each existing row tells its autocomplete selects the label of its current value (already loaded)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None:
            return form
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, RowAutocompleteSelect) and isinstance(field, forms.ModelChoiceField):
                related = getattr(form.instance, name, None)
                if related is not None:
                    key = str(getattr(related, field.to_field_name or "pk"))
                    widget.known_labels = {key: field.label_from_instance(related)}
        return form


class ScopedInlineMixin(ScopedAdminMixin):
    """Inline rows share their choices: one query per select for the whole inline, never one per row.

    Plain selects evaluate their (scoped) choices once; autocomplete selects take their label from
    the row's own related object, which the inline's `get_queryset` loads with `select_related`.
    A row form that narrows a field's queryset itself must also set that field's `choices`.
    """

    formset = RowLabelsInlineFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(formfield, forms.ModelChoiceField) and not isinstance(
            getattr(widget, "widget", widget), AutocompleteSelect
        ):
            formfield.choices = SharedChoices(formfield.choices)
        return formfield


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass

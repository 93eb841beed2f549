"""`{% fast_result_list cl %}`: Django's `{% result_list cl %}` (same template, same headers), rows from
`pskshub.admin_list.RowRenderer`: each row one string, so the template loops over rows, not cells."""

from __future__ import annotations

from django.contrib.admin.templatetags.admin_list import ResultList, result_headers, result_list
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template import Library

from pskshub.admin_list import RowRenderer

register = Library()


def fast_result_list(cl) -> dict:
    if not RowRenderer.supports(cl):
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [ResultList(None, [row]) for row in RowRenderer(cl).rows()],
    }


@register.tag(name="fast_result_list")
def fast_result_list_tag(parser, token):
    return InclusionAdminNode(
        "fast_result_list",
        parser,
        token,
        func=fast_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )

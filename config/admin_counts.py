"""Template tags of the admin's own templates overridden in templates/admin/ (the change list's
pager, result count, "Select all" and filter sidebar): counts written as the rest of the desk
writes them (intcomma: 1,234), and an estimated count said to be one ("about 1,234,000"). Both
apps' admins draw these templates, so the library is here, named in settings (TEMPLATES'
"libraries"): config/ is no app.

Imports only Django."""

import re

from django import template
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What Django's filters add to a choice when the counts are shown: f"{title} ({count})", the
# count last (or "(-)" where a filter cannot count it).
_FACET_COUNT = re.compile(r" \((\d+)\)$")


def _estimated(cl) -> bool:
    return getattr(cl.paginator, "estimated", False)


@register.filter
def changelist_count(cl) -> str:
    """The change list's count of its rows (cl.result_count) as a person reads it: 1,234, or
    "about 1,234,000" where it is the statistics' estimate (an unfiltered list of a big table,
    config.admin_paging.EstimatedCountPaginator), which is off by a few percent. The smaller
    tables' admins keep Django's paginator, which never estimates."""
    count = intcomma(cl.result_count)
    return f"about {count}" if _estimated(cl) else count


@register.simple_tag
def page_link(cl, number):
    """Django's link to a page of the change list (admin_list.paginator_number), its number
    written 10,000; the address keeps its digits, as the desk's pager does. The last page of an
    estimated count is "about" the last (config.admin_paging.EstimatedCountPaginator)."""
    if number == cl.paginator.ELLIPSIS:
        return format_html("{} ", cl.paginator.ELLIPSIS)
    last = number == cl.paginator.num_pages
    about = "about " if last and _estimated(cl) else ""
    if number == cl.page_num:
        return format_html('{}<span class="this-page">{}</span> ', about, intcomma(number))
    end = mark_safe(' class="end"') if last else ""
    query = cl.get_query_string({PAGE_VAR: number})
    return format_html('{}<a href="{}"{}>{}</a> ', about, query, end, intcomma(number))


@register.simple_tag
def next_page_link(cl):
    """From the last page of an estimated count on, a link to the next page where rows follow
    (the estimate may be short of them): Django's pager has no "next", only the numbers up to
    the estimate's last page."""
    if not _estimated(cl) or cl.page_num < cl.paginator.num_pages:
        return ""
    if not cl.paginator.page(cl.page_num).has_next():
        return ""
    query = cl.get_query_string({PAGE_VAR: cl.page_num + 1})
    return format_html('<a href="{}" rel="next">Next →</a> ', query)


@register.simple_tag
def separated_list_filter(cl, spec):
    """Django's admin_list_filter (one filter of the sidebar), its counts ("Show counts", the
    facets) written 1,234: Django writes them into each choice's text, unseparated."""
    choices = list(spec.choices(cl))
    if cl.add_facets:
        for choice in choices:
            choice["display"] = _FACET_COUNT.sub(
                lambda found: f" ({intcomma(found[1])})", str(choice["display"])
            )
    return get_template(spec.template).render(
        {"title": spec.title, "choices": choices, "spec": spec}
    )

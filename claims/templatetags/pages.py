"""The desk's one pager (templates/claims/includes/pagination.html) builds its links here."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page") -> str:
    """This page's query string with `param` set to page `number`: filters, search and sort
    stay as they are across pages (Django's {% querystring %}, with the parameter's name a
    variable, for a page with two pagers)."""
    query = context.request.GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"

"""The desk's one pager (templates/claims/includes/pagination.html) builds its links here."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page") -> str:
    """This page's query string with `param` set to page `number`: filters, search and sort
    stay as they are across pages (Django's {% querystring %}, with the parameter's name a
    variable, for a page with two pagers). A filter or parameter the page's `form` (or, on a
    list without filters, its `address_form`, config.pages.ListAddressForm) refused is left
    out: the list is shown without it, and carried on it would mark the same error on every
    page."""
    query = context.request.GET.copy()
    for form in (context.get("form"), context.get("address_form")):
        if form is None or not form.is_bound:
            continue
        for name in form.errors:
            if name in form.fields:
                query.pop(form[name].html_name, None)
        for name in getattr(form, "refused_parameters", ()):
            query.pop(name, None)
    query[param] = number
    return f"?{query.urlencode()}"

"""The one way a list's page number from the address becomes a page, for every list that
shows the desk's pager (templates/claims/includes/pagination.html). Imports only Django."""

from django.core.paginator import EmptyPage, Page, Paginator


def page_get(paginator: Paginator, number) -> Page:
    """Page `number` of `paginator`. Not Django's get_page: it read ?page=0 or ?page=-1 as past
    the end and showed the last page ("Page 3 of 3" for page 0). A number that is missing, not
    a whole number or below 1 is the first page; one past the end is the last page, with
    `asked` set to the number asked for, so the pager says there is no such page."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    wanted = max(wanted, 1)
    try:
        return paginator.page(wanted)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
        page.asked = wanted
        return page

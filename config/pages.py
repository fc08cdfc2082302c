"""The one way a list's page number from the address becomes a page, for every list that
shows the desk's pager (templates/claims/includes/pagination.html), and the one rule for the
parameters a list's address may hold. Imports only Django."""

from django import forms
from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property


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


class RowsCountedPaginator(Paginator):
    """A paginator over an aggregated list (counts a row) that counts its rows from `rows`,
    the same rows without the aggregates. Django counts an aggregated queryset as COUNT(*)
    over the whole GROUP BY, its joins included: for the desk's speakers index that was every
    claim joined to its verdict and article again, to count 2,000 speakers (116 ms on 50,000
    claims, bench/desk_pages.py, against 1 ms for the speakers alone)."""

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._rows = rows

    @cached_property
    def count(self) -> int:
        return self._rows.count()


def unknown_parameters_refuse(form: forms.Form, *, also: tuple[str, ...] = ()) -> None:
    """Refuse an address parameter `form` does not take (nor `also`, such as the pager's
    `page`), naming it and what the page takes: the desk history's ?actor=5 (its filter is
    `person`) showed everyone's history as if it were that person's, and the queue's
    ?stauts=open every claim as if filtered. The names refused are kept in
    `refused_parameters`, so the pager's links leave them out (claims.templatetags.pages)."""
    known = {form[name].html_name for name in form.fields} | set(also)
    form.refused_parameters = sorted(set(form.data) - known)
    if form.refused_parameters:
        # Cut: a parameter's name is whatever was typed in the address.
        named = ", ".join(name[:40] for name in form.refused_parameters)
        form.add_error(
            None, f"Unknown parameter: {named}. This page takes {', '.join(sorted(known))}."
        )


def spaces_emptied(data):
    """A list address's values of only spaces as the empty values they are. A form sends an
    empty box as `?status=`, and a list drops that filter; `?status=%20` (a space typed into
    an edited address) was refused instead, as a choice not in the list or a date not given
    as year-month-day, where the box looked just as empty."""
    if not hasattr(data, "lists"):
        return data
    emptied = data.copy()
    for name, values in data.lists():
        emptied.setlist(name, ["" if not value.strip() else value for value in values])
    return emptied


class ListFilterForm(forms.Form):
    """A list's filters read from its address: a value of only spaces is no filter, as an
    empty one is (spaces_emptied)."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(spaces_emptied(data), *args, **kwargs)


class ListAddressForm(forms.Form):
    """The address of a list without filters of its own: only the parameters in `takes` (its
    pagers', a search box read by hand), any other refused by unknown_parameters_refuse. Shown
    with the error summary as `address_form`, which the pager's links read too."""

    def __init__(self, data, *, takes: tuple[str, ...]):
        super().__init__(data or None)
        self.takes = takes

    def clean(self):
        cleaned = super().clean()
        unknown_parameters_refuse(self, also=self.takes)
        return cleaned


def list_address_check(query, *, takes: tuple[str, ...]) -> ListAddressForm:
    """A list's address (`request.GET`) checked: an unknown parameter is in its errors, for the
    page's error summary; the list is shown without it, as a refused filter is left out."""
    form = ListAddressForm(query, takes=takes)
    form.is_valid()
    return form

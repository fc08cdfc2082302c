"""Admin pieces both apps' admins use (articles/admin.py, claims/admin/): here, in config/, so
neither app's admin imports the other's; articles/ never imports claims/.

Imports only Django."""

import re

from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import model_format_dict
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.utils.translation import gettext, ngettext


class RefusedActionMixin:
    """An action the user may not run, posted anyway (a forged form, or a page drawn before a
    role changed), is a 403 whose reason names it: not Django's "No action selected." and the
    list again, a 302 as if the click were lost, which told a script or a log nothing was
    refused. The site-wide actions ("Delete selected …") are covered as the admin's own.
    `action_refusals` gives an action its own words. Rows the user may see but the action may
    not change are the action's service's to refuse, each named in the list's messages: the
    list offers every row to select, so such a selection is no forgery."""

    action_refusals: dict[str, str] = {}

    def changelist_view(self, request, extra_context=None):
        # A user who may not read the list gets Django's 403 first, not a message that names
        # the list's actions (and redirects to a page they cannot open).
        readable = self.has_view_or_change_permission(request)
        if readable and request.method == "POST" and "action" in request.POST:
            refusal = self._action_refusal(request, request.POST["action"])
            if refusal:
                raise PermissionDenied(refusal)
        return super().changelist_view(request, extra_context)

    def _action_refusal(self, request, name: str) -> str | None:
        if name in self.get_actions(request):
            return None
        if self.actions is None or IS_POPUP_VAR in request.GET:  # Django offers none there
            return None
        site_wide = [site_name for site_name, _ in self.admin_site.actions]
        declared = filter(None, (self.get_action(action) for action in [*site_wide, *self.actions]))
        known = next(((func, text) for func, known, text in declared if known == name), None)
        if known is None:  # no such action at all: Django's own answer
            return None
        if name in self.action_refusals:
            return self.action_refusals[name]
        func, description = known
        # Django's own descriptions name the rows as "%(verbose_name_plural)s".
        description = str(description) % model_format_dict(self.opts)
        needed = getattr(func, "allowed_permissions", ())
        if not needed:
            return f"You may not “{description}”: nothing changed."
        rows = model_format_dict(self.opts)["verbose_name_plural"]
        return (
            f"You may not “{description}”: it needs the permission to "
            f"{' and '.join(needed)} {rows}, which your account does not have. Nothing changed."
        )


class LookupCheckedChangeList(ChangeList):
    """A change list whose query-string lookups are compiled before it is counted. Django checks
    the lookups' names, but a value only the SQL can refuse ("?created_at__year=-1": "year -1
    is out of range") raised while the list was counted: a 500. Compiled here, it is Django's
    own answer to a bad lookup (back to the list with ?e=1)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        try:
            queryset.query.sql_with_params()
        except EmptyResultSet:  # a lookup that matches nothing is no error
            pass
        except (ValueError, OverflowError, IndexError, TypeError) as error:
            # IndexError: "?id__range=1", a range with one end.
            raise IncorrectLookupParameters(error) from error
        return queryset


# Lookups no desk list filters by. PostgreSQL alone reads the pattern, and refuses a bad one
# ("(") with a DataError once the list is counted, which no compiling beforehand can catch.
_LOOKUPS_REFUSED = frozenset({"regex", "iregex"})


class LookupCheckedMixin:
    """Change lists whose lookups from the address fail as a 4xx, never a 500: values Django's
    check lets through are compiled first (LookupCheckedChangeList), and regular expressions are
    refused (Django answers a lookup it does not allow with a 400)."""

    def get_changelist(self, request, **kwargs):
        return LookupCheckedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in _LOOKUPS_REFUSED:
            return False
        return super().lookup_allowed(lookup, value, request)


# Django's own admin messages that carry a count write it with %d or %s, which no setting gives
# a separator: USE_THOUSAND_SEPARATOR leaves them as they are, and it would put separators into
# every id and attribute the templates write ("Claim #1,234", <progress max="50,000">). Each is
# matched by Django's own msgid, translated as Django translates it when it writes the message.
def _django_counted_messages() -> list[str]:
    return [
        gettext("Successfully deleted %(count)d %(items)s."),
        # A list_editable save (ngettext's singular needs no separator).
        ngettext(
            "%(count)s %(name)s was changed successfully.",
            "%(count)s %(name)s were changed successfully.",
            2,
        ),
    ]


def _message_pattern(template: str) -> re.Pattern:
    parts = re.split(r"(%\(\w+\)[sd])", template)
    pattern = "".join(
        r"(?P<count>\d+)"
        if part in ("%(count)d", "%(count)s")
        else ".+"  # the rows' name, %(items)s or %(name)s
        if index % 2
        else re.escape(part)
        for index, part in enumerate(parts)
    )
    return re.compile(pattern)


def separated_count(message):
    """`message` with its count written 1,234 when it is one of Django's counted admin messages
    ("Successfully deleted 1,234 feeds."); any other message as it is (an object's name,
    "Claim #1234", is not a count)."""
    text = str(message)
    for template in _django_counted_messages():
        match = _message_pattern(template).fullmatch(text)
        if match:
            start, end = match.span("count")
            return f"{text[:start]}{int(match['count']):,}{text[end:]}"
    return message


def summary_counts(counts: dict) -> dict:
    """The delete confirmation's summary ("Feeds: 1,234"), its counts written as the desk's."""
    return {name: f"{count:,}" for name, count in counts.items()}


class SeparatedCountsMixin:
    """Django's own admin messages and delete summaries write their counts as the rest of the
    desk does (intcomma: 1,234), not 1234."""

    def message_user(self, request, message, *args, **kwargs):
        message = separated_count(message)
        return super().message_user(request, message, *args, **kwargs)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, summary_counts(counts), perms_needed, protected

"""The django.request logger's client errors: who was refused where, without a traceback.

Django logs a refused permission (PermissionDenied, a 403) and a bad request with the exception
attached, so every refusal printed a traceback as if the desk had failed. A 4xx is the client's
doing and expected traffic: its one warning keeps the status and path and gains the user's id
(or "anonymous"), which is what an operator needs to follow it. 5xx records pass untouched and
keep their traceback.
"""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        # Once a record: logging.config.dictConfig adds a logger's filters again each time it
        # runs (it never removes them), so the filter may sit on the logger twice.
        if isinstance(record.args, tuple) and not getattr(record, "user_named", False):
            record.msg = f"{record.msg} (user %s)"  # Django's log_response: message and path
            record.args = (*record.args, _user_of(getattr(record, "request", None)))
            record.user_named = True
        return True


def _user_of(request) -> str:
    try:
        user = getattr(request, "user", None)  # the API's authenticated user too (DRF sets it)
        if user is None:
            return "unknown"  # refused before the authentication middleware ran
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # reading the session failed: a log line must never break a response
        return "unknown"

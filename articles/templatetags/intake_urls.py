"""The url_redacted filter: articles.intake.storable.url_redacted, for the intake pages, which
show a job's URLs as its reason and the commands do (no query string, no user name/password)."""

from django import template

from ..intake.storable import url_redacted

register = template.Library()
register.filter("url_redacted", url_redacted)

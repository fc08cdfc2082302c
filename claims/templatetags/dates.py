"""How the public pages write a date: in full ('14 September 2021'), for readers, where the desk
writes its short DATE_FORMAT ('14 Sep 2021', config/formats). One definition for every public
template, as config/formats is for the desk's."""

from django import template
from django.template.defaultfilters import date

register = template.Library()

PUBLIC_DATE_FORMAT = "j F Y"


@register.filter(expects_localtime=True)
def public_date(value) -> str:
    """{{ verdict.published_at|public_date }}: the date in the desk's TIME_ZONE, as |date does."""
    return date(value, PUBLIC_DATE_FORMAT)

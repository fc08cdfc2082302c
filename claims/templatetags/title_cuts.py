"""The title_cut filter: claims.text_cuts.title_cut, for templates (a page's <title>)."""

from django import template

from ..text_cuts import title_cut

register = template.Library()
register.filter("title_cut", title_cut)

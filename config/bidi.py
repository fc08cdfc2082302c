"""Text from outside (an article's title or text, a claim, a speaker's name or role, an outlet's
or a feed's name, another fact-checker's review) set into a sentence of the desk's own words, on
the desk, the public pages and the admin: isolated from those words, so that its direction is
its own and it cannot reorder them. An Arabic or Hebrew claim reads right to left inside
"Claimed by … in …" without pulling the commas and brackets around it along, and a U+202E
(RIGHT-TO-LEFT OVERRIDE) left in an old article's text (storable_body drops them only from rows
stored since 2026-12-06: a claim's offsets point into the body as stored) stops where the claim
does instead of flipping "Rated … by …" after it.

One definition for every template (the `isolated` filter, named in settings' TEMPLATES
"libraries", as config/ is no app) and for the Python that writes HTML or plain text:
- HTML: <bdi>, whose direction is its own text's (dir=auto) and which closes any embedding or
  override left open inside it. Not dir="auto" on the surrounding element: most insertions are
  a few words inside a sentence, which has no element of its own.
- Plain text (a page's <title>, an Atom entry's title, a message or a refusal written in Python
  that names a speaker): FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (U+2068 … U+2069), the
  same isolation as characters, where no element can carry it. Browsers and readers that know
  them (Unicode 6.3, 2013) show nothing for them.
Not for data (the API, ClaimReview's JSON-LD, exports): their consumers set the text into their
own pages and isolate it there; marks added here would change the values they compare and
store. A text that is a whole block on its own (a claim as a page's heading, an article's text)
is isolated too: its block keeps the page's direction, the text inside it takes its own.

Imports only Django."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

register = template.Library()


@register.filter
def isolated(value) -> SafeString:
    """{{ claim.speaker.name|isolated }}: the text escaped, in a <bdi>. A value already safe
    (an include's output, format_html's) is kept as it is, not escaped twice."""
    return format_html("<bdi>{}</bdi>", value)


# is_safe: the marks are no markup, so a safe value stays safe and any other is escaped after.
@register.filter(is_safe=True)
def isolated_line(value) -> str:
    """{{ claim.text|title_cut:80|isolated_line }}: the text between FSI and PDI, for plain text
    (a <title>, a feed entry's title)."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"

"""A claim's words cut to fit a title (a page's <title>, a feed entry's): at a word, not inside
one, since a title is what a reader sees in a browser tab, a search result or a feed reader."""

from django import template

register = template.Library()


@register.filter
def title_cut(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters, else its words that fit in `limit - 1`
    and an ellipsis. A single word longer than that is cut inside, as nothing else fits."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    if text[limit - 1] != " " and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:–—-") + "…"

"""A claim's words cut to fit a title (a page's <title>, a feed entry's) or a record's name (the
admin's lists and its delete confirmation): at a word, not inside one, since that is what a
reader sees in a browser tab, a search result, a feed reader or a list of rows. Plain Python:
the models' __str__ and the title_cut template filter (claims.templatetags.title_cuts) share it.
"""


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

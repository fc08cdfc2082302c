"""The text a reader sees of a value that may hold HTML: the one rule, for line_visible
(articles.services) and so every name and ClaimReview text. No Django, no database."""

import html
from html.parser import HTMLParser

# Elements that stand apart from the text around them: "<p>Taxes</p><p>rose</p>" is two words.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# What a browser never shows as text: a claim is not its page's script or style.
_UNSEEN = frozenset({"script", "style"})
# A tag hidden inside a tag ("<<b>script>") shows after a pass; markup nested deeper than this
# is no claim a publisher wrote, and what is left of it is escaped on every page anyway.
_MARKUP_PASSES = 10


class _TextOfMarkup(HTMLParser):
    """The text a reader sees, entities left as written until the end (markup_dropped)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.unseen = 0
        # A script or style never closed ("the <script> tag" in prose) is no element: its tag
        # and what follows are the text, not dropped to the end of the value.
        self.unseen_held: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _UNSEEN:
            if not self.unseen:
                self.unseen_held = [self.get_starttag_text() or ""]
            self.unseen += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _UNSEEN:
            self.unseen = max(self.unseen - 1, 0)
            if not self.unseen:
                self.unseen_held = []
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if self.unseen:
            self.unseen_held.append(data)
        else:
            self.parts.append(data)

    def close(self):
        super().close()
        if self.unseen:
            self.parts.extend(self.unseen_held)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def markup_dropped(text: str) -> str:
    """The text of a value written as HTML: tags dropped, script and style with their contents,
    block elements separating the words either side, then entities read ("AT&amp;T" is AT&T:
    pages escape what is stored, so a kept "&amp;" would show as written)."""
    for _ in range(_MARKUP_PASSES):
        if "<" not in text or ">" not in text:
            break
        parser = _TextOfMarkup()
        parser.feed(text)
        parser.close()
        stripped = "".join(parser.parts)
        if stripped.count("<") == text.count("<"):
            break
        text = stripped
    return html.unescape(text)

"""HTML → the article's text and metadata, with trafilatura. No Django models, no network."""

import codecs
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import trafilatura
from django.utils import timezone
from trafilatura.settings import set_date_params

from .storable import storable_line

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_HTML_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)")


class ExtractionError(Exception):
    """No article in the page; str() is the reason."""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str
    body: str
    byline: str
    published_at: datetime | None
    language: str
    canonical_url: str
    site_name: str


def article_extract(
    html: bytes,
    *,
    url: str,
    charset: str | None = None,
    min_chars: int = 200,
    title_given: bool = False,
) -> ExtractedArticle:
    """The main text (navigation, related links, cookie banners and footers dropped), with
    paragraphs separated by blank lines, and the page's title, author, date and language.
    `title_given`: the article has a title of its own (typed with the URL), so a page without
    one is no failure; its title is then ""."""
    document = _extraction(_page_text(html, charset), url=url)
    title = storable_line((document.title or "") if document is not None else "")
    paragraphs = _paragraphs(document)
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the headline repeated as the first line of the text
    body = "\n\n".join(paragraphs)
    if len(body) < min_chars:
        raise ExtractionError(f"no article text found: {len(body):,} characters extracted")
    if not title and not title_given:
        raise ExtractionError(
            "the page has no title: give a title with the URL (the submit form's Title, the "
            "API's title, a bulk row's title column), or paste the article's text"
        )
    match = _HTML_LANG.search(html[:5000] if isinstance(html, bytes) else b"")
    return ExtractedArticle(
        title=title[:500],
        body=body,
        byline=storable_line(document.author or "")[:300],
        published_at=_published(document.date),
        language=(match.group(1).decode().lower().replace("_", "-") if match else "")[:16],
        canonical_url=(document.url or "").strip(),
        site_name=(document.sitename or "").strip(),
    )


def _extraction(source: str | bytes, *, url: str | None):
    return trafilatura.bare_extraction(
        source,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS | {"max_date": _today()},
        # No deduplicate=True: its cache lives for the whole process, so a worker would
        # discard a page whose paragraphs it had seen a few times before (syndicated copies).
    )


def _paragraphs(document) -> list[str]:
    text = (document.text or "") if document is not None else ""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Markup, not text. A document's start is HTML whatever follows. Otherwise what tells markup
# from a text about markup is how a tag sits: a tag a text mentions stands apart like a word
# ("the <p> tag", "<script> and </script>", "(</p>, say)"), a tag that marks text up touches
# the text it opens or closes ("<p>The mayor", "rose.</p>", "</script><style>"). A story on web
# security names a tag or two; HTML, even one line of it, has several, or starts with one. Only
# the elements an article's HTML is made of count: "<Enter>" or "<name>" in a text is no tag.
_DOCUMENT_START = re.compile(r"\s*<(?:!doctype\s|html[\s>])", re.IGNORECASE)
_ELEMENTS = (
    "a|abbr|article|aside|b|blockquote|body|br|caption|cite|code|dd|del|div|dl|dt|em|figcaption|"
    "figure|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins|li|link|main|mark|meta|nav|"
    "noscript|ol|p|picture|pre|q|s|script|section|small|source|span|strong|style|sub|sup|table|"
    "tbody|td|tfoot|th|thead|time|title|tr|u|ul|video"
)
# [^<>]* stops at the next "<": a text of many unclosed "<" is read once, not once per "<".
_TAG = re.compile(rf"<(/?)(?:{_ELEMENTS})(?=[\s/>])[^<>]*>", re.IGNORECASE)
# Beside a tag a text mentions: a space, or the punctuation around a word ("<b>,", "(</p>").
_BEFORE_A_WORD = "([{\"'\u201c\u2018\u00ab"
_AFTER_A_WORD = ".,;:!?)]}\"'\u201d\u2019\u00bb"
# Two tags are one element, as a story may quote one ("<b></b>"); a third is markup.
_MARKUP_TAGS_IN_HTML = 3
# A line of tags alone is how HTML is laid out (a CMS's source view, pretty-printed markup:
# '<div class="story">', then "  <p>" on the next line), never how a sentence mentions a tag.
# One tag per repetition ("[^<>]*" cannot run past its ">"), so a line is read once.
_TAGS_ALONE_ON_A_LINE = re.compile(rf"^[^\S\n]*(?:{_TAG.pattern}[^\S\n]*)+$", re.I | re.M)


def _marks_up(text: str, tag: re.Match) -> bool:
    """Whether the tag touches the text it opens (the character after it) or closes (the one
    before it)."""
    if tag.group(1):
        beside = text[tag.start() - 1] if tag.start() else " "
        return not (beside.isspace() or beside in _BEFORE_A_WORD)
    beside = text[tag.end()] if tag.end() < len(text) else " "
    return not (beside.isspace() or beside in _AFTER_A_WORD)


def text_is_html(text: str) -> bool:
    """Whether a text is HTML (a page's source, a CMS's HTML view, a copied fragment), not an
    article's text, which may quote a tag or two: the one test for the paste form, the API,
    bulk rows and the admin (articles.services)."""
    if _DOCUMENT_START.match(text) or _wrapped_in_tags(text.strip()):
        return True
    alone = {
        tag.start()
        for line in _TAGS_ALONE_ON_A_LINE.finditer(text)
        for tag in _TAG.finditer(text, line.start(), line.end())
    }
    markup = 0
    for tag in _TAG.finditer(text):
        if tag.start() in alone or _marks_up(text, tag):
            if not text[: tag.start()].strip():
                return True  # the text starts with markup: '<div class="story">The mayor…'
            markup += 1
            if markup == _MARKUP_TAGS_IN_HTML:
                return True
    return False


def _wrapped_in_tags(text: str) -> bool:
    """Whether the text opens with a tag and ends with a closing one ("<p> The mayor … </p>"):
    an element, however its text is spaced inside it. A text about markup opens or ends with
    words."""
    opening = _TAG.match(text)
    closing = _TAG.fullmatch(text, text.rfind("<")) if opening else None
    return bool(opening and not opening.group(1) and closing and closing.group(1))


def pasted_html_text(text: str) -> str | None:
    """The article's text in a paste that is HTML (text_is_html), extracted as a fetched
    page's is: tags, scripts and page furniture dropped, paragraphs separated by blank lines;
    "" when no text is left. None when the paste is text."""
    if not text_is_html(text):
        return None
    if _DOCUMENT_START.match(text):
        document = text
    else:
        # A fragment in a page of its own: trafilatura reads a lone element as no document.
        document = f"<html><body><article>{text}</article></body></html>"
    return "\n\n".join(_paragraphs(_extraction(document, url=None)))


def page_encoding(html: bytes, charset: str | None) -> str | None:
    """The encoding the page's bytes are really in, or None to let a parser guess. Valid UTF-8
    is read as UTF-8 whatever the header says: servers that label every page ISO-8859-1 are
    common, and text in a legacy encoding is practically never valid UTF-8. A header the bytes
    contradict (a Latin-1 page served as UTF-8) gives way to the page's own <meta> charset:
    decoding with errors replaced would have stored "caf\ufffd" for good."""
    declared = _codec(charset)
    if declared and declared.startswith(("utf-16", "utf-32")):
        candidates = [declared]  # their ASCII bytes alternate with NULs: valid UTF-8 too
    else:
        meta = _META_CHARSET.search(html[:4096])
        candidates = ["utf-8", declared, _codec(meta.group(1).decode("ascii")) if meta else None]
    for encoding in candidates:
        if encoding:
            try:
                html.decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def _page_text(html: bytes, charset: str | None) -> str | bytes:
    """The page as text, or the bytes for trafilatura to guess."""
    encoding = page_encoding(html, charset)
    return html.decode(encoding) if encoding else html


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


# The page's moment with its offset where it gives one ("2026-11-30T10:15:00+0000"); a page
# that gives only a day comes back as its midnight with no offset.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _today() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d")


# The date the page states (meta tags, <time>, JSON-LD, a date in its URL, else a whole date in
# figures in its text), never a year: htmldate's extensive search takes any year the article
# mentions ("fares had doubled since 2020") as its publication date, a guess stored as fact.
# No date rather than a guess.
_DATE_PARAMS = {**set_date_params(False), "outputformat": _DATE_FORMAT}


def _published(value: str | None) -> datetime | None:
    """The page's publication moment. A time without an offset names no moment (whose clock?),
    so only a day is kept of it, at noon, as when the page gives a day alone."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            return day_at_noon(date.fromisoformat(value[:10]))
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else day_at_noon(moment.date())


def day_at_noon(day: date) -> datetime:
    """A source gives a day; the desk stores a moment: noon of that day, as the submit form does."""
    return timezone.make_aware(datetime.combine(day, time(12)))

"""Writes to articles and outlets: every edge (admin, forms, API, commands) comes through here.

Owns normalising and validating an article (text, URL, duplicates), storing it, editing it within
what the published record allows, and `article_submit` (store, then queue the analysis). Handing
the analysis to the broker, and recovering lost analyses, is articles.queueing.
"""

import functools
import hashlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower

from .intake.addresses import PORT_RULE, has_impossible_port, url_host_refused
from .intake.extract import text_is_html
from .intake.markup import markup_dropped
from .intake.storable import storable_body, storable_line, storable_text, url_shown
from .lengths import ColumnLengthValidator, text_check
from .models import Article, IntakeJob, Outlet, SourceKind
from .publication_dates import published_at_refusal
from .queueing import article_queue_analysis
from .records import ARTICLE_RECORD_FIELDS, article_is_record_locked

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# The API's serializer answers with this too (claims.api.article_serializers), so a blank
# title reads the same whichever check meets it first.
TITLE_REQUIRED = "A title is required."
# A title, an outlet's name and a byline, bounded by their columns the same way on every edge:
# the paste form, the API's serializer, a bulk file's row, an intake job, load_seeds. A bulk row
# cut them at 200 and 300 characters without a word, where the form and the API refused the
# same text.
TITLE_LENGTH = ColumnLengthValidator(Article, "title", "title")
OUTLET_NAME_LENGTH = ColumnLengthValidator(Outlet, "name", "outlet's name")
BYLINE_LENGTH = ColumnLengthValidator(Article, "byline", "byline")
# The job fetches the URL as submitted, so its column is the limit.
URL_LENGTH = ColumnLengthValidator(IntakeJob, "fetch_url", "URL")


# A body that is HTML put its tags into the sentences and claims ("<p>The mayor said…").
# Where nobody checks an extraction of it (the API, a bulk row, the admin) it is refused; the
# paste form extracts it for the person pasting to check first (articles.forms).
BODY_IS_HTML = (
    "The body is HTML (a page's source): send the article's plain text, or send its URL "
    "instead and the desk fetches and extracts the page."
)


# A text shorter than this is no article: "Hello" was stored and analysed, an empty claim list
# that looked like an article the desk had read. Five words is below the shortest report (a
# wire flash, "Mayor resigns over budget scandal", has five) and above what is pasted by
# mistake: a word, a name, a heading. A fetched page's text has INTAKE_MIN_TEXT_CHARS too.
ARTICLE_MIN_WORDS = 5
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese kana, CJK
# ideographs): each character is counted as a word, so a Chinese sentence is not one word.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana, CJK ideographs
    "\U00020000-\U0003134f"  # the rarer CJK ideographs, outside the Basic Multilingual Plane
)
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


def word_count(text: str) -> int:
    """The words in `text`: runs of letters or digits ("40", "don't" is two, which a minimum
    does not mind), a character of a script without spaces counted as one."""
    return len(_WORD.findall(text))


def body_too_short_refusal(body: str) -> str | None:
    """Why this text is too short to be an article, or None."""
    words = word_count(body)
    if words >= ARTICLE_MIN_WORDS:
        return None
    return (
        f"This text has {words} word{'' if words == 1 else 's'}; give the article's full text "
        f"(at least {ARTICLE_MIN_WORDS} words)."
    )


class DuplicateArticle(ValidationError):
    """The same text (or the same URL) is already stored; `existing` is that article."""

    def __init__(self, message: str, *, existing: Article):
        super().__init__(message, code="duplicate")
        self.existing = existing


def body_normalize(body: str | bytes) -> str:
    """The text as stored: valid UTF-8, NFC, Unix line endings, no control characters but line
    breaks and tabs and no bidi controls (storable_body), no surrounding blank space."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"The article text is not valid UTF-8 (byte {error.start}): "
                "save it as UTF-8 and try again.",
                code="encoding",
            ) from None
    if "\x00" in body:
        raise ValidationError("The article text contains NUL characters.", code="encoding")
    body = unicodedata.normalize("NFC", storable_body(body))
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def is_blank(text: str) -> bool:
    """True when nothing in `text` would show: only white space and invisible format characters
    (zero-width spaces and joiners, bidi marks, a byte-order mark)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def visible_text(text: str | None) -> str:
    """`text` as the desk stores what was typed: without control characters or bidi overrides
    (storable_text) and the white space around it, or "" when nothing in it would show: a
    zero-width space or a bidi mark alone is no conclusion, reason or name. The one cleaning
    of every desk text, in its form (so a blank one is the form's error) and its service."""
    text = storable_text(text or "")
    return "" if is_blank(text) else text.strip()


def body_content_hash(body: str) -> str:
    """Hash that ignores differences in spacing, so a re-pasted copy is recognised."""
    collapsed = _WHITESPACE.sub(" ", body).strip()
    return hashlib.sha256(collapsed.encode("utf-8")).hexdigest()


# A host of numbers alone that is no dotted quad: 2130706433, 0x7f000001, 127.1 (all of them
# 127.0.0.1 to a resolver). URLValidator refuses these, and the SSRF rule is not weakened here.
_NUMBER_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*\.?$")


def url_number_host_refusal(url: str, *, what: str = "URL") -> str | None:
    """Why a URL whose host is an address given as a bare number is refused, or None: the
    sentence of the paste form and of url_normalize (the API, bulk rows), which otherwise said
    only that the URL was not valid, not why."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    if not _NUMBER_HOST.fullmatch(host) or _is_dotted_quad(host.rstrip(".")):
        return None
    return (
        f"The {what}'s host, {url_shown(host)}, is an address given as a bare number, which is "
        "not accepted: give the site's name, such as https://example.org/story."
    )


def _is_dotted_quad(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def article_url_refusal(url: str) -> str | None:
    """Why the address given with an article's text is refused, or None: the fetch's rule for
    an address written in the URL (articles.intake.addresses, INTAKE_ALLOW_PRIVATE_NETWORKS
    included), which a URL sent alone meets when the job fetches it. Stored with pasted text,
    http://10.0.0.5/story made an outlet "10.0.0.5" and, once a verdict was published, the
    public page's and ClaimReview's link into the desk's own network."""
    host = url_host_refused(url)
    if host is None:
        return None
    return (
        f"Refused: the address of {host} is not allowed; only public internet addresses are "
        "kept as an article's link. Leave the URL out: the text can be stored without one."
    )


def url_normalize(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        message = url_number_host_refusal(url) or f"{url_shown(url)!r} is not a valid http(s) URL."
        raise ValidationError(message, code="url") from None
    if has_impossible_port(url):
        raise ValidationError(
            f"{url_shown(url)!r} is not a valid http(s) URL: {PORT_RULE}.", code="url"
        )
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(key)
        )
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


# A BCP 47 language with an optional region or script, lower-cased: 'en', 'pt-br', 'zh-hant'.
# Or a script and a region (BCP 47's language-Script-REGION: 'zh-hant-tw', as Taiwan's outlets
# write it), at most 12 characters either way.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]{4}-([a-z]{2}|[0-9]{3})|-[a-z0-9]{2,8})?$")
# The one example every refusal of a language code gives (the API, the forms, bulk rows).
LANGUAGE_CODE_EXAMPLE = "such as 'en' or 'pt-br'"
# A host name: dot-separated labels of letters, digits and inner hyphens (IDNs as punycode).
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


# ISO 639-1 codes withdrawn for the codes CLDR knows these languages by, which older systems,
# ClaimReview and pages' lang attributes still send. Not CLDR's whole alias table (Babel's
# language_aliases): it also rewrites codes the desk takes as they are ('tl' to 'fil', 'sh' to
# 'sr-Latn') and reads 'bh', a group of languages, as one of them.
WITHDRAWN_LANGUAGE_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}


def language_normalize(language: str) -> str:
    """A language code as it is checked, stored and filtered by: trimmed, lower-cased, and a
    withdrawn ISO 639-1 code given as today's ('IW-il' -> 'he-il'), so a Hebrew article is
    found under one code whichever was sent."""
    primary, dash, rest = language.strip().lower().partition("-")
    return WITHDRAWN_LANGUAGE_CODES.get(primary, primary) + dash + rest


def language_cased(language: str) -> str:
    """A stored language code as BCP 47 writes it for people and for structured data
    (RFC 5646 2.1.1): the language lower-case, a script title-case, a region upper-case
    ('zh-hant-tw' -> 'zh-Hant-TW', 'en-gb' -> 'en-GB', 'es-419' as it is). Display only: codes
    are stored, compared and filtered lower-cased (language_normalize), and the API returns
    them so, as its filters and its clients' stored values have them."""
    primary, *subtags = language.split("-")
    cased = [primary.lower()]
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            cased.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            cased.append(subtag.upper())
        else:
            cased.append(subtag.lower())
    return "-".join(cased)


def language_refusal(language: str) -> str | None:
    """Why this is not a language code, or None (given as language_normalize gives it): the one
    rule for the API, the admin's forms, bulk rows and the API's language filter. The shape
    alone let 'xx' in."""
    if not LANGUAGE_CODE.fullmatch(language):
        return f"Use a language code {LANGUAGE_CODE_EXAMPLE}."
    primary = language.split("-", 1)[0]
    if primary not in _language_codes():
        return f"No language has the code {primary!r}: use an ISO 639 code {LANGUAGE_CODE_EXAMPLE}."
    return None


def language_named(name: str) -> str | None:
    """The code of the language with this English name in CLDR ("english" -> "en"), or None."""
    return _language_names().get(name.casefold())


@functools.cache
def _language_names() -> dict[str, str]:
    names = {}
    for code, name in Locale("en").languages.items():
        if "_" not in code:
            names.setdefault(name.casefold(), code)
    return names


@functools.cache
def _language_codes() -> frozenset[str]:
    """The languages CLDR names (Babel's copy): every ISO 639-1 two-letter code, and the ISO
    639-2/3 three-letter codes of languages that have none ('fil', 'yue'). Region and script
    subtags ('pt-br', 'zh-hant') are checked for their shape only."""
    return frozenset(code for code in Locale("en").languages if "_" not in code)


_TEXT_TOO_LONG = "The article text has {count:,} characters; the maximum is {limit:,}."


def text_too_long_refusal(count: int) -> str:
    return _TEXT_TOO_LONG.format(count=count, limit=settings.ARTICLE_MAX_CHARS)


def is_text_too_long_refusal(reason: str) -> bool:
    """Whether a job failed for its text's length: pasting that text would be refused too."""
    return reason.startswith(_TEXT_TOO_LONG.split("{", 1)[0])


def outlet_domain_refusal(domain: str) -> str | None:
    """Why this is not an outlet's domain, or None (given lower-cased, without 'www.'). An IP
    address names a server, not a newsroom: the outlet list, its filter and the fact-check's
    "Claimed by ... in" would show 203.0.113.5 as a publisher, one per server it moved to."""
    if _is_ip_address(domain):
        return (
            f"{url_shown(domain)} is an IP address, not a domain: give the outlet's domain, "
            "such as reuters.com."
        )
    labels = domain.split(".")
    if (
        len(domain) <= 253
        and len(labels) >= 2
        and all(map(_HOST_LABEL.fullmatch, labels))
        # No top-level domain is all digits (RFC 3696): "127.1" is an address's short form.
        and not labels[-1].isdigit()
    ):
        return None
    return "Give the outlet's domain, such as reuters.com."


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


def outlet_domain_normalize(domain: str) -> str:
    """An outlet's domain as it is stored: trimmed, lower-case, without 'www.', and in its
    ASCII (punycode) form, so "bücher.example" typed in the admin and read from an article's
    URL is the one outlet "xn--bcher-kva.example". A name IDNA cannot encode stays as given,
    for outlet_domain_refusal to refuse."""
    text = (domain or "").strip().lower().removeprefix("www.")
    if text.isascii():
        return text
    try:
        return text.encode("idna").decode("ascii").removeprefix("www.")
    except UnicodeError:
        return text


def domain_from_url(url: str) -> str:
    return outlet_domain_normalize(urlsplit(url).hostname or "")


def outlet_domain_named(name: str) -> str:
    """The domain an outlet's name stands for when the name is a domain or an address
    ("reuters.com", "https://www.Example.org/path"), else "": for an IP address too."""
    return _outlet_domain_or_none(_host_named(name))


def outlet_domain_of_url(url: str) -> str:
    """The outlet domain of an article's URL, "" where its host is an IP address. Read from
    the URL's host, not by the name rule: a path may hold "@" (medium.com/@author/story)."""
    return _outlet_domain_or_none(domain_from_url(url))


def _outlet_domain_or_none(domain: str) -> str:
    return "" if not domain or outlet_domain_refusal(domain) else domain


def _host_named(name: str) -> str:
    """The host a name stands for when it is a host or an address, as a domain is stored."""
    text = (name or "").strip()
    if not text or any(char.isspace() for char in text) or "@" in text:
        return ""
    if _is_ip_address(text):
        return text  # "2001:db8::1", which would read as a host and a port
    try:
        host = urlsplit(text if "://" in text else f"http://{text}").hostname or ""
    except ValueError:
        return ""
    return outlet_domain_normalize(host)


def line_visible(text: str) -> str:
    """A one-line text as it reads once any HTML in it is dropped (intake.markup), its white space
    collapsed and trimmed, without control characters or bidi controls (storable_line): the
    one rule for a name that says who published something, a ClaimReview's publisher or an
    outlet's name, where markup is a copying slip ("City <i>Gazette</i>"), never the name."""
    return storable_line(_WHITESPACE.sub(" ", markup_dropped(text or "")))


def outlet_name_refusal(name: str) -> str | None:
    """Why a given outlet's name names no outlet, or None: one of HTML tags alone ("<b></b>"),
    which line_visible leaves empty, would store the article with no outlet without a word."""
    if storable_line(name or "") and not line_visible(name):
        return "The outlet's name is HTML tags with no text: give the outlet's name as plain text."
    return None


def outlet_get_or_create(*, name: str = "", domain: str = "") -> Outlet | None:
    """The outlet with this domain, or (none given) this name, created when there is none. A
    name that is a domain or an address means that domain: matched by it, it is no second
    outlet named "reuters.com" beside the real one. A name is stored and matched as it reads
    (line_visible): "City <i>Gazette</i>", "City Gazette" and "city gazette " are one outlet."""
    name, domain = line_visible(name), outlet_domain_normalize(domain)
    if _is_ip_address(_host_named(name)):
        # A page's site name is its host where it names none: an address is no outlet's name.
        name = ""
    named = outlet_domain_named(name)
    if named:
        domain = domain or named
        name = named if named == domain else ""  # another domain's name is no name for this one
    if not domain and not name:
        return None
    if domain:
        outlet, _ = Outlet.objects.get_or_create(domain=domain, defaults={"name": name or domain})
        return outlet
    existing = _outlet_named(name)
    if existing:
        return existing
    # Known by its name alone, it has no domain (none is made up: API clients took one for the
    # outlet's site). The name is its key then (outlet_name_only_unique): a twin submission
    # that created it first is the outlet.
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, domain=None)
    except IntegrityError:
        return _outlet_named(name)


def _outlet_named(name: str) -> Outlet | None:
    """The first outlet by this name, case aside (with a domain or without): the oldest, so a
    name always reaches the outlet it reached before."""
    named = Outlet.objects.alias(name_key=Lower("name")).filter(name_key=Lower(Value(name)))
    return named.order_by("pk").first()


@dataclass(frozen=True)
class CleanArticle:
    title: str
    body: str
    content_hash: str
    url: str


def article_clean(
    *,
    title: str,
    body: str | bytes,
    source_kind: str,
    url: str = "",
    published_at: datetime | None = None,
    language: str | None = None,
    outlet_domain: str = "",
    outlet_name: str = "",
    byline: str = "",
    extracted: bool = False,
) -> CleanArticle:
    """Validate an article before it is stored. Raises ValidationError with per-field messages,
    or DuplicateArticle when the same text or URL is already stored.

    Every field is checked before the repeat: a client may not read another's article, and a
    refusal that came after "already stored" would tell it the text is stored without storing
    its own (`language` given as language_normalize gives it and `outlet_domain` lower-cased,
    as article_create does).

    `extracted`: the body is the desk's own extraction of a fetched page, not HTML whatever
    it quotes (an article on web design may quote "<p>…</p>")."""
    errors: dict[str, list[str]] = {}
    # A NUL or half a surrogate pair failed the INSERT itself (a 500, a command's traceback)
    # where no form or serializer had refused it first: load_seeds, the shell.
    for field, text, what in [
        ("title", title, "title"),
        ("outlet", outlet_name, "outlet's name"),
        ("byline", byline, "byline"),
    ]:
        try:
            text_check(text or "", what)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
    for field, text, length in [
        ("outlet", outlet_name, OUTLET_NAME_LENGTH),
        ("byline", byline, BYLINE_LENGTH),
    ]:
        if field not in errors:
            try:
                length(storable_line(text or ""))
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
    refusal = "outlet" not in errors and outlet_name_refusal(outlet_name)
    if refusal:
        errors["outlet"] = [refusal]
    title = storable_line(title or "")
    if "title" not in errors and is_blank(title):
        errors.setdefault("title", []).append(TITLE_REQUIRED)
    elif "title" not in errors:
        try:
            TITLE_LENGTH(title)
        except ValidationError as error:
            errors.setdefault("title", []).extend(error.messages)
    if source_kind not in SourceKind.values:
        errors.setdefault("source_kind", []).append(f"Unknown source kind {source_kind!r}.")

    try:
        body = body_normalize(body)
    except ValidationError as error:
        errors.setdefault("body", []).extend(error.messages)
        body = ""
    else:
        if is_blank(body):
            errors.setdefault("body", []).append("The article text is empty.")
        elif len(body) > settings.ARTICLE_MAX_CHARS:
            errors.setdefault("body", []).append(text_too_long_refusal(len(body)))
        elif not extracted and text_is_html(body):
            errors.setdefault("body", []).append(BODY_IS_HTML)
        elif too_short := body_too_short_refusal(body):
            errors.setdefault("body", []).append(too_short)
    try:
        url = url_normalize(url)
    except ValidationError as error:
        errors.setdefault("url", []).extend(error.messages)
    else:
        refusal = url and article_url_refusal(url)
        if refusal:
            errors.setdefault("url", []).append(refusal)
    refusal = published_at_refusal(published_at)
    if refusal:
        errors.setdefault("published_at", []).append(refusal)
    for field, refusal in [
        ("language", language is not None and language_refusal(language)),
        ("outlet", outlet_domain and outlet_domain_refusal(outlet_domain)),
    ]:
        if refusal:
            errors.setdefault(field, []).append(refusal)
    if errors:
        raise ValidationError(errors)

    content_hash = body_content_hash(body)
    existing = Article.objects.filter(content_hash=content_hash).first()
    if existing:
        raise DuplicateArticle(
            f"This text is already stored as article #{existing.pk} ({existing.title}).",
            existing=existing,
        )
    if url:
        existing = Article.objects.filter(url=url).first()
        if existing:
            raise DuplicateArticle(
                f"An article with this URL is already stored as #{existing.pk} ({existing.title}).",
                existing=existing,
            )
    return CleanArticle(title=title, body=body, content_hash=content_hash, url=url)


def article_refusal_reasons(error: ValidationError) -> list[str]:
    """A refusal's messages, each naming its field ("body: The article text is empty."), for
    where no form shows the field beside it: an import's line, a seed entry."""
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return error.messages


def article_create(
    *,
    title: str,
    body: str | bytes,
    source_kind: str,
    outlet_name: str = "",
    outlet_domain: str = "",
    outlet: Outlet | None = None,
    url: str = "",
    byline: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    created_by=None,
    import_batch=None,
    extracted: bool = False,
) -> Article:
    """Validate and store one article. Raises ValidationError (DuplicateArticle for a repeat).

    `outlet`: one already chosen (a feed's), taken as it is, where `outlet_name` and
    `outlet_domain` name one to find or create: a feed's outlet known by name alone has no
    domain to give, and the article's URL would name another.

    It does not queue the analysis; `article_submit` does both.
    """
    language = language_normalize(language or "en")
    outlet_domain = outlet_domain_normalize(outlet_domain)
    clean = article_clean(
        title=title,
        body=body,
        source_kind=source_kind,
        url=url,
        published_at=published_at,
        language=language,
        outlet_domain=outlet_domain,
        outlet_name=outlet_name,
        byline=byline,
        extracted=extracted,
    )
    try:
        with transaction.atomic():
            outlet = outlet or outlet_get_or_create(
                name=outlet_name,
                domain=outlet_domain or outlet_domain_of_url(clean.url),
            )
            return Article.objects.create(
                title=clean.title,
                body=clean.body,
                content_hash=clean.content_hash,
                source_kind=source_kind,
                outlet=outlet,
                url=clean.url,
                byline=storable_line(byline or ""),
                published_at=published_at,
                language=language,
                created_by=created_by,
                import_batch=import_batch,
            )
    except IntegrityError:
        # Lost a race with an identical submission: report the winner, keep nothing of ours.
        existing = Article.objects.filter(content_hash=clean.content_hash).first() or (
            Article.objects.filter(url=clean.url).first() if clean.url else None
        )
        if existing is None:
            raise
        raise DuplicateArticle(
            f"This article is already stored as #{existing.pk} ({existing.title}).",
            existing=existing,
        ) from None


def article_edit_clean(
    *, article: Article, title: str, url: str, published_at: datetime | None = None
) -> tuple[str, str]:
    """Validate an edit of a stored article's title, URL and publication date the way a new
    article is validated: the same normalisation, and the URL must not be another article's.
    A stored date is checked only when it changes: one kept from before the rule (or locked by
    a published verdict) must not block an edit of the title."""
    errors: dict[str, list[str]] = {}
    title = storable_line(title or "")
    if is_blank(title):
        errors["title"] = [TITLE_REQUIRED]
    refusal = published_at != article.published_at and published_at_refusal(published_at)
    if refusal:
        errors["published_at"] = [refusal]
    try:
        url = url_normalize(url)
    except ValidationError as error:
        errors["url"] = list(error.messages)
    else:
        # Checked only when it changes, as the date is: one stored before the rule must not
        # block an edit of the title.
        refusal = url and url != article.url and article_url_refusal(url)
        if refusal:
            errors["url"] = [refusal]
    if errors:
        raise ValidationError(errors)
    if url:
        existing = Article.objects.filter(url=url).exclude(pk=article.pk).first()
        if existing:
            raise DuplicateArticle(
                f"An article with this URL is already stored as #{existing.pk} ({existing.title}).",
                existing=existing,
            )
    return title, url


def article_update(
    *,
    article: Article,
    title: str,
    url: str = "",
    byline: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    outlet: Outlet | None = None,
) -> Article:
    """Save an edit of a stored article (the admin's change form); the body never changes, nor
    what a published verdict shows of the article."""
    title, url = article_edit_clean(
        article=article, title=title, url=url, published_at=published_at
    )
    language = language_normalize(language or "en")
    try:
        with transaction.atomic():
            current = Article.objects.select_for_update().get(pk=article.pk)
            wanted = {"title": title, "url": url, "outlet": outlet}
            wanted |= {"published_at": published_at, "language": language}
            changed = [
                name for name in ARTICLE_RECORD_FIELDS if getattr(current, name) != wanted[name]
            ]
            if changed and article_is_record_locked(current):
                raise ValidationError(
                    "A published verdict shows this article's "
                    f"{', '.join(name.replace('_', ' ') for name in changed)}: "
                    "they are part of the published record and cannot change."
                )
            for name, value in wanted.items():
                setattr(article, name, value)
            article.byline = (byline or "").strip()
            article.save()
    except IntegrityError:  # lost a race for the URL with another edit or submission
        raise ValidationError({"url": ["Another article took this URL meanwhile."]}) from None
    return article


def article_submit(*, queue: bool = True, **fields) -> Article:
    """Store a new article and queue its analysis once the row is committed."""
    with transaction.atomic():
        article = article_create(**fields)
        if queue:
            article_queue_analysis(article=article)
    return article

"""Word and speaker search over claims, shared by the desk queue and the public index, and the
admin's substring search."""

import re

from django.db import connection
from django.db.models import Q, QuerySet

from articles.models import Article

from ..models import Claim, Speaker, Verdict

# How long a search may be is articles.search's rule (SEARCH_QUERY_MAX), shared with articles/.
SEARCH_QUERY_NO_WORDS = "Give at least one word to search for."
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search: one without any ("-", "&|!") is refused with
    SEARCH_QUERY_NO_WORDS everywhere (the API, the public index, the desk queue), not answered
    as a search that matched nothing."""
    return _WORD.findall(text)


# The text search's language: its stemming, and the common words it leaves out.
_SEARCH_CONFIG = "english"

# The common words a search leaves out of the claims' text, on every database: PostgreSQL's
# english stop words (share/tsearch_data/english.stop, Snowball's list), which its text search
# drops; SQLite has no such list, so it reads this copy (tests check PostgreSQL drops each).
_ENGLISH_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
"""
COMMON_WORDS = frozenset(_ENGLISH_STOP_WORDS.split())


def search_words_kept(text: str) -> bool:
    """Whether claims_search looks for `text` in the claims' text: not when it holds only
    common words ("the", "a", "of"), which match no claim's text there, only speakers' names.
    PostgreSQL is asked (its parser splits the words as its search does); elsewhere a word
    outside COMMON_WORDS keeps the search."""
    if connection.vendor != "postgresql":
        return any(word.lower() not in COMMON_WORDS for word in search_words(text))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [_SEARCH_CONFIG, text]
        )
        return cursor.fetchone()[0] > 0


def words_matching(queryset: QuerySet, field: str, text: str) -> QuerySet:
    """Rows whose `field` holds the words of `text`: PostgreSQL's full-text match (the GIN
    index on to_tsvector('english', claim text)), a substring match elsewhere, which is what
    the SQLite development database can do. The desk, the public index and the API's `q`
    filter alike."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(field, config=_SEARCH_CONFIG)
        query = SearchQuery(text, config=_SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(search=vector).filter(search=query)
    if search_words_kept(text):
        return queryset.filter(**{f"{field}__icontains": text})
    # Common words only: left out of the text as PostgreSQL leaves them out ("the" is in
    # nearly every claim, "other" and "there" too), so both list the same claims and the
    # queue's note that only speakers' names were searched is true on both.
    return queryset.none()


def claims_search(claims: QuerySet[Claim], text: str, *, aliases: bool = True) -> QuerySet[Claim]:
    """Claims whose words match `text`, or whose speaker is called that (by name, or with
    `aliases` by any spelling the desk recorded): the same on every database.

    The public index passes aliases=False: a speaker's spellings come from every article the
    desk analysed (pasted ones too), corrections and merges, and a substring match on them
    would let anyone spell a desk-only one out; the name is what published pages show."""
    by_name = Q(name__icontains=text)
    speakers = Speaker.objects.filter(
        by_name | Q(aliases__alias__icontains=text) if aliases else by_name
    ).values("pk")
    by_words = words_matching(Claim.objects.all(), "text", text)
    by_speaker = Claim.objects.filter(speaker_id__in=speakers)
    # A union, not an OR in one WHERE: an OR of the two lets PostgreSQL use neither the GIN
    # index on the text nor the speaker index, and it reads every claim.
    # (Unordered: SQLite refuses an ORDER BY, the model's default, in a union's parts.)
    matching = by_words.order_by().values("pk").union(by_speaker.order_by().values("pk"))
    return claims.filter(pk__in=matching)


def claims_containing(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """Claims where `text` appears, in any case, in the claim, its speaker's name or any of the
    speaker's spellings, its article's title or its outlet's name: the admin's search, a
    substring match as Django's search_fields make it, the same on every database.

    A union of one query a field, as in claims_search: one OR across the joined tables read
    every claim (2 s at 200,000), where each part here reads an index (the trigram index on
    the claim's text where PostgreSQL has pg_trgm, the claims' speaker and article indexes)."""
    speakers = Speaker.objects.filter(
        Q(name__icontains=text) | Q(aliases__alias__icontains=text)
    ).values("pk")
    articles = Article.objects.filter(
        Q(title__icontains=text) | Q(outlet__name__icontains=text)
    ).values("pk")
    by_text = Claim.objects.filter(text__icontains=text)
    by_speaker = Claim.objects.filter(speaker_id__in=speakers)
    by_article = Claim.objects.filter(article_id__in=articles)
    matching = (
        by_text.order_by()
        .values("pk")
        .union(by_speaker.order_by().values("pk"), by_article.order_by().values("pk"))
    )
    return claims.filter(pk__in=matching)


def verdicts_containing(verdicts: QuerySet[Verdict], text: str) -> QuerySet[Verdict]:
    """Verdicts whose claim is among claims_containing(text), or whose conclusion or
    explanation contains it, in any case: the verdicts admin's search, by the same union."""
    of_claims = Verdict.objects.filter(
        claim_id__in=claims_containing(Claim.objects.all(), text).values("pk")
    )
    by_words = Verdict.objects.filter(
        Q(conclusion__icontains=text) | Q(explanation__icontains=text)
    )
    matching = of_claims.order_by().values("pk").union(by_words.order_by().values("pk"))
    return verdicts.filter(pk__in=matching)

"""Open to everyone, and only for published verdicts: the site's front door, each fact-check's
page, their index, an Atom feed and a sitemap. What the public may read is
Verdict.objects.published() throughout."""

import re
from datetime import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.cache import never_cache

from config.bidi import isolated_line
from config.pages import page_get

from .. import selectors
from ..claimreview import claimreview_for, jsonld_script, public_appearances
from ..filter_forms import PublicSearchForm
from ..models import Verdict
from ..record import published_generation
from ..text_cuts import title_cut
from .base import VIEW_CLAIMS

INDEX_PAGE_SIZE = 20
FEED_ITEMS = 30

# What XML 1.0 cannot carry. Article text (and so a claim, its speaker's name, a conclusion
# quoting it) may hold such a character; the feed leaves it out instead of failing for every
# reader (Django refuses the C0 controls with a 500, and would write U+FFFE/U+FFFF as is).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


# The answer depends on who asks, so no cache may keep one person's for another.
@never_cache
def home(request):
    """The site's address: the desk's queue for whoever works it, the published fact-checks
    for everyone else (a reader, a signed-in account with no desk role), not a log-in page."""
    if request.user.has_perm(VIEW_CLAIMS):
        return redirect("claims:queue")
    return redirect("claims:public_index")


def verdict_public(request, pk: int):
    """404 for anything not published."""
    verdict = get_object_or_404(
        Verdict.objects.published().select_related(
            "claim", "claim__speaker", "claim__article", "claim__article__outlet", "rating"
        ),
        pk=pk,
    )
    # The articles the structured data names are on the page too: a reader sees what a search
    # engine is told.
    appearances = public_appearances(verdict.claim)
    review = claimreview_for(verdict, request_or_base_url=request, appearances=appearances)
    return render(
        request,
        "claims/verdict_public.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "also_in": [other for other in appearances if other.pk != verdict.claim_id],
            "sources": verdict.sources.all(),
            "corrections": selectors.public_corrections(verdict),
            "jsonld": jsonld_script(review),
            "canonical_url": review["url"],
        },
    )


def verdict_index(request):
    """Published fact-checks, newest first, searchable by the claim's words and the rating."""
    ratings = selectors.published_rating_choices()
    form = PublicSearchForm(request.GET or None, rating_choices=ratings)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page": None}
        return render(request, "claims/verdict_index.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    verdicts = selectors.published_index(q=filters.get("q", ""), ratings=filters.get("rating"))
    page = page_get(Paginator(verdicts, INDEX_PAGE_SIZE), request.GET.get("page"))
    return render(
        request,
        "claims/verdict_index.html",
        {
            "form": form,
            "page": page,
            "searching": bool(filters.get("q") or filters.get("rating")),
            "rating_only": bool(filters.get("rating") and not filters.get("q")),
        },
    )


class PublishedVerdictsFeed(Feed):
    feed_type = Atom1Feed
    title = "Fact-checks"
    subtitle = "The newest published fact-checks, with their rating."

    def link(self):
        return reverse("claims:public_index")

    def items(self):
        # Each summary names the claim's article and outlet (item_description).
        verdicts = selectors.published_index().select_related("claim__article__outlet")
        return verdicts[:FEED_ITEMS]

    def item_title(self, verdict):
        # Plain text, which a reader sets into its own lines ("<title> · Fact-checks"): the
        # claim between isolation marks, as a page's <title> has it (config.bidi).
        rating = verdict.rating.label if verdict.rating else "Rated"
        return _xml_text(f"{rating}: {isolated_line(title_cut(verdict.claim.text, 120))}")

    # The entries are our fact-checks, so the feed's author is the publishing organisation;
    # whoever made the claim is named in each summary.
    def author_name(self):
        return _xml_text(settings.FACTCHECK_ORG_NAME)

    def author_link(self):
        return settings.FACTCHECK_ORG_URL or None

    def item_description(self, verdict):
        # Atom's summary is type="html": readers parse it, so the plain conclusion is escaped
        # first. Who made the claim and where reads as on the fact-check's page, from the
        # page's own fragment (escaped as any template is): a narration claim named nobody.
        # The fragment's names stand in <bdi> (config.bidi); a reader that strips the element
        # keeps its text, as the entry read before.
        made = render_to_string(
            "claims/includes/public_attribution.html", {"claim": verdict.claim}
        ).strip()
        return _xml_text(f"{made} {escape(verdict.conclusion)}")

    def item_link(self, verdict):
        return reverse("claims:public", args=[verdict.pk])

    def item_pubdate(self, verdict):
        return verdict.published_at

    def item_updateddate(self, verdict):
        return verdict.modified_at


# A number no verdict has yet, reversed in place of a pk and replaced by each row's own.
_PK_SLOT = 987_654_321


class PublishedVerdictsSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def __init__(self):
        # reverse() once per section, not once per address: 5,000 of them were a fifth of a
        # section's first render (bench/sitemap_section.py).
        self._path = reverse("claims:public", args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")

    def items(self):
        # A section lists 5,000 addresses: only what location() and lastmod() read.
        return (
            selectors.published_index()
            .select_related(None)
            .only("id", "published_at", "modified_at")
        )

    def location(self, verdict):
        return self._path.format(verdict.pk)

    def lastmod(self, verdict):
        return verdict.modified_at


def _urlset_xml(urls: list[dict]) -> str:
    """What django/contrib/sitemaps/templates/sitemap.xml writes for these sections (no
    priority, no language alternates), each address escaped as the template would, each
    lastmod's date in the desk's TIME_ZONE as its date filter gives it."""
    rows = []
    for url in urls:
        lastmod = url["lastmod"]
        if lastmod:
            if isinstance(lastmod, datetime) and timezone.is_aware(lastmod):
                lastmod = timezone.localtime(lastmod)
            dated = f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>"
        else:
            dated = ""
        often = f"<changefreq>{escape(url['changefreq'])}</changefreq>" if url["changefreq"] else ""
        rows.append(f"<url><loc>{escape(url['location'])}</loc>{dated}{often}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )


# Published fact-check pages only; an index of sections, each paged at the sitemap's limit.
SITEMAPS = {"fact-checks": PublishedVerdictsSitemap}
# A day: an entry outlives its generation only as garbage; the next one is a fresh key.
SITEMAP_CACHE_SECONDS = 86_400


# Django's own sitemap views send X-Robots-Tag (a sitemap is no page for search results): so
# does an answer from the cache, which never runs them.
@sitemap_views.x_robots_tag
def sitemap_section(request, section: str):
    """One page of a sitemap section, as Django's sitemap view writes it, rendered once per
    published generation (claims.record): 5,000 addresses cost about 0.1 s of CPU even written
    as below (0.4 s through Django's template), and crawlers fetch them often. Only a
    publication, a correction or an applied repeat (a new lastmod) changes a section, and each
    moves the generation on, so a cached page never lists or dates anything the published record
    does not. The key names the scheme and host too, since the addresses are absolute. A page
    number that is not plain ASCII digits (a 404, or Django's own answer) is not cached."""
    page = request.GET.get("p", "1")
    key = None
    # ASCII digits only: "²" is a digit to isdigit() but not a number to int().
    if section in SITEMAPS and page.isascii() and page.isdigit() and len(page) <= 6:
        origin = f"{request.scheme}://{request.get_host()}"
        key = f"sitemap:{published_generation()}:{section}:{int(page)}:{origin}"
        cached = cache.get(key)
        if cached is not None:
            content, last_modified = cached
            response = HttpResponse(content, content_type="application/xml")
            if last_modified:
                response["Last-Modified"] = last_modified
            return response
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    # Django's view pages the section, answers 404s and sets Last-Modified; its template then
    # cost 70% of the render (5,000 addresses, seven variable lookups and a date filter each:
    # bench/sitemap_section.py), so the same XML is written here instead.
    response.content = _urlset_xml(response.context_data["urlset"])
    if key and response.status_code == 200:
        entry = (response.content, response.get("Last-Modified"))
        cache.set(key, entry, timeout=SITEMAP_CACHE_SECONDS)
    return response

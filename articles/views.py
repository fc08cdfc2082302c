from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.admin_paging import EstimatedCountPaginator
from config.form_encoding import refuse_unreadable
from config.json_polls import json_poll
from config.middleware import answers_too_large
from config.not_found import desk_get_or_404
from config.pages import page_get

from . import services
from .forms import (
    SUBMIT_FIELDS_RENAMED,
    ArticleListFilterForm,
    ArticleSubmitForm,
    service_refusals_add,
)
from .intake.extract import day_at_noon
from .intake.jobs import intake_job_submit
from .models import AnalysisProblem, AnalysisStatus, Article, IntakeJob, IntakeStatus, SourceKind
from .queueing import ANALYSIS_IN_PROGRESS, article_analysis_rerun
from .services import DuplicateArticle

ARTICLE_PAGE_SIZE = 50


@login_required
@permission_required("articles.view_article", raise_exception=True)
def article_list(request):
    form = ArticleListFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request, "articles/article_list.html", {"form": form, "page": None}, status=400
        )
    import_batch = form.cleaned_data.get("import_batch") if form.is_bound else None
    # The list shows no body: an article body is kilobytes, fifty of them a page.
    articles = Article.objects.select_related("outlet").defer("body").order_by("-created_at", "-pk")
    if import_batch is not None:
        articles = articles.filter(import_batch=import_batch)
    # At a million articles COUNT(*) read the whole table on every page: a big table's size
    # comes from PostgreSQL's statistics, said "about" (config/admin_paging.py).
    page = page_get(EstimatedCountPaginator(articles, ARTICLE_PAGE_SIZE), request.GET.get("page"))
    # Counted for the page's articles only: Count() on the listed queryset groups every
    # article's claims before the LIMIT (bench/desk_pages.py).
    counts = dict(
        Article.objects.filter(pk__in=[article.pk for article in page])
        .annotate(claim_count=Count("claims"))
        .values_list("pk", "claim_count")
    )
    for article in page:
        article.claim_count = counts[article.pk]
    return render(
        request,
        "articles/article_list.html",
        {"form": form, "page": page, "import_batch": import_batch},
    )


@login_required
@permission_required("articles.view_article", raise_exception=True)
def article_detail(request, pk: int):
    article = desk_article_or_404(Article.objects.select_related("outlet"), pk=pk)
    sentences = article.sentences.select_related("speaker").order_by("start")
    claims_by_span = {(c.start, c.end): c for c in article.claims.all()}
    rows = [
        (sentence, claims_by_span.get((sentence.start, sentence.end))) for sentence in sentences
    ]
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "rows": rows,
            "in_progress": _in_progress(article),
            # The admin's "Re-run analysis" action needs this permission too.
            "can_analyse_again": request.user.has_perm(RERUN_ANALYSIS),
        },
    )


RERUN_ANALYSIS = "articles.change_article"


def desk_article_or_404(queryset, *, pk: int) -> Article:
    return desk_get_or_404(
        queryset,
        pk=pk,
        message=f"No article #{pk} on the desk: it may have been deleted.",
        back="articles:list",
        back_label="Back to the articles",
    )


@login_required
@permission_required(RERUN_ANALYSIS, raise_exception=True)
@require_POST
def article_analyse_again(request, pk: int):
    article = desk_article_or_404(Article.objects, pk=pk)
    try:
        article_analysis_rerun(article=article)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        say_what_it_became(
            request,
            article,
            "analysis_status",
            ANALYSED_AGAIN,
            queued="The analysis is queued again; this page updates by itself.",
        )
    return redirect("articles:detail", pk=pk)


@json_poll(permission="articles.view_article")
def article_status(request, pk: int):
    """The analysis progress, polled by the article page while it is queued or running."""
    article = desk_article_or_404(Article.objects, pk=pk)
    return JsonResponse(
        {
            "status": article.analysis_status,
            "label": article.get_analysis_status_display(),
            "error": article.analysis_error
            or (AnalysisProblem.STALLED.label + "." if article.analysis_stalled else ""),
            "finished": not _in_progress(article),
        }
    )


def _in_progress(article: Article) -> bool:
    return article.analysis_status in ANALYSIS_IN_PROGRESS


# What a submission became by the time the page answers. With a broker that is "queued";
# without one (the zero-config demo) the task ran inside the request, and "queued" above a
# page that says "Stored" or "Done" read as a contradiction.
JOB_SUBMITTED = {
    IntakeStatus.STORED: (messages.SUCCESS, "The page was fetched and stored."),
    IntakeStatus.FAILED: (messages.ERROR, "The page could not be taken in: the reason is below."),
}
ARTICLE_SUBMITTED = {
    AnalysisStatus.DONE: (messages.SUCCESS, "Article stored and analysed."),
    AnalysisStatus.FAILED: (
        messages.ERROR,
        "Article stored, but its analysis failed: the reason is below.",
    ),
}

# The same for "Run the analysis again": without a broker it ran before the page answered.
ANALYSED_AGAIN = {
    AnalysisStatus.DONE: (messages.SUCCESS, "The article is analysed again."),
    AnalysisStatus.FAILED: (
        messages.ERROR,
        "The analysis ran again and failed: the reason is below.",
    ),
}


def say_what_it_became(request, row, field: str, by_status: dict, queued: str) -> None:
    row.refresh_from_db(fields=[field])
    level, text = by_status.get(getattr(row, field), (messages.SUCCESS, queued))
    messages.add_message(request, level, text)


def _duplicate_answer(request, form, duplicate: DuplicateArticle):
    """Lead to the stored article, or (for someone who may not view articles) say it exists
    on the form and return None so the form is shown again."""
    if not request.user.has_perm("articles.view_article"):
        # No link they cannot follow, and not the stored article's title.
        form.add_error(
            None,
            f"This article is already stored (#{duplicate.existing.pk}) and is "
            "available to the desk.",
        )
        return None
    messages.info(request, duplicate.messages[0])
    return redirect("articles:detail", pk=duplicate.existing.pk)


def _submit_initial(request) -> dict[str, str]:
    # A failed URL job links here with its URL and outlet, so pasting the text keeps them.
    return {name: request.GET[name] for name in ("url", "outlet") if name in request.GET}


# Said plainly: the box comes back empty, and the reader must know that is not the desk
# losing a text it had, and what length would go through.
TEXT_NOT_RECEIVED = (
    "Your text was not received: it is far longer than an article may be, so the desk could "
    "not read it and nothing was saved. Paste the article again, at most {limit:,} characters."
)


@login_required
@permission_required("articles.add_article", raise_exception=True)
def article_text_too_long(request):
    """The paste form again when what was sent was too large to read at all (far past
    ARTICLE_MAX_CHARS: config.middleware.RequestShapeGuardMiddleware). Nothing of it was read,
    so the form comes back empty, saying why."""
    form = ArticleSubmitForm(initial=_submit_initial(request))
    form.cleaned_data = {}  # unbound, so add_error has no cleaned data to drop the field from
    form.add_error("body", TEXT_NOT_RECEIVED.format(limit=settings.ARTICLE_MAX_CHARS))
    return render(request, "articles/article_submit.html", {"form": form}, status=413)


@answers_too_large(article_text_too_long)
@login_required
@permission_required("articles.add_article", raise_exception=True)
def article_submit(request):
    form = ArticleSubmitForm(request.POST or None, initial=_submit_initial(request))
    unreadable = refuse_unreadable(request, form)
    if request.method == "POST" and not unreadable and form.is_valid():
        data = form.cleaned_data
        published_on = data["published_on"]
        published_at = day_at_noon(published_on) if published_on else None
        try:
            if form.fetches_url:
                # The title and date typed beside a URL are the article's, over the page's.
                job = intake_job_submit(
                    url=data["url"],
                    outlet_name=data["outlet"],
                    title=data["title"],
                    published_at=published_at,
                    created_by=request.user,
                )
            else:
                article = services.article_submit(
                    title=data["title"],
                    body=data["body"],
                    source_kind=SourceKind.PASTED,
                    outlet_name=data["outlet"],
                    url=data["url"],
                    published_at=published_at,
                    created_by=request.user,
                )
        except DuplicateArticle as duplicate:
            if answer := _duplicate_answer(request, form, duplicate):
                return answer
        except ValidationError as error:
            service_refusals_add(form, error, renamed=SUBMIT_FIELDS_RENAMED)
        else:
            if form.fetches_url and not IntakeJob.objects.visible_to(request.user).contains(job):
                # Someone else's job is fetching this URL: say so without leading to it.
                form.add_error(
                    "url", "This URL is already being fetched (submitted by someone else)."
                )
            elif form.fetches_url:
                job.refresh_from_db(fields=["status", "duplicate", "article", "reason"])
                if job.duplicate and job.article is not None:
                    # The URL redirected to (or its page is) an article already stored: the
                    # answer a URL that matches one directly gets, not "fetched and stored".
                    duplicate = DuplicateArticle(job.reason, existing=job.article)
                    if answer := _duplicate_answer(request, form, duplicate):
                        return answer
                else:
                    say_what_it_became(
                        request, job, "status", JOB_SUBMITTED, "The page is queued for fetching."
                    )
                    return redirect("articles:intake_job", pk=job.pk)
            else:
                say_what_it_became(
                    request,
                    article,
                    "analysis_status",
                    ARTICLE_SUBMITTED,
                    "Article stored; its analysis is queued.",
                )
                return redirect("articles:detail", pk=article.pk)
    # A form sent back with its errors is a 400, as on every desk form.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "articles/article_submit.html", {"form": form}, status=status)

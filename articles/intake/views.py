"""Editor pages for intake: jobs with their status and reasons, feeds, bulk imports, and other
fact-checkers' ClaimReview. Thin: every change goes through the intake services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from config.admin_paging import EstimatedCountPaginator
from config.json_polls import json_poll
from config.not_found import desk_get_or_404
from config.pages import list_address_check, page_get

from .. import services
from ..forms import FeedForm, ImportUploadForm, IntakeJobFilterForm, service_refusals_add
from ..lengths import text_check
from ..models import ExternalFactCheck, Feed, ImportBatch, ImportStatus, IntakeJob, IntakeStatus
from ..search import SEARCH_QUERY_MAX, SEARCH_QUERY_TOO_LONG
from ..views import JOB_SUBMITTED, say_what_it_became
from .bulk import import_article_counts, import_batch_create
from .bulkfile import import_size_check
from .feeds import feed_add
from .jobs import intake_job_retry
from .storable import url_shown

FEED_PAGE_SIZE = 50
FACTCHECK_PAGE_SIZE = 50
# A search of the imported fact-checks counts its matches this far and no further: a word in
# most claims ("the", "rate") matched every row, and counting them all read the whole table on
# every page of the list (bench/admin_pages.py, "intake fact-checks page"). Twenty pages of
# matches are more than anyone reads; past them, a narrower search is what helps.
FACTCHECK_SEARCH_COUNT_CAP = 1000
POLL_FEEDS_BY_HAND = (
    "No Celery beat runs beside this desk (it has no broker, as in the zero-config demo), so "
    "feeds are not polled on their own: run manage.py poll_feeds with the desk's settings to "
    "poll the due ones (on the demo: DEBUG=1 .venv/bin/python manage.py poll_feeds)."
)


def feeds_polled_on_schedule() -> bool:
    """Whether a beat can poll the feeds: without CELERY_BROKER_URL (settings then fall back to
    the in-memory broker and run tasks in-process) nothing runs on a schedule."""
    return not settings.CELERY_BROKER_URL.startswith("memory://")


@login_required
@permission_required("articles.view_intakejob", raise_exception=True)
def intake_job_list(request):
    jobs = IntakeJob.objects.select_related("article", "feed", "created_by")
    form = IntakeJobFilterForm(request.GET or None)
    form.is_valid()
    # A refused status is left out (its error shows beside it), as on the claim queue.
    status = getattr(form, "cleaned_data", {}).get("status", "")
    if status:
        jobs = jobs.filter(status=status)
    # Unfiltered, a big table's size from PostgreSQL's statistics; a status counts exactly.
    page = page_get(EstimatedCountPaginator(jobs, 50), request.GET.get("page"))
    return render(
        request,
        "articles/intake/job_list.html",
        {"page": page, "status": status, "form": form},
    )


def _job_or_404(jobs, pk: int, user) -> IntakeJob:
    # Whoever follows only their own jobs may not open the list of all: back to submitting.
    if user.has_perm("articles.view_intakejob"):
        back, back_label = "articles:intake", "Back to the intake jobs"
    else:
        back, back_label = "articles:submit", "Submit an article"
    message = f"No intake job #{pk} on the desk: it may have been deleted."
    return desk_get_or_404(jobs, pk=pk, message=message, back=back, back_label=back_label)


def _import_or_404(pk: int) -> ImportBatch:
    return desk_get_or_404(
        ImportBatch.objects.defer("content"),
        pk=pk,
        message=f"No bulk import #{pk} on the desk: it may have been deleted.",
        back="articles:imports",
        back_label="Back to the bulk imports",
    )


@login_required
def intake_job_detail(request, pk: int):
    jobs = IntakeJob.objects.visible_to(request.user).select_related(
        "article", "feed", "import_batch"
    )
    job = _job_or_404(jobs.defer("import_batch__content"), pk, request.user)
    paste_too_long = services.is_text_too_long_refusal(job.reason)
    context = {"job": job, "paste_too_long": paste_too_long}
    return render(request, "articles/intake/job_detail.html", context)


@json_poll()
def intake_job_status(request, pk: int):
    jobs = IntakeJob.objects.visible_to(request.user).select_related("article")
    job = _job_or_404(jobs, pk, request.user)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "reason": job.reason,
            "article_id": job.article_id,
            "finished": job.status in (IntakeStatus.STORED, IntakeStatus.FAILED),
            # The page also shows where the stored article's analysis stands: follow it too.
            "settled": job.is_settled,
        }
    )


@require_POST
@login_required
@permission_required("articles.change_intakejob", raise_exception=True)
def intake_job_retry_view(request, pk: int):
    job = _job_or_404(IntakeJob.objects, pk, request.user)
    try:
        intake_job_retry(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Without a broker the fetch has run by now: "queued again" sat above "Failed".
        say_what_it_became(
            request, job, "status", JOB_SUBMITTED, queued=f"Job #{job.pk} is queued again."
        )
    return redirect("articles:intake_job", pk=job.pk)


@login_required
@permission_required("articles.view_feed", raise_exception=True)
def feed_list(request):
    # Bound on any POST: an empty one (no field sent) is told what is missing, not shown a
    # blank form again.
    form = FeedForm(request.POST) if request.method == "POST" else FeedForm()
    if request.method == "POST":
        if not request.user.has_perm("articles.add_feed"):
            messages.error(request, "Only editors add feeds.")
            return redirect("articles:feeds")
        if form.is_valid():
            data = form.cleaned_data
            try:
                feed = feed_add(
                    url=data["url"],
                    outlet_domain=data["outlet"],
                    interval_minutes=data["poll_interval_minutes"],
                )
            except ValidationError as error:
                service_refusals_add(form, error)
            else:
                if feeds_polled_on_schedule():
                    messages.success(
                        request, f"Subscribed to {url_shown(feed.url)}; it is polled next minute."
                    )
                else:
                    messages.success(
                        request, f"Subscribed to {url_shown(feed.url)}. {POLL_FEEDS_BY_HAND}"
                    )
                return redirect("articles:feeds")
    # A refused subscription is a 400, as every other refused form on the desk.
    return _feed_list_page(request, form, status=400 if form.errors else 200)


def _feed_list_page(request, form: FeedForm, *, status: int):
    feeds = Feed.objects.select_related("outlet")
    page = page_get(Paginator(feeds, FEED_PAGE_SIZE), request.GET.get("page"))
    return render(
        request,
        "articles/intake/feed_list.html",
        {
            "page": page,
            "form": form,
            "address_form": list_address_check(request.GET, takes=("page",)),
            "polled_by_hand": None if feeds_polled_on_schedule() else POLL_FEEDS_BY_HAND,
        },
        status=status,
    )


@require_POST
@login_required
@permission_required("articles.change_feed", raise_exception=True)
def feed_toggle(request, pk: int):
    # The button posts the state it asks for, not "flip it": two editors on pages loaded before
    # each other's click would otherwise undo each other (a stale "Pause" resumed a paused feed).
    # The feed first: a missing one is a 404, whatever else was sent.
    feed = desk_get_or_404(
        Feed.objects,
        pk=pk,
        message=f"No feed #{pk} on the desk: it may have been deleted.",
        back="articles:feeds",
        back_label="Back to the feeds",
    )
    wanted = {"1": False, "0": True}.get(request.POST.get("paused", ""))
    if wanted is None:
        # Only an edited page sends no state: the feed list again, saying nothing changed, as
        # every refused form on the desk is answered.
        messages.error(
            request,
            f"{feed} was left as it was: the form did not say whether to pause or resume it. "
            "Use its Pause or Resume button.",
        )
        return _feed_list_page(request, FeedForm(), status=400)
    feed.active = wanted
    feed.save(update_fields=["active"])
    messages.success(request, f"{feed} is {'active' if feed.active else 'paused'}.")
    # Back to the page the feed was listed on, not the first of many.
    page = request.POST.get("page", "")
    back = page.isascii() and page.isdigit() and len(page) <= 6  # any other value: page one
    return redirect(reverse("articles:feeds") + (f"?page={page}" if back else ""))


IMPORT_PROGRESS_FIELDS = [
    "status",
    "rows_done",
    "stored",
    "queued",
    "skipped",
    "failed",
    "error",
]


def _import_submitted(batch: ImportBatch) -> tuple[int, str]:
    """What the upload became by the time the page answers: queued behind a broker, or, where
    the import ran inside the request, done or failed ("queued" above a finished import read
    as a contradiction)."""
    name = batch.file_name
    if batch.status == ImportStatus.DONE:
        text = (
            f"{name} imported: {batch.rows_done:,} row{pluralize(batch.rows_done)}, "
            f"{batch.stored:,} stored, "
            f"{batch.queued:,} queued for fetching, {batch.skipped:,} skipped, "
            f"{batch.failed:,} failed."
        )
        if batch.failed:
            return messages.WARNING, text + " The failed lines are listed below."
        return messages.SUCCESS, text
    if batch.status == ImportStatus.FAILED:
        return (
            messages.ERROR,
            f"{name} could not be imported: {batch.error or 'the reason is below.'}",
        )
    if batch.status == ImportStatus.RUNNING:
        return messages.SUCCESS, f"{name} is being imported: this page shows its progress."
    # The rows are counted by the import task, not here (a big file would hold the request
    # past the web server's time-out).
    text = f"{name} queued for import; its rows are counted as it starts."
    if batch.error:  # the broker could not be reached
        return messages.WARNING, f"{text} {batch.error}"
    return messages.SUCCESS, text


@login_required
@permission_required("articles.view_importbatch", raise_exception=True)
def import_list(request):
    form = (
        ImportUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else ImportUploadForm()
    )
    if request.method == "POST":
        if not request.user.has_perm("articles.add_importbatch"):
            messages.error(request, "You may not import files.")
            return redirect("articles:imports")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                import_size_check(upload.size)
                with transaction.atomic():
                    batch = import_batch_create(
                        file_name=upload.name, data=upload, created_by=request.user
                    )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                # The send ran on commit; without a broker (eager tasks) so did the import.
                batch.refresh_from_db(fields=IMPORT_PROGRESS_FIELDS)
                level, text = _import_submitted(batch)
                messages.add_message(request, level, text)
                return redirect("articles:import", pk=batch.pk)
    batches = ImportBatch.objects.defer("content").select_related("created_by")
    page = page_get(Paginator(batches, 50), request.GET.get("page"))
    # Counted for the page's imports only, as the article list counts its claims.
    article_counts = import_article_counts(batch_ids=[batch.pk for batch in page])
    for batch in page:
        batch.article_count = article_counts[batch.pk]
    return render(
        request,
        "articles/intake/import_list.html",
        {
            "page": page,
            "form": form,
            "address_form": list_address_check(request.GET, takes=("page",)),
        },
        # A refused upload is a 400, as the feed form and every other refused form on the desk.
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("articles.view_importbatch", raise_exception=True)
def import_detail(request, pk: int):
    batch = _import_or_404(pk)
    # The rows that were a URL alone, each with its job: queued, fetching, stored or failed.
    jobs = batch.jobs.select_related("article").order_by("import_line", "pk")
    job_counts = batch.job_counts()
    return render(
        request,
        "articles/intake/import_detail.html",
        {
            "batch": batch,
            "jobs": page_get(Paginator(jobs, 50), request.GET.get("page")),
            "job_counts": [
                (status, label, job_counts[status])
                for status, label in IntakeStatus.choices
                if job_counts[status]
            ],
            "settled": batch.is_settled(job_counts),
            "article_count": import_article_counts(batch_ids=[batch.pk])[batch.pk],
        },
    )


@json_poll(permission="articles.view_importbatch")
def import_status(request, pk: int):
    batch = _import_or_404(pk)
    job_counts = batch.job_counts()
    return JsonResponse(
        {
            "status": batch.status,
            "label": batch.get_status_display(),
            "total": batch.total_rows,  # null while the rows are being counted
            "done": batch.rows_done,
            "stored": batch.stored,
            "queued": batch.queued,
            "skipped": batch.skipped,
            "failed": batch.failed,
            # Its rows with a body and the pages fetched for its URL rows: what its link lists.
            "articles": import_article_counts(batch_ids=[batch.pk])[batch.pk],
            "error": batch.error,
            "finished": batch.status in ("done", "failed"),
            # The jobs its URL rows queued, by status; the page follows them until they end.
            "jobs": job_counts,
            "settled": batch.is_settled(job_counts),
        }
    )


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows (then `capped` is true), so its pages stop at the cap. The
    count stops reading at the cap + 1st match instead of counting every one."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        # Unordered: in the list's order PostgreSQL may walk the date index to the end to find
        # a rare word's few rows, where a bitmap of the trigram index finds them at once.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        return self._found > self.cap


def _factchecks_found(paginator: CappedCountPaginator) -> str:
    """The line above a search's list; none for no match (the empty list says it)."""
    if paginator.capped:
        return (
            f"More than {paginator.cap:,} fact-checks match; only the first {paginator.cap:,} "
            "are listed. Narrow the search (a longer part of the claim) to reach the others."
        )
    if paginator.count <= 1:
        return "1 fact-check matches." if paginator.count else ""
    return f"{paginator.count:,} fact-checks match."


@login_required
@permission_required("articles.view_externalfactcheck", raise_exception=True)
def external_factcheck_list(request):
    factchecks = ExternalFactCheck.objects.defer("raw")
    query = request.GET.get("q", "").strip()
    context = {
        "q": query,
        "q_max": SEARCH_QUERY_MAX,
        "address_form": list_address_check(request.GET, takes=("q", "page")),
    }
    # A NUL is refused as every desk search refuses it (claims.filter_forms.SearchTextField),
    # before its length: dropped, the list matched words the editor never typed.
    try:
        text_check(query, "search", done="searched for")
    except ValidationError as error:
        context.update(q=query.replace("\x00", ""), page=None, q_error=error.messages[0])
        return render(request, "articles/intake/external_factcheck_list.html", context, status=400)
    if len(query) > SEARCH_QUERY_MAX:
        # Refused, not cut: a cut search would list matches for words the editor never typed.
        context.update(page=None, q_error=SEARCH_QUERY_TOO_LONG)
        return render(request, "articles/intake/external_factcheck_list.html", context, status=400)
    if query:
        paginator = CappedCountPaginator(
            factchecks.filter(claim_reviewed__icontains=query),
            FACTCHECK_PAGE_SIZE,
            cap=FACTCHECK_SEARCH_COUNT_CAP,
        )
        context["found"] = _factchecks_found(paginator)
    else:
        # The whole list: a big table's size from PostgreSQL's statistics, as in the admin.
        paginator = EstimatedCountPaginator(factchecks, FACTCHECK_PAGE_SIZE)
    context["page"] = page_get(paginator, request.GET.get("page"))
    return render(request, "articles/intake/external_factcheck_list.html", context)

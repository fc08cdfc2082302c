"""Every role against every state-changing URL, admin change view and admin action, from one
table.

Each cell says what the role gets: sent to log in, 403, the change done, or refused by the
service (allowed in, nothing changed). "done" and "refused" are read off the rows, not off the
response, so a page that says "saved" without saving fails here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.models import AnalysisStatus, Article
from claims import services, verdicts
from claims.matching import applications, group_changes
from claims.models import (
    ApiToken,
    ApplicationStatus,
    Claim,
    ClaimGroupEvent,
    ClaimNote,
    CorrectionRequest,
    EvidenceSource,
    GroupEventKind,
    Speaker,
    SpeakerMerge,
    Verdict,
    VerdictStatus,
)
from claims.speaker_merges import speaker_merge
from tests.claims.admin_forms import admin_save
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    UserFactory,
    active_rating,
    admin_user,
    correction_sent,
    draft_resaved,
    drafted_verdict,
    editor,
    fact_checker,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

LOGIN, FORBIDDEN, DONE, REFUSED = "login", 403, "done", "refused"
ROLES = ["anonymous", "no_role", "fact_checker", "editor", "writer_editor", "admin"]


@pytest.fixture
def desk():
    author = fact_checker()
    writer = editor()  # an editor who rewrote the submitted and the published verdict's drafts
    users = {
        "anonymous": None,
        "no_role": UserFactory(is_staff=True),
        "fact_checker": fact_checker(),
        "editor": editor(),
        "writer_editor": writer,
        "admin": admin_user(),
    }

    def rewritten(**kwargs):
        draft = drafted_verdict(author=author, **kwargs)
        return draft_resaved(
            claim=draft.claim,
            actor=writer,
            expected_version=draft.version,
            rating=draft.rating,
            conclusion="Rewritten by an editor.",
        )

    submitted = verdicts.verdict_submit(verdict=rewritten(), actor=author)
    published = verdicts.verdict_publish(
        verdict=verdicts.verdict_submit(verdict=rewritten(), actor=author), editor=editor()
    )
    public_speaker = SpeakerFactory(name="Dee Public", role="Senator")
    Claim.objects.filter(pk=published.claim_id).update(speaker=public_speaker)
    open_claim = ClaimFactory()
    assigned = services.claim_assign(claim=ClaimFactory(), actor=author)
    dismissed = services.claim_dismiss(claim=ClaimFactory(), actor=author, reason="Opinion.")
    # Repeats of the published claim: linked; asked for by its author; applied by an editor.
    repeat, requested, applied = ClaimFactory(), ClaimFactory(), ClaimFactory()
    checked = Claim.objects.get(pk=published.claim_id)
    group_changes.claim_group_link(claim=repeat, earlier=checked)
    request = applications.verdict_application_request(
        claim=requested, checked=checked, actor=author
    )
    applications.verdict_application_request(claim=applied, checked=checked, actor=editor())
    # A correction of another published verdict the writer-editor rewrote, sent by its author.
    corrected = verdicts.verdict_publish(
        verdict=verdicts.verdict_submit(verdict=rewritten(), actor=author), editor=editor()
    )
    correction = correction_sent(corrected, writer=author, conclusion="Fixed by its author.")
    return {
        "correction": correction,
        "repeat": repeat,
        "request": request,
        "applied": applied,
        "assigned": assigned,
        "dismissed": dismissed,
        "users": users,
        "open_claim": open_claim,
        "dismissable": ClaimFactory(),
        "draft": drafted_verdict(author=author),
        "submitted": submitted,
        "published": published,
        "speaker": SpeakerFactory(name="Dee Example", role="Mayor"),
        "public_speaker": public_speaker,
        "speaker_twin": SpeakerFactory(name="Example"),
        "merge": speaker_merge(
            source=SpeakerFactory(name="D. Example"), target=SpeakerFactory(), actor=editor()
        ),
        "article": ArticleFactory(title="Old title"),
        "analysed": ArticleFactory(analysis_status=AnalysisStatus.DONE),
        "token": ApiToken.objects.create(name="Partner", user=author, prefix="p1", key_hash="x"),
        "note": ClaimNote.objects.create(
            claim=open_claim, author=users["fact_checker"], text="Called the ministry."
        ),
    }


def _correction(o) -> CorrectionRequest:
    return CorrectionRequest.objects.get(pk=o["correction"].pk)


def _verdict(o, name) -> Verdict:
    return Verdict.objects.get(pk=o[name].pk)


def _verdict_post(o, name, **changes):
    verdict = _verdict(o, name)
    return {
        "version": verdict.version,
        "rating": active_rating("true").pk,
        "conclusion": "Changed by the matrix.",
        "explanation": "",
        "note": "Corrected by the matrix.",
        "comment": "Please check again.",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": "https://matrix.example.org/",
        "sources-0-title": "Matrix",
        "correct-sources-TOTAL_FORMS": "1",
        "correct-sources-INITIAL_FORMS": "0",
        "correct-sources-0-url": "https://matrix.example.org/",
        "correct-sources-0-title": "Matrix",
        "correct-version": verdict.version,
        "correct-rating": active_rating("true").pk,
        "correct-conclusion": "Changed by the matrix.",
        "correct-explanation": "",
        "correct-note": "Corrected by the matrix.",
        **changes,
    }


@dataclass(frozen=True)
class Desk:
    """A review-desk POST: `changed` tells from the rows whether it took effect."""

    url: str
    target: Callable[[dict], int]
    data: Callable[[dict], dict]
    changed: Callable[[dict], bool]


@dataclass(frozen=True)
class Admin:
    """An admin change view, saved with `changes`: `changed` reads the row afterwards."""

    view: str
    target: Callable[[dict], int]
    changes: dict
    changed: Callable[[dict], bool]


@dataclass(frozen=True)
class AdminAction:
    """An admin list's action run on one row: `changed` reads the row afterwards. `data`: what
    an action that asks first (a reason) gets from its page."""

    changelist: str
    action: str
    target: Callable[[dict], int]
    changed: Callable[[dict], bool]
    data: dict = field(default_factory=dict)


def _request(o):
    return type(o["request"]).objects.get(pk=o["request"].pk)


def claim(o, name) -> Claim:
    return Claim.objects.get(pk=o[name].pk if isinstance(o[name], Claim) else o[name].claim_id)


# (action, cells for: anonymous, no_role, fact_checker, editor, writer_editor, admin)
MATRIX = [
    (
        Desk(
            "articles:submit",
            lambda o: None,
            lambda o: {"title": "Matrix", "body": "The mayor said prices rose 7 percent."},
            lambda o: Article.objects.filter(title="Matrix").exists(),
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:unassign",
            lambda o: o["assigned"].pk,
            lambda o: {},
            lambda o: claim(o, "assigned").assignee_id is None,
        ),
        # The claim is the author's: a colleague does not unassign them, an editor may.
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:reopen",
            lambda o: o["dismissed"].pk,
            lambda o: {},
            lambda o: claim(o, "dismissed").status == "new",
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        # Asked by a fact-checker, the verdict is not applied: the request waits for an editor.
        Desk(
            "claims:apply_verdict",
            lambda o: o["repeat"].pk,
            lambda o: {"checked": o["published"].claim_id},
            lambda o: ClaimGroupEvent.objects.filter(
                kind=GroupEventKind.VERDICT_APPLIED, claim_id=o["repeat"].pk
            ).exists(),
        ),
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:application_approve",
            lambda o: o["request"].pk,
            lambda o: {},
            lambda o: _request(o).status == ApplicationStatus.APPROVED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:application_reject",
            lambda o: o["request"].pk,
            lambda o: {"note": "Another year's figure."},
            lambda o: _request(o).status == ApplicationStatus.REJECTED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        # Only its author (not one of these users) withdraws it.
        Desk(
            "claims:application_withdraw",
            lambda o: o["request"].pk,
            lambda o: {},
            lambda o: _request(o).status == ApplicationStatus.WITHDRAWN,
        ),
        [LOGIN, FORBIDDEN, REFUSED, REFUSED, REFUSED, REFUSED],
    ),
    (
        # Split out or reopened, an applied repeat leaves the fact-check's public appearances.
        Desk(
            "claims:split",
            lambda o: o["applied"].pk,
            lambda o: {},
            lambda o: claim(o, "applied").group_id is None,
        ),
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:reopen",
            lambda o: o["applied"].pk,
            lambda o: {},
            lambda o: claim(o, "applied").status == "new",
        ),
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:assign",
            lambda o: o["open_claim"].pk,
            lambda o: {},
            lambda o: claim(o, "open_claim").assignee_id is not None,
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:dismiss",
            lambda o: o["dismissable"].pk,
            lambda o: {"reason": "Opinion."},
            lambda o: claim(o, "dismissable").status == "dismissed",
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:dismiss",
            lambda o: o["assigned"].pk,
            lambda o: {"reason": "Opinion."},
            lambda o: claim(o, "assigned").status == "dismissed",
        ),
        # Assigned to the author: their colleague does not dismiss it, an editor may.
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:speaker",
            lambda o: o["open_claim"].pk,
            lambda o: {"name": "Eve Example"},
            lambda o: claim(o, "open_claim").speaker is not None,
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:speaker",
            lambda o: o["submitted"].claim_id,
            lambda o: {"name": "Eve Example"},
            lambda o: claim(o, "submitted").speaker is not None,
        ),
        [LOGIN, FORBIDDEN, REFUSED, REFUSED, REFUSED, REFUSED],
    ),
    (
        Desk(
            "claims:verdict_save",
            lambda o: o["draft"].claim_id,
            lambda o: _verdict_post(o, "draft"),
            lambda o: _verdict(o, "draft").conclusion == "Changed by the matrix.",
        ),
        # The draft's claim is assigned to its author (claims.ownership): not a colleague's
        # to change, an editor's to override.
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:verdict_save",
            lambda o: o["published"].claim_id,
            lambda o: _verdict_post(o, "published"),
            lambda o: _verdict(o, "published").conclusion == "Changed by the matrix.",
        ),
        [LOGIN, FORBIDDEN, REFUSED, REFUSED, REFUSED, REFUSED],
    ),
    (
        Desk(
            "claims:submit",
            lambda o: o["draft"].claim_id,
            lambda o: {"version": _verdict(o, "draft").version},
            lambda o: _verdict(o, "draft").status == VerdictStatus.SUBMITTED,
        ),
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        # Its author or someone who wrote part of its draft (the writer-editor) withdraws it;
        # anyone else is refused by the service, an editor told to return it instead.
        Desk(
            "claims:withdraw",
            lambda o: o["submitted"].claim_id,
            lambda o: {"version": _verdict(o, "submitted").version},
            lambda o: _verdict(o, "submitted").status == VerdictStatus.DRAFT,
        ),
        [LOGIN, FORBIDDEN, REFUSED, REFUSED, DONE, REFUSED],
    ),
    (
        Desk(
            "claims:publish",
            lambda o: o["submitted"].claim_id,
            lambda o: {"version": _verdict(o, "submitted").version},
            lambda o: _verdict(o, "submitted").status == VerdictStatus.PUBLISHED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        # Returning is reviewing: the writer-editor withdraws it instead (refused, told so).
        Desk(
            "claims:return",
            lambda o: o["submitted"].claim_id,
            lambda o: _verdict_post(o, "submitted"),
            lambda o: _verdict(o, "submitted").status == VerdictStatus.RETURNED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        # Whoever writes verdicts writes a correction, which waits for an editor.
        Desk(
            "claims:correct",
            lambda o: o["published"].claim_id,
            lambda o: _verdict_post(o, "published"),
            lambda o: CorrectionRequest.objects.filter(verdict=o["published"]).exists(),
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        # Published by an editor who wrote none of the verdict: not the writer-editor.
        Desk(
            "claims:correction_approve",
            lambda o: o["correction"].pk,
            lambda o: {},
            lambda o: _correction(o).status == ApplicationStatus.APPROVED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        # Rejected, as published, by an editor who wrote none of the verdict.
        Desk(
            "claims:correction_reject",
            lambda o: o["correction"].pk,
            lambda o: {"note": "The table is right."},
            lambda o: _correction(o).status == ApplicationStatus.REJECTED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        # Only its writer (not one of these users) withdraws it, whatever their role now:
        # anyone else is refused at the door (tests/claims/test_correction_requests.py has the
        # writer's own row).
        Desk(
            "claims:correction_withdraw",
            lambda o: o["correction"].pk,
            lambda o: {},
            lambda o: _correction(o).status == ApplicationStatus.WITHDRAWN,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    ),
    (
        Admin(
            "admin:claims_claim_change",
            lambda o: o["open_claim"].pk,
            {"attribution_cue": "said"},
            lambda o: claim(o, "open_claim").attribution_cue == "said",
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Admin(
            "admin:claims_claim_change",
            lambda o: o["published"].claim_id,
            {"attribution_cue": "said"},
            lambda o: claim(o, "published").attribution_cue == "said",
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    ),
    (
        Admin(
            "admin:claims_verdict_change",
            lambda o: o["draft"].pk,
            {"conclusion": "Admin edit."},
            lambda o: _verdict(o, "draft").conclusion == "Admin edit.",
        ),
        # A colleague's claim (its author's): the form refuses the save, saying who holds it
        # and keeping the typed text (claims.verdict_conflicts.taken_over).
        [LOGIN, FORBIDDEN, REFUSED, DONE, DONE, DONE],
    ),
    (
        Admin(
            "admin:claims_verdict_change",
            lambda o: o["published"].pk,
            {"conclusion": "Admin edit."},
            lambda o: _verdict(o, "published").conclusion == "Admin edit.",
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    ),
    (
        Admin(
            "admin:claims_evidencesource_change",
            lambda o: o["published"].sources.get().pk,
            {"title": "Swapped"},
            lambda o: EvidenceSource.objects.filter(title="Swapped").exists(),
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    ),
    (
        Admin(
            "admin:claims_speaker_change",
            lambda o: o["speaker"].pk,
            {"role": "Governor"},
            lambda o: Speaker.objects.get(pk=o["speaker"].pk).role == "Governor",
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:speaker_merge",
            lambda o: o["speaker_twin"].slug,
            lambda o: {"target": o["speaker"].slug},
            lambda o: not Speaker.objects.filter(pk=o["speaker_twin"].pk).exists(),
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:speaker_edit",
            lambda o: o["public_speaker"].slug,
            lambda o: {"name": "Dee Public", "role": "Senator (D)", "correction_note": "Party."},
            lambda o: Speaker.objects.get(pk=o["public_speaker"].pk).role == "Senator (D)",
        ),
        # The writer-editor rewrote the published verdict's draft: another editor corrects it.
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        Desk(
            "claims:queue_bulk",
            lambda o: None,
            lambda o: {"claims": [o["open_claim"].pk], "action": "assign"},
            lambda o: claim(o, "open_claim").assignee_id is not None,
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:speaker_merge_undo",
            lambda o: o["merge"].pk,
            lambda o: {},
            lambda o: SpeakerMerge.objects.get(pk=o["merge"].pk).undone_at is not None,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE, DONE],
    ),
    (
        Desk(
            "claims:note_add",
            lambda o: o["open_claim"].pk,
            lambda o: {"text": "Asked the press office.", "link": "https://gov.example.org/"},
            lambda o: ClaimNote.objects.filter(text="Asked the press office.").exists(),
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        # Its author (this fact-checker) or an editor takes a note back; another
        # fact-checker is refused (tests/claims/test_notes.py).
        Desk(
            "claims:note_remove",
            lambda o: o["note"].pk,
            lambda o: {},
            lambda o: not ClaimNote.objects.filter(pk=o["note"].pk).exists(),
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        # The permission of the admin's "Re-run analysis" (articles.change_article).
        Desk(
            "articles:analyse_again",
            lambda o: o["analysed"].pk,
            lambda o: {},
            lambda o: (
                Article.objects.get(pk=o["analysed"].pk).analysis_status == AnalysisStatus.QUEUED
            ),
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        Admin(
            "admin:articles_article_change",
            lambda o: o["article"].pk,
            {"title": "New title"},
            lambda o: type(o["article"]).objects.get(pk=o["article"].pk).title == "New title",
        ),
        [LOGIN, FORBIDDEN, DONE, DONE, DONE, DONE],
    ),
    (
        # The desk's rule in the admin: an editor who wrote none of the verdict publishes it. A
        # fact-checker is offered neither action: one posted anyway is a 403.
        AdminAction(
            "admin:claims_correctionrequest_changelist",
            "publish",
            lambda o: o["correction"].pk,
            lambda o: _correction(o).status == ApplicationStatus.APPROVED,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        # Rejected with its reason from the action's page, as on the desk.
        AdminAction(
            "admin:claims_correctionrequest_changelist",
            "reject",
            lambda o: o["correction"].pk,
            lambda o: _correction(o).status == ApplicationStatus.REJECTED,
            data={"post": "yes", "note": "The table is right."},
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, DONE, REFUSED, DONE],
    ),
    (
        Admin(
            "admin:claims_apitoken_change",
            lambda o: o["token"].pk,
            {"can_submit": "on"},
            lambda o: ApiToken.objects.get(pk=o["token"].pk).can_submit,
        ),
        [LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE],
    ),
]
CELLS = [
    pytest.param(action, role, expected, id=f"{action.__class__.__name__}:{name}-{n}-{role}")
    for n, (action, cells) in enumerate(MATRIX)
    for name in [getattr(action, "url", None) or getattr(action, "view", None) or action.action]
    for role, expected in zip(ROLES, cells, strict=True)
]


@pytest.mark.parametrize(("action", "role", "expected"), CELLS)
def test_each_role_gets_what_the_matrix_says(client, desk, action, role, expected):
    user = desk["users"][role]
    if user is not None:
        client.force_login(user)
    if isinstance(action, Desk):
        target = action.target(desk)
        url = reverse(action.url, args=[] if target is None else [target])
        response = client.post(url, action.data(desk))
    elif isinstance(action, AdminAction):
        selected = {
            "action": action.action,
            "_selected_action": [action.target(desk)],
            **action.data,
        }
        response = client.post(reverse(action.changelist), selected)
    else:
        url = reverse(action.view, args=[action.target(desk)])
        page = client.get(url)
        response = admin_save(client, url, **action.changes) if page.status_code == 200 else page
    if response.status_code == 302 and "login" in response["Location"]:
        outcome = LOGIN
    elif response.status_code == 403:
        outcome = FORBIDDEN
    else:
        assert response.status_code in (200, 302, 400, 409), response.status_code
        outcome = DONE if action.changed(desk) else REFUSED
    assert outcome == expected
    if outcome != DONE:
        assert not action.changed(desk)


# --- Read-only admin lists -------------------------------------------------------------------
# Who may read the requests to apply a published verdict and the corrections waiting for an
# editor in the admin (view only; the desk's services write them): what each role gets on the
# list and on one request's page.
READ_ONLY_ADMIN = {
    "anonymous": LOGIN,
    "no_role": FORBIDDEN,
    "fact_checker": 200,
    "editor": 200,
    "writer_editor": 200,
    "admin": 200,
}
READ_ONLY_LISTS = {"verdictapplication": "request", "correctionrequest": "correction"}


@pytest.mark.parametrize(("role", "expected"), READ_ONLY_ADMIN.items())
@pytest.mark.parametrize(("model", "row"), READ_ONLY_LISTS.items())
def test_each_role_reads_the_desk_s_request_admins_as_the_table_says(
    client, desk, model, row, role, expected
):
    user = desk["users"][role]
    if user is not None:
        client.force_login(user)
    request = desk[row]
    change_url = reverse(f"admin:claims_{model}_change", args=[request.pk])
    for url, shows in [
        (reverse(f"admin:claims_{model}_changelist"), change_url),
        (change_url, escape(str(request))),
    ]:
        response = client.get(url)
        if response.status_code == 302 and "login" in response["Location"]:
            outcome = LOGIN
        else:
            outcome = response.status_code
        assert outcome == expected, url
        if outcome == 200:
            page = response.content.decode()
            assert shows in page
            assert 'name="_save"' not in page and "/delete/" not in page
    if expected == 200:
        # Reading is all: a forged save changes nothing.
        client.post(change_url, {"status": ApplicationStatus.APPROVED})
        assert type(request).objects.get(pk=request.pk).status == request.status

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import attribution, services, verdicts
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimEventKind,
    ClaimOrigin,
    ClaimStatus,
    Sentence,
    SpeakerAlias,
    Verdict,
    VerdictStatus,
)
from claims.workflow import IllegalTransition, NothingChanged
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    active_rating,
    draft_resaved,
    drafted_verdict,
    editor,
    fact_checker,
    published_verdict,
    submitted_verdict,
    verdict_saved_again,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

BODY = (
    "Opening paragraph about nothing.\n\n"
    "The mayor spoke. Crime fell by 40 percent last year. Residents disagree.\n\n"
    "Closing words."
)


def claim_in_body(body=BODY, sentence="Crime fell by 40 percent last year.", **fields):
    article = ArticleFactory(body=body)
    start = body.index(sentence)
    return ClaimFactory(
        article=article, start=start, end=start + len(sentence), text=sentence, **fields
    )


def add_sentences(article):
    position, sentences = 0, []
    for index, text in enumerate(
        ["The mayor spoke.", "Crime fell by 40 percent last year.", "Residents disagree."]
    ):
        start = article.body.index(text, position)
        position = start + len(text)
        sentences.append(
            Sentence.objects.create(
                article=article,
                index=index,
                start=start,
                end=position,
                text=text,
                check_worthiness=0.1 + index / 10,
            )
        )
    return sentences


def page(client, claim):
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def verdict_post(version=None, *, sources=(("https://a.example.org/x", "A report"),), **fields):
    data = {
        "version": "" if version is None else version,
        "rating": fields.get("rating", active_rating("false").pk),
        "conclusion": fields.get("conclusion", "Crime rose."),
        "explanation": fields.get("explanation", "Police figures show a rise."),
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
    }
    for n, (url, title) in enumerate(sources):
        data[f"sources-{n}-url"] = url
        data[f"sources-{n}-title"] = title
        data[f"sources-{n}-note"] = ""
    if fields.get("submit"):
        data["submit"] = "1"
    return data


def warns_about_sources(response) -> bool:
    html = response.content.decode()
    # The warning's tag, whatever its other attributes: shown unless it carries `hidden`.
    tag = re.search(r"<p [^>]*data-domain-warning[^>]*>", html).group()
    return " hidden" not in tag


# --- The page -------------------------------------------------------------------------------


def test_the_claim_is_highlighted_inside_its_paragraph(client, checker):
    claim = claim_in_body()
    html = page(client, claim)
    assert (
        '<p class="paragraph">The mayor spoke. <mark>Crime fell by 40 percent last year.</mark>'
        " Residents disagree.</p>"
    ) in html
    assert "Opening paragraph" not in html.split('class="paragraph"')[1].split("</p>")[0]


def test_other_sentences_and_their_scores_are_behind_a_details_element(client, checker):
    claim = claim_in_body()
    add_sentences(claim.article)
    html = page(client, claim)
    details = html.split("<details>")[1].split("</details>")[0]
    assert "Scores of the other sentences (2)" in details
    assert "The mayor spoke." in details and "0.10" in details
    assert "Crime fell by 40" not in details


def test_the_speaker_role_and_earlier_rated_claims_are_shown(client, checker):
    speaker = SpeakerFactory(name="Ada Mayor", role="Mayor of Springfield")
    earlier = published_verdict(claim=ClaimFactory(speaker=speaker))
    claim = claim_in_body(speaker=speaker)
    html = page(client, claim)
    assert "Ada Mayor" in html and "Mayor of Springfield" in html
    assert earlier.claim.text in html
    assert earlier.rating.label in html


def test_hostile_article_text_is_escaped_everywhere(client, checker):
    body = "Intro <b>bold</b>.\n\nHe said <script>alert('x')</script> cost 5 million. End."
    claim = claim_in_body(body=body, sentence="He said <script>alert('x')</script> cost 5 million.")
    html = page(client, claim)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    article_html = client.get(reverse("articles:detail", args=[claim.article_id])).content
    assert b"<script>alert" not in article_html
    queue_html = client.get(reverse("claims:queue")).content
    assert b"<script>alert" not in queue_html and b"&lt;script&gt;" in queue_html


def test_the_page_shows_the_history_timeline(client, checker):
    claim = claim_in_body()
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.DETECTED,
        to_status="new",
        data={"model_version": "cw-7", "check_worthiness": 0.91},
    )
    services.claim_assign(claim=claim, actor=checker)
    drafted_verdict(claim=claim, author=checker, conclusion="First wording.")
    verdict = Verdict.objects.get(claim=claim)
    verdicts.verdict_save(
        claim=claim,
        actor=checker,
        expected_version=verdict.version,
        rating=active_rating("false"),
        conclusion="Second wording.",
        sources=[{"url": "https://a.example.org", "title": "A"}],
    )
    html = page(client, claim)
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "Detected" in timeline and "model: cw-7" in timeline
    assert "Assigned" in timeline and "fc" in timeline
    assert "<del>First wording.</del>" in timeline and "<ins>Second wording.</ins>" in timeline
    assert "sources added: https://source0.example.org/report" in timeline
    assert "sources added: https://a.example.org" in timeline
    assert "sources removed: https://source0.example.org/report" in timeline
    history = client.get(reverse("claims:history", args=[claim.pk])).content.decode()
    assert "<ins>Second wording.</ins>" in history


# --- Actions --------------------------------------------------------------------------------


def test_assign_to_me_and_unassign(client, checker):
    claim = claim_in_body()
    response = client.post(reverse("claims:assign", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == checker and claim.status == ClaimStatus.IN_PROGRESS
    assert "Unassign me" in page(client, claim)
    client.post(reverse("claims:unassign", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.assignee is None and claim.status == ClaimStatus.NEW


def test_dismissing_needs_a_reason_and_keeps_it(client, checker):
    claim = claim_in_body()
    response = client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": ""})
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEW
    client.post(reverse("claims:dismiss", args=[claim.pk]), {"reason": "An opinion."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED and claim.dismissal_reason == "An opinion."
    client.post(reverse("claims:reopen", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEW


def test_an_illegal_transition_through_a_view_changes_nothing_and_says_why(client, checker):
    verdict = published_verdict(claim=claim_in_body())
    claim = verdict.claim
    before = ClaimEvent.objects.filter(claim=claim).count()
    response = client.post(
        reverse("claims:dismiss", args=[claim.pk]), {"reason": "Too late."}, follow=True
    )
    assert "Cannot dismiss a claim that is published." in response.content.decode()
    response = client.post(reverse("claims:assign", args=[claim.pk]), follow=True)
    assert "Cannot assign a claim that is published." in response.content.decode()
    assert ClaimEvent.objects.filter(claim=claim).count() == before
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED


def test_submitting_a_verdict_twice_is_refused(client, checker):
    verdict = submitted_verdict(claim=claim_in_body(), author=checker)
    response = client.post(
        reverse("claims:submit", args=[verdict.claim_id]), {"version": verdict.version}, follow=True
    )
    assert "Cannot submit a verdict that is submitted for review." in response.content.decode()


def test_a_draft_is_saved_without_a_source_but_not_submitted_until_it_has_one(client, checker):
    """Work in progress is kept; review waits for the evidence, and says what is missing."""
    claim = claim_in_body()
    url = reverse("claims:verdict_save", args=[claim.pk])
    response = client.post(url, verdict_post(sources=()), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Draft saved."]
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.status == VerdictStatus.DRAFT and not verdict.sources.exists()
    response = client.post(url, verdict_post(verdict.version, sources=(), submit=True), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The draft is saved but not submitted. A verdict needs at least one evidence source "
        "before review."
    ]
    assert Verdict.objects.get(claim=claim).status == VerdictStatus.DRAFT
    # Everything missing is named at once.
    other = claim_in_body(body="Crime fell by 40 percent last year. Nobody disputes it.")
    response = client.post(
        reverse("claims:verdict_save", args=[other.pk]),
        verdict_post(sources=(), rating="", conclusion="", submit=True),
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The draft is saved but not submitted. A verdict needs a rating, a conclusion and at "
        "least one evidence source before review."
    ]


def test_a_correction_still_needs_at_least_one_source(client):
    verdict = published_verdict(claim=claim_in_body())
    boss = editor()
    client.force_login(boss)
    data = {
        "correct-version": verdict.version,
        "correct-rating": verdict.rating_id,
        "correct-conclusion": "Crime fell.",
        "correct-explanation": "",
        "correct-note": "The figure was revised.",
        "correct-sources-TOTAL_FORMS": "1",
        "correct-sources-INITIAL_FORMS": "0",
        "correct-sources-0-url": "",
        "correct-sources-0-title": "",
        "correct-sources-0-note": "",
    }
    response = client.post(reverse("claims:correct", args=[verdict.claim_id]), data)
    assert response.status_code == 400
    assert "Give at least 1 evidence source." in response.content.decode()
    assert not verdict.corrections.exists()


def test_a_verdict_form_with_no_source_yet_does_not_warn_about_too_few(client, checker):
    claim = claim_in_body()
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    assert not warns_about_sources(response)  # hidden, kept for the JS


def test_saving_a_draft_stores_the_verdict_and_warns_about_a_single_source(client, checker):
    claim = claim_in_body()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), verdict_post(), follow=True
    )
    assert "Draft saved." in response.content.decode()
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.conclusion == "Crime rose." and verdict.status == VerdictStatus.DRAFT
    assert [s.url for s in verdict.sources.all()] == ["https://a.example.org/x"]
    assert warns_about_sources(response)

    two_domains = verdict_post(
        verdict.version,
        sources=[("https://a.example.org/x", "A"), ("https://www.b.example.net/y", "B")],
    )
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), two_domains, follow=True
    )
    assert not warns_about_sources(response)
    assert 'data-independent-sources="2" hidden>' in response.content.decode()  # kept for the JS
    assert verdict.sources.count() == 2


def test_saving_a_draft_unchanged_adds_nothing_to_its_history_and_says_so(client, checker):
    claim = claim_in_body()
    url = reverse("claims:verdict_save", args=[claim.pk])
    assert "Draft saved." in client.post(url, verdict_post(), follow=True).text
    verdict = Verdict.objects.get(claim=claim)
    events, versions = claim.events.count(), verdict.history.count()
    sources = list(verdict.sources.values_list("pk", "accessed_on"))
    response = client.post(url, verdict_post(verdict.version), follow=True)
    html = response.content.decode()
    assert "Nothing changed: the draft is as it was, and its history too." in html
    assert "Draft saved." not in html
    verdict.refresh_from_db()
    assert verdict.version == 1 and verdict.history.count() == versions
    assert claim.events.count() == events
    assert list(verdict.sources.values_list("pk", "accessed_on")) == sources
    # A changed source's note is a change: saved, with its timeline entry.
    changed = verdict_post(verdict.version)
    changed["sources-0-note"] = "Table 3."
    assert "Draft saved." in client.post(url, changed, follow=True).content.decode()
    assert claim.events.count() == events + 1 and Verdict.objects.get(pk=verdict.pk).version == 2


def test_submitting_an_unchanged_draft_submits_it_without_a_draft_entry(client, checker):
    claim = claim_in_body()
    url = reverse("claims:verdict_save", args=[claim.pk])
    client.post(url, verdict_post(), follow=True)
    response = client.post(url, verdict_post(1, submit=True), follow=True)
    assert "Nothing changed in the draft; it is submitted for review." in response.text
    kinds = list(claim.events.values_list("kind", flat=True))
    assert kinds.count(ClaimEventKind.DRAFTED) == 1 and kinds[-1] == ClaimEventKind.SUBMITTED


def test_an_unchanged_save_of_a_verdict_in_review_is_still_refused():
    verdict = submitted_verdict()
    with pytest.raises(IllegalTransition):
        verdict_saved_again(verdict, actor=verdict.author)  # its own sources, as they are


def test_correcting_the_speaker_to_the_same_speaker_records_nothing(client, checker):
    speaker = SpeakerFactory(name="Ada Mayor", role="Mayor")
    claim = claim_in_body(speaker=speaker)
    events = claim.events.count()
    response = client.post(
        reverse("claims:speaker", args=[claim.pk]), {"speaker": speaker.pk}, follow=True
    )
    assert "Nothing changed: Ada Mayor is the speaker already." in response.text
    assert claim.events.count() == events
    with pytest.raises(NothingChanged):
        attribution.claim_attribution_edit(
            claim=claim,
            actor=checker,
            speaker=speaker,
            attribution_cue=f" {claim.attribution_cue} ",
            is_direct_quote=claim.is_direct_quote,
        )
    assert claim.events.count() == events


@pytest.mark.parametrize("state", ["drafted", "published"])
def test_the_claim_page_reads_the_verdicts_sources_once_and_lists_them(client, state):
    verdict = (published_verdict if state == "published" else drafted_verdict)(sources=2)
    client.force_login(editor())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("claims:detail", args=[verdict.claim_id])).content.decode()
    reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "claims_evidencesource"' in q["sql"]
    ]
    assert len(reads) == 1
    for source in verdict.sources.all():
        assert source.url in page


def test_two_sources_on_the_same_site_still_warn(client, checker):
    claim = claim_in_body()
    same_site = verdict_post(
        sources=[("https://a.example.org/1", "One"), ("https://www.a.example.org/2", "Two")]
    )
    response = client.post(reverse("claims:verdict_save", args=[claim.pk]), same_site, follow=True)
    assert warns_about_sources(response)
    assert "<span data-domain-count>1 distinct domain</span>" in response.content.decode()


def test_save_and_submit_sends_the_verdict_for_review(client, checker):
    claim = claim_in_body()
    client.post(reverse("claims:verdict_save", args=[claim.pk]), verdict_post(submit=True))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.verdict.status == VerdictStatus.SUBMITTED
    html = page(client, claim)
    assert 'name="conclusion"' not in html  # no longer editable while in review
    assert "Approve and publish" not in html  # fact-checkers never see editor actions


def test_a_stale_save_is_refused_with_who_and_when(client, checker):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker)
    loaded_version = verdict.version
    services.claim_unassign(claim=claim, actor=checker)  # let go: a colleague may pick it up
    colleague = fact_checker(username="colleague")
    verdicts.verdict_save(
        claim=claim,
        actor=colleague,
        expected_version=loaded_version,
        rating=active_rating("false"),
        conclusion="Colleague's wording.",
        sources=[{"url": "https://c.example.org", "title": "C"}],
    )
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        verdict_post(loaded_version, conclusion="My wording."),
    )
    # Saving took the claim: the colleague's now, so no form (nothing to reload and save
    # again), but the typed text is not lost.
    assert response.status_code == 403
    html = response.content.decode()
    assert "colleague saved this verdict at" in html and "which assigned the claim to them" in html
    assert "reload to see their changes" not in html
    assert "What you typed (not saved)" in html and "My wording." in html
    verdict.refresh_from_db()
    assert verdict.conclusion == "Colleague's wording."


def test_a_new_verdict_sent_twice_is_saved_once_and_the_second_says_nothing_changed(
    client, checker
):
    claim = claim_in_body()
    url = reverse("claims:verdict_save", args=[claim.pk])
    client.post(url, verdict_post(), follow=True)
    saved = Verdict.objects.get(claim=claim)
    response = client.post(url, verdict_post(), follow=True)  # the page's version is still ""
    html = response.content.decode()
    assert response.status_code == 200 and "Not saved." not in html
    assert "Nothing changed: the verdict already holds what you sent (you saved this at" in html
    assert "in another tab or by sending the form twice" in html
    assert "Draft saved." not in html
    again = Verdict.objects.get(pk=saved.pk)
    assert again.version == saved.version and again.sources.count() == 1


def test_save_and_submit_sent_twice_submits_once_and_says_it_is_in_review(client, checker):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker)
    data = verdict_post(verdict.version, submit=True)
    url = reverse("claims:verdict_save", args=[claim.pk])
    client.post(url, data, follow=True)
    submitted = Verdict.objects.get(pk=verdict.pk)
    assert submitted.status == VerdictStatus.SUBMITTED
    html = client.post(url, data, follow=True).content.decode()
    assert "Nothing changed: the verdict already holds what you sent" in html
    assert "It is in review." in html and "not submitted" not in html
    assert Verdict.objects.get(pk=verdict.pk).version == submitted.version


def test_a_stale_save_of_what_a_colleague_saved_meanwhile_is_no_conflict(client, checker):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker)
    loaded = verdict.version
    services.claim_unassign(claim=claim, actor=checker)  # let go: a colleague may pick it up
    client.force_login(fact_checker(username="colleague"))
    client.post(reverse("claims:verdict_save", args=[claim.pk]), verdict_post(loaded))
    client.force_login(checker)
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), verdict_post(loaded), follow=True
    )
    assert "Nothing changed: the verdict already holds what you sent (colleague last changed" in (
        response.content.decode()
    )
    assert Verdict.objects.get(pk=verdict.pk).version == loaded + 1


def test_a_stale_save_after_ones_own_save_in_another_tab_is_not_blamed_on_someone_else(
    client, checker
):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker)
    loaded = verdict.version
    url = reverse("claims:verdict_save", args=[claim.pk])
    client.post(url, verdict_post(loaded, conclusion="First tab."))
    response = client.post(url, verdict_post(loaded, conclusion="Second tab."))
    assert response.status_code == 409
    html = response.content.decode()
    assert "You saved this verdict again at" in html
    assert "in another tab or by sending the form twice" in html
    assert "changed by fc" not in html and "their changes" not in html
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "First tab."


def test_a_stale_publish_is_refused(client):
    verdict = submitted_verdict(claim=claim_in_body())
    stale = verdict.version
    boss = editor(username="boss")
    verdicts.verdict_return(verdict=verdict, actor=boss, comment="Fix it.")
    client.force_login(editor(username="other-editor"))
    response = client.post(reverse("claims:publish", args=[verdict.claim_id]), {"version": stale})
    assert response.status_code == 409
    assert "Not published: the verdict changed since you opened the page (boss returned it" in (
        response.content.decode()
    )
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.RETURNED


def test_a_return_sent_from_a_tab_drawn_before_one_s_own_publish_says_it_was_published(client):
    verdict = submitted_verdict(claim=claim_in_body())
    stale = verdict.version
    boss = editor(username="boss")
    verdicts.verdict_publish(verdict=verdict, editor=boss)
    client.force_login(boss)
    response = client.post(
        reverse("claims:return", args=[verdict.claim_id]),
        {"version": stale, "comment": "Add the police source."},
        follow=True,
    )
    html = response.content.decode()
    assert "This verdict can no longer be returned: you published it at" in html
    assert "saved this verdict again" not in html and "boss published" not in html
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.PUBLISHED


def test_the_author_sees_who_returned_the_verdict_when_and_why(client, checker):
    verdict = submitted_verdict(claim=claim_in_body(), author=checker)
    verdict = verdicts.verdict_return(
        verdict=verdict, actor=editor(username="boss"), comment="Add the police source."
    )
    html = page(client, verdict.claim)
    assert "Returned by boss on <time" in html and "Add the police source." in html
    assert 'name="conclusion"' in html  # editable again
    # The author's next save (still returned) does not make them the one who returned it.
    verdicts.verdict_save(
        claim=verdict.claim,
        actor=checker,
        expected_version=verdict.version,
        rating=verdict.rating,
        conclusion="A new conclusion.",
        explanation=verdict.explanation,
        sources=[{"url": "https://police.example.org/figures", "title": "Police figures"}],
    )
    assert "Returned by boss on <time" in page(client, verdict.claim)


def test_the_return_comment_says_which_editor_returned_it_and_when(client, checker, settings):
    settings.TIME_ZONE = "UTC"
    verdict = submitted_verdict(claim=claim_in_body(), author=checker)
    verdicts.verdict_return(verdict=verdict, actor=editor(username="desk-chief"), comment="Fix.")
    returned = verdict.claim.events.get(kind=ClaimEventKind.RETURNED)
    version = Verdict.objects.get(pk=verdict.pk).version
    drafted = draft_resaved(claim=verdict.claim, actor=checker, expected_version=version)
    assert drafted.updated_by == checker  # the draft's last save no longer names the editor
    box = page(client, verdict.claim).split('class="alert returned"')[1].split("</div>")[0]
    assert f'Returned by desk-chief on <time datetime="{returned.created_at:%Y-%m-%d}' in box


def test_a_sentence_the_model_missed_can_be_added_as_a_claim(client, checker):
    article = ArticleFactory(body=BODY)
    missed = add_sentences(article)[2]
    response = client.post(reverse("claims:add", args=[missed.pk]))
    claim = Claim.objects.get(article=article)
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert claim.text == "Residents disagree." and claim.origin == ClaimOrigin.MANUAL
    assert claim.events.get().kind == ClaimEventKind.ADDED
    response = client.post(reverse("claims:add", args=[missed.pk]))
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    response = client.get(response["Location"])
    assert f"Already done: this sentence is claim #{claim.pk}." in response.content.decode()
    assert Claim.objects.filter(article=article).count() == 1


def test_a_sentence_already_a_claim_links_to_that_claim_instead_of_offering_to_add_it(
    client, checker
):
    claim = claim_in_body()
    spoke, _, disagree = add_sentences(claim.article)
    other = services.claim_add_from_sentence(sentence=disagree, actor=checker)

    def sentence_cells():
        with CaptureQueriesContext(connection) as queries:
            html = page(client, claim)
        details = html.split("<details>")[1].split("</details>")[0]
        rows = {row.split("</td>")[1]: row for row in details.split("<tr><td>")[1:]}
        claim_reads = [q for q in queries.captured_queries if 'FROM "claims_claim"' in q["sql"]]
        return rows, len(claim_reads)

    rows, reads = sentence_cells()
    link = reverse("claims:detail", args=[other.pk])
    assert f'<a href="{link}">Claim #{other.pk}</a>' in rows["<td>Residents disagree."]
    assert "Add as claim" not in rows["<td>Residents disagree."]
    assert reverse("claims:add", args=[spoke.pk]) in rows["<td>The mayor spoke."]
    services.claim_add_from_sentence(sentence=spoke, actor=checker)
    rows, reads_with_two_claims = sentence_cells()
    assert "Add as claim" not in rows["<td>The mayor spoke."]
    assert reads_with_two_claims == reads  # no query a sentence


def test_correcting_the_speaker_records_the_alias(client, checker):
    claim = claim_in_body()
    speaker = SpeakerFactory(name="Ada Lovelace")
    client.post(
        reverse("claims:speaker", args=[claim.pk]),
        {
            "speaker": speaker.pk,
            "name": "the Countess",
            "record_alias": "on",
            "role": "Mathematician",
        },
    )
    claim.refresh_from_db()
    speaker.refresh_from_db()
    assert claim.speaker == speaker and claim.edited_by_reviewer
    assert speaker.role == "Mathematician"
    assert SpeakerAlias.objects.filter(speaker=speaker, alias="the Countess").exists()
    assert claim.events.get(kind=ClaimEventKind.SPEAKER_CORRECTED).data["to"] == "Ada Lovelace"


def test_the_speaker_list_offers_the_article_s_speakers_and_a_typed_name_finds_the_rest(
    client, checker
):
    claim = claim_in_body()
    in_article = SpeakerFactory(name="Mayor Quimby")
    Sentence.objects.create(
        article=claim.article, index=0, start=0, end=5, text="Openi", speaker=in_article
    )
    elsewhere = services.speaker_resolve(name="Ada Lovelace")
    SpeakerFactory.create_batch(30)  # a desk's thousands of speakers stay out of the page
    html = page(client, claim)
    options = html.split('name="speaker"')[1].split("</select>")[0]
    assert f'value="{in_article.pk}"' in options and "Ada Lovelace" not in options
    assert options.count("<option") == 2  # the empty choice and the article's speaker
    client.post(reverse("claims:speaker", args=[claim.pk]), {"name": "Ada Lovelace"})
    claim.refresh_from_db()
    assert claim.speaker == elsewhere
    assert "Ada Lovelace" in page(client, claim).split('name="speaker"')[1].split("</select>")[0]


def test_a_typed_new_speaker_is_created(client, checker):
    claim = claim_in_body()
    client.post(reverse("claims:speaker", args=[claim.pk]), {"name": "Grace Hopper", "role": ""})
    claim.refresh_from_db()
    assert claim.speaker.name == "Grace Hopper"
    response = client.post(reverse("claims:speaker", args=[claim.pk]), {"name": ""})
    assert response.status_code == 400
    # A name of only invisible characters (zero-width spaces, a bidi override) is no name.
    for invisible in ["\u200b\u200b", "\u202e", "\ufeff \u200d"]:
        response = client.post(reverse("claims:speaker", args=[claim.pk]), {"name": invisible})
        assert response.status_code == 400 and "Name the speaker" in response.content.decode()
    claim.refresh_from_db()
    assert claim.speaker.name == "Grace Hopper"


def test_a_speaker_named_in_another_script_is_created_and_found_again(client, checker):
    claim = claim_in_body()
    other = ClaimFactory(article=claim.article, start=0, end=5, text=BODY[:5])
    for one, name in [(claim, "Владимир Путин"), (other, "владимир путин")]:
        response = client.post(reverse("claims:speaker", args=[one.pk]), {"name": name})
        assert response.status_code == 302
        one.refresh_from_db()
    assert claim.speaker.name == "Владимир Путин" and other.speaker == claim.speaker
    assert (
        client.get(reverse("claims:speaker_detail", args=[claim.speaker.slug])).status_code == 200
    )


def test_the_desk_says_which_time_zone_its_times_are_in(client, checker, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # no summer time: always JST
    claim = claim_in_body()
    services.claim_assign(claim=claim, actor=checker)
    verdict = drafted_verdict(claim=claim, author=checker)
    html = page(client, claim)
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert re.search(r"\d{2}:\d{2} JST</time>", timeline)
    assert re.search(r"last saved by fc \d+ \w+ \d{4} \d{2}:\d{2} JST", html)
    stale = verdict.version
    services.claim_unassign(claim=claim, actor=checker)  # let go: a colleague may pick it up
    verdicts.verdict_save(
        claim=claim,
        actor=fact_checker(username="colleague"),
        expected_version=stale,
        rating=active_rating("false"),
        conclusion="Colleague's wording.",
        explanation="",
        sources=[{"url": "https://c.example.org", "title": "C"}],
    )
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]), verdict_post(stale, conclusion="Mine.")
    )
    assert re.search(
        r"colleague saved this verdict at \d{1,2} \w{3} \d{4} \d{2}:\d{2} JST", response.text
    )


def test_save_and_submit_without_a_rating_says_the_draft_is_saved_but_not_submitted(
    client, checker
):
    claim = claim_in_body()
    response = client.post(
        reverse("claims:verdict_save", args=[claim.pk]),
        verdict_post(rating="", submit=True),
        follow=True,
    )
    claim.refresh_from_db()
    assert claim.verdict.status == VerdictStatus.DRAFT
    assert claim.verdict.conclusion == "Crime rose."
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "The draft is saved but not submitted. A verdict needs a rating before review."
    ]


def test_a_source_is_removed_from_a_draft_with_its_remove_box(client, checker):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker, sources=2)
    html = page(client, claim)
    assert 'name="sources-0-DELETE"' in html and "Remove this source" in html
    assert 'name="sources-2-DELETE"' not in html  # the blank extra forms have nothing to remove
    data = verdict_post(
        verdict.version,
        sources=(
            ("https://source0.example.org/report", "Report 0"),
            ("https://source1.example.org/report", "Report 1"),
        ),
    )
    data.update({"sources-TOTAL_FORMS": "4", "sources-INITIAL_FORMS": "2"})
    data.update({"sources-1-url": "", "sources-1-title": "", "sources-1-DELETE": "on"})
    response = client.post(reverse("claims:verdict_save", args=[claim.pk]), data)
    assert response.status_code == 302
    assert [source.title for source in verdict.sources.all()] == ["Report 0"]


def test_removing_every_source_of_a_draft_keeps_it_a_draft_that_cannot_go_to_review(
    client, checker
):
    claim = claim_in_body()
    verdict = drafted_verdict(claim=claim, author=checker, sources=1)
    data = verdict_post(verdict.version, sources=(("https://source0.example.org/report", "R"),))
    data.update({"sources-TOTAL_FORMS": "3", "sources-INITIAL_FORMS": "1", "submit": "1"})
    data["sources-0-DELETE"] = "on"
    response = client.post(reverse("claims:verdict_save", args=[claim.pk]), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The draft is saved but not submitted. A verdict needs at least one evidence source "
        "before review."
    ]
    verdict.refresh_from_db()
    assert verdict.status == VerdictStatus.DRAFT and verdict.sources.count() == 0


def test_the_verdict_line_names_who_wrote_its_wording_not_who_started_it(client):
    from tests.factories import verdict_corrected

    verdict = published_verdict(
        author=fact_checker(username="starter"), publisher=editor(username="first-editor")
    )
    writer, boss = fact_checker(username="corrector"), editor(username="boss")
    client.force_login(boss)
    assert f"version {verdict.version} · by starter · last saved by first-editor" in page(
        client, verdict.claim
    )
    verdict_corrected(verdict, writer=writer, publisher=boss, conclusion="Mostly wrong.")
    verdict.refresh_from_db()
    # The editor who approved the correction saved it; its wording is the fact-checker's.
    assert f"version {verdict.version} · by corrector · last saved by boss" in page(
        client, verdict.claim
    )


def test_the_verdict_line_names_a_colleague_who_rewrote_the_draft_not_a_speaker_change(client):
    draft = drafted_verdict(author=fact_checker(username="starter"))
    colleague, boss = fact_checker(username="colleague"), editor(username="boss")
    services.claim_unassign(claim=draft.claim, actor=draft.author)
    draft = verdicts.verdict_save(
        claim=draft.claim,
        actor=colleague,
        expected_version=draft.version,
        rating=draft.rating,
        conclusion="The colleague's wording.",
        sources=[{"url": "https://c.example.org", "title": "C"}],
    )
    # Who said the claim, changed under the draft, changes none of its wording.
    services.attribution_contributions_record(claim_ids=[draft.claim_id], actor=boss)
    client.force_login(boss)
    assert f"version {draft.version} · by colleague · last saved by colleague" in page(
        client, draft.claim
    )

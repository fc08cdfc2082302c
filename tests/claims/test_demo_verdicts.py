"""`make run`'s demo_verdicts: one seed claim published, written and published by two people."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.management.commands.demo_verdicts import DEMO_VERDICTS
from claims.models import (
    Claim,
    ClaimEvent,
    ClaimStatus,
    EvidenceSource,
    Verdict,
    VerdictContribution,
    VerdictStatus,
)
from tests.factories import drafted_verdict, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

DEMO_CLAIM = DEMO_VERDICTS[0].claim


@pytest.fixture
def demo(settings, tmp_path, django_capture_on_commit_callbacks, capsys):
    """What make run has done before demo_verdicts: the seeds loaded and analysed, the users."""
    settings.BASE_DIR = tmp_path  # demo_users writes var/demo-credentials.txt there
    settings.DEBUG = True  # as make run sets it (pytest-django turns it off)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds")
        call_command("load_seeds", "--dir", "seeds/demo")
    call_command("demo_users")
    capsys.readouterr()
    return get_user_model().objects


def _written():
    return (
        Verdict.objects.count(),
        ClaimEvent.objects.count(),
        EvidenceSource.objects.count(),
        VerdictContribution.objects.count(),
        Verdict.history.count(),
    )


def test_the_demo_verdict_is_written_by_the_factchecker_and_published_by_the_editor(demo, capsys):
    call_command("demo_verdicts")

    verdict = Verdict.objects.get()
    claim = verdict.claim
    assert claim.text == DEMO_CLAIM and claim.article.outlet.name == "Reuters"
    assert verdict.status == VerdictStatus.PUBLISHED and claim.status == ClaimStatus.PUBLISHED
    assert verdict.rating.slug == "true" and verdict.rating.scale.is_active
    assert verdict.author.username == "factchecker" and verdict.editor.username == "editor"
    writers = VerdictContribution.objects.filter(verdict=verdict).values_list("user__username")
    assert set(writers) == {("factchecker",)}
    steps = list(claim.events.exclude(kind="detected").values_list("kind", "actor__username"))
    assert steps == [
        ("assigned", "factchecker"),
        ("drafted", "factchecker"),
        ("submitted", "factchecker"),
        ("published", "editor"),
    ]
    assert verdict.conclusion.startswith("Demo content:")
    assert "demo content" in verdict.explanation
    assert [source.url for source in verdict.sources.all()] == [
        "https://demo.invalid/seeds/000_ab3642ed052a6c28.txt"
    ]
    out = capsys.readouterr().out
    assert f"Published demo verdict: claim #{claim.pk} “{DEMO_CLAIM}” — True" in out
    assert f"/claims/{claim.pk}/" in out and f"/fact-checks/{verdict.pk}/" in out
    assert "/api/v1/verdicts/" in out


def test_its_public_source_note_says_the_desk_copy_of_the_seed_needs_a_log_in(demo, client):
    # The public page's readers are anonymous: "on the desk's article page" pointed them to a
    # page that only asks them to log in, without saying so.
    call_command("demo_verdicts")
    verdict = Verdict.objects.get()

    page = client.get(reverse("claims:public", args=[verdict.pk])).text
    sources = page.split("<h2>Sources</h2>", 1)[1].split("</ol>", 1)[0]

    assert "(it opens nothing)" in sources
    assert "in the seeds/ folder of this demo (000_ab3642ed052a6c28.txt)" in sources
    assert "desk users can also read it on the desk, after logging in" in sources
    desk_page = reverse("articles:detail", args=[verdict.claim.article_id])
    assert desk_page not in page
    assert client.get(desk_page)["Location"].startswith(reverse("login"))


def test_nothing_but_the_demo_claim_is_published(demo):
    call_command("demo_verdicts")

    assert list(Claim.objects.published().values_list("text", flat=True)) == [DEMO_CLAIM]
    others = Claim.objects.exclude(text=DEMO_CLAIM)
    assert set(others.values_list("status", flat=True)) == {ClaimStatus.NEW}


def test_running_it_twice_writes_nothing_the_second_time(demo, capsys):
    call_command("demo_verdicts")
    written = _written()
    capsys.readouterr()

    call_command("demo_verdicts")

    assert _written() == written
    verdict = Verdict.objects.get()
    assert f"Demo verdict already published: claim #{verdict.claim_id}" in capsys.readouterr().out


def test_a_refused_publication_leaves_nothing_half_way_through_review(demo):
    # Publishing goes through the desk's service: without the editors' permission it is
    # refused, and the claim taken, the draft and its submission go with it.
    demo.get(username="editor").groups.remove(Group.objects.get(name="Editors"))

    with pytest.raises(CommandError, match="No demo verdict was published.*Only editors"):
        call_command("demo_verdicts")

    claim = Claim.objects.get(text=DEMO_CLAIM)
    assert claim.status == ClaimStatus.NEW and claim.assignee is None
    assert not Verdict.objects.exists()
    assert not claim.events.exclude(kind="detected").exists()


def test_a_claim_someone_drafted_on_is_left_as_it_is(demo, capsys):
    draft = drafted_verdict(claim=Claim.objects.get(text=DEMO_CLAIM), author=fact_checker())
    written = _written()

    call_command("demo_verdicts")

    assert _written() == written
    assert Verdict.objects.get() == draft and draft.status == VerdictStatus.DRAFT
    assert not Claim.objects.published().exists()
    assert f"No demo verdict on claim #{draft.claim_id}: its verdict is draft, left as it is." in (
        capsys.readouterr().out
    )


def test_it_refuses_to_run_without_debug(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="for the local demo only"):
        call_command("demo_verdicts")

    assert not Verdict.objects.exists()


def test_it_asks_for_the_demo_users_first(demo):
    demo.filter(username="editor").delete()

    with pytest.raises(CommandError, match="No demo user editor: run demo_users first"):
        call_command("demo_verdicts")

    assert not Verdict.objects.exists()

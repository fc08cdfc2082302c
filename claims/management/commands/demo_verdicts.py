"""`make run`'s last set-up step: one seed claim gets a published fact-check, so the demo's
public pages, API, ClaimReview, "has this been checked?" search and seen-before panel have
something to show.

It goes the way a newsroom's does, through the services the desk's pages call: the demo
fact-checker takes the claim, drafts the verdict and submits it; the demo editor, who wrote
none of it, publishes it. Its wording says it is demo content and rests on the seed article
alone: nothing in it comes from anywhere else.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from articles.models import Article
from articles.services import body_content_hash, body_normalize
from claims import services, verdicts
from claims.models import Claim, ClaimStatus, Rating, Verdict, VerdictStatus
from claims.workflow import IllegalTransition

SEED_FILE = "000_ab3642ed052a6c28.txt"
# The demo users (demo_users) in their two roles: one writes, the other publishes.
WRITER, PUBLISHER = "factchecker", "editor"


@dataclass(frozen=True)
class DemoVerdict:
    claim: str  # the claim's text in the seed article, as the analysis stores it
    rating: str  # the slug of a rating on the active scale
    conclusion: str
    explanation: str
    sources: tuple[dict, ...]


SEED_SOURCE = {
    # No address of the original is known (seeds/README.md), and an invented one would send
    # readers somewhere that is not the text: .invalid names a demo that resolves nowhere.
    "url": "https://demo.invalid/seeds/000_ab3642ed052a6c28.txt",
    "title": (
        "Demo source: the seed article, “U.S. defends strikes on Iran-aligned militias as "
        "Iraq and Syria condemn them” (a Reuters video transcript)"
    ),
    # Shown on the public page, whose readers are not logged in: the desk's article page only
    # asks them to log in, so the note says so rather than send them there.
    "note": (
        "Demo placeholder address (it opens nothing): the text is in the seeds/ folder of this "
        f"demo ({SEED_FILE}); desk users can also read it on the desk, after logging in."
    ),
}

DEMO_VERDICTS = (
    DemoVerdict(
        claim=(
            "It was the second time this year President Joe Biden had ordered retaliatory "
            "strikes against Iran-backed militia."
        ),
        rating="true",
        conclusion=(
            "Demo content: rated True on the seed article's own report alone, which this demo "
            "verdict does not check against any other source."
        ),
        explanation=(
            "This verdict is demo content. The demo set-up (make run) wrote it as the demo "
            "fact-checker and published it as the demo editor, to show what a published "
            "fact-check looks like on the public pages, in the API and in ClaimReview. It was "
            "not researched.\n\n"
            "The seed article, a Reuters video transcript, says in its own narration that the "
            "strikes it reports were the second time that year President Joe Biden had "
            "ordered retaliatory strikes against Iran-backed militia. The rating rests on that "
            "report and on nothing else. A real fact-check would name the earlier strikes and "
            "cite a record of them independent of the article that made the claim."
        ),
        sources=(SEED_SOURCE,),
    ),
)


class Command(BaseCommand):
    help = (
        "Publish the demo fact-check on a seed claim (make run): drafted by the demo "
        "fact-checker, published by the demo editor. Needs DEBUG=1, load_seeds and demo_users "
        "first; a claim that has a verdict already is left as it is."
    )

    def handle(self, *args, **options):
        # Demo content on a live site would be published to its readers and search engines.
        if not settings.DEBUG:
            raise CommandError(
                "Demo verdicts are for the local demo only (DEBUG=1, as make run sets): on a "
                "live site they would publish demo content to its readers."
            )
        writer, publisher = self._demo_users()
        article = self._seed_article()
        done = []
        # All or nothing: a refused step leaves no claim taken, no draft and no verdict half
        # way through review.
        with transaction.atomic():
            for demo in DEMO_VERDICTS:
                done.append(self._publish(demo, article, writer, publisher))
        for line in done:
            self.stdout.write(line)

    @staticmethod
    def _demo_users():
        User = get_user_model()
        users = {
            user.get_username(): user
            for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": [WRITER, PUBLISHER]})
        }
        missing = [name for name in (WRITER, PUBLISHER) if name not in users]
        if missing:
            raise CommandError(
                f"No demo user {' or '.join(missing)}: run demo_users first (the demo verdict "
                f"is written by {WRITER} and published by {PUBLISHER})."
            )
        return users[WRITER], users[PUBLISHER]

    @staticmethod
    def _seed_article() -> Article:
        path = settings.SEEDS_DIR / SEED_FILE
        content_hash = body_content_hash(body_normalize(path.read_bytes()))
        article = Article.objects.filter(content_hash=content_hash).first()
        if article is None:
            raise CommandError(f"The seed article {SEED_FILE} is not loaded: run load_seeds first.")
        return article

    def _publish(self, demo: DemoVerdict, article: Article, writer, publisher) -> str:
        claim = Claim.objects.filter(article=article, text=demo.claim).first()
        if claim is None:
            return self.style.WARNING(
                f"No demo verdict: the seed article has no claim “{demo.claim}” (the analysis "
                "did not pick that sentence)."
            )
        verdict = Verdict.objects.filter(claim=claim).select_related("rating").first()
        if verdict is not None and verdict.status == VerdictStatus.PUBLISHED:
            return f"Demo verdict already published: {self._summary(claim, verdict)}"
        if verdict is not None or claim.status not in (ClaimStatus.NEW, ClaimStatus.IN_PROGRESS):
            # Someone has worked on it in this demo: theirs to finish, not overwritten.
            state = (
                f"its verdict is {verdict.get_status_display().lower()}"
                if verdict is not None
                else f"it is {claim.get_status_display().lower()}"
            )
            return f"No demo verdict on claim #{claim.pk}: {state}, left as it is."
        if claim.assignee_id not in (None, writer.pk):
            return (
                f"No demo verdict on claim #{claim.pk}: {claim.assignee.get_username()} is "
                "working on it, left as it is."
            )
        rating = Rating.objects.filter(scale__is_active=True, slug=demo.rating).first()
        if rating is None:
            return self.style.WARNING(
                f"No demo verdict on claim #{claim.pk}: the active rating scale has no "
                f"“{demo.rating}” rating."
            )
        try:
            if claim.assignee_id is None:
                claim = services.claim_assign(claim=claim, actor=writer)
            verdict = verdicts.verdict_save(
                claim=claim,
                actor=writer,
                expected_version=None,
                rating=rating,
                conclusion=demo.conclusion,
                explanation=demo.explanation,
                sources=demo.sources,
            )
            for actor, action in ((writer, "submit"), (publisher, "publish")):
                verdict = verdicts.verdict_act(
                    verdict=verdict, actor=actor, action=action, expected_version=verdict.version
                )
        except (IllegalTransition, ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(
                f"No demo verdict was published. Claim #{claim.pk}: {' '.join(messages)}"
            ) from None
        return self.style.SUCCESS("Published demo verdict: ") + self._summary(claim, verdict)

    @staticmethod
    def _summary(claim: Claim, verdict: Verdict) -> str:
        return (
            f"claim #{claim.pk} “{claim.text}” — {verdict.rating}; see "
            f"{reverse('claims:detail', args=[claim.pk])} (desk), "
            f"{reverse('claims:public', args=[verdict.pk])} and "
            f"{reverse('api:verdict-list')}"
        )

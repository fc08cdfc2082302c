"""Text from outside set into the desk's own sentences is isolated (config.bidi): a U+202E left in
an old article's text, and so in its claims and the speakers read from it, reverses no more
than itself, and a right-to-left claim keeps its own direction without pulling the page's
punctuation along."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from claims.models import Claim
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    fact_checker,
    published_verdict,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE, as in bodies stored before 2026-12-06
FSI, PDI = "\u2068", "\u2069"


def _old_claim(text: str, **kwargs) -> Claim:
    """A claim of an article stored before the bidi controls were dropped at intake: the
    text is the body's, as its offsets say."""
    article = ArticleFactory(body=f"{text} Residents were not surprised.")
    return ClaimFactory(article=article, end=len(text), **kwargs)


def _render(source: str, **context) -> str:
    return Template("{% load bidi %}" + source).render(Context(context))


def test_the_isolated_filter_escapes_the_text_once_inside_a_bdi():
    assert _render("{{ name|isolated }}", name="<b>A & B</b>") == (
        "<bdi>&lt;b&gt;A &amp; B&lt;/b&gt;</bdi>"
    )
    # A default or an include's output is kept as it is, not escaped again.
    assert _render('{{ name|default:"—"|isolated }}', name="") == "<bdi>—</bdi>"
    assert _render("{{ name|truncatechars:5|isolated }}", name="Tom & Jerry") == (
        "<bdi>Tom …</bdi>"
    )


def test_the_isolated_line_filter_puts_isolation_marks_around_plain_text_escaped_once():
    assert _render("{{ title|isolated_line }}", title="A & B") == f"{FSI}A &amp; B{PDI}"


def test_a_public_fact_check_isolates_the_claim_and_who_made_it(client):
    speaker = SpeakerFactory(name=f"Ann {OVERRIDE}Example", role="Mayor")
    claim = _old_claim(f"The budget {OVERRIDE}grew by 5 percent.", speaker=speaker)
    verdict = published_verdict(claim=claim)
    html = client.get(reverse("claims:public", args=[verdict.pk])).content.decode()
    assert f"<h1><bdi>The budget {OVERRIDE}grew by 5 percent.</bdi></h1>" in html
    assert f"Claimed by <bdi>Ann {OVERRIDE}Example</bdi>, <bdi>Mayor</bdi> in " in html
    outlet = claim.article.outlet.name
    assert f"(<bdi>{outlet}</bdi>)" in html
    # The tab's title: " · Fact-check desk" after the claim is the site's, not the claim's.
    assert f"<title>Fact-check: {FSI}The budget {OVERRIDE}grew by 5 percent.{PDI} · " in html


def test_a_right_to_left_claim_is_isolated_and_escaped_once(client):
    speaker = SpeakerFactory(name="دانا כהן & co")
    claim = _old_claim("الميزانية زادت بنسبة 5%؟", speaker=speaker)
    verdict = published_verdict(claim=claim)
    html = client.get(reverse("claims:public_index")).content.decode()
    assert "<bdi>الميزانية زادت بنسبة 5%؟</bdi></a>" in html
    assert "Claimed by <bdi>دانا כהן &amp; co</bdi> · published" in html
    assert "&amp;amp;" not in html
    assert verdict.pk


def test_the_atom_feed_isolates_the_claim_in_titles_and_summaries(client):
    speaker = SpeakerFactory(name=f"Ann {OVERRIDE}Example")
    published_verdict(claim=_old_claim(f"The budget {OVERRIDE}grew.", speaker=speaker))
    feed = client.get(reverse("claims:public_feed")).content.decode()
    assert f": {FSI}The budget {OVERRIDE}grew.{PDI}</title>" in feed
    # The summary is HTML, escaped once more as the feed's XML text.
    assert f"Claimed by &lt;bdi&gt;Ann {OVERRIDE}Example&lt;/bdi&gt; in " in feed


def test_the_desk_s_queue_isolates_the_claim_from_its_badges(client):
    claim = _old_claim(f"The budget {OVERRIDE}grew.")
    Claim.objects.filter(pk=claim.pk).update(priority=2)
    client.force_login(fact_checker())
    html = client.get(reverse("claims:queue")).content.decode()
    assert f'<bdi>The budget {OVERRIDE}grew.</bdi></a> <span class="badge">priority 2' in html


def test_a_claim_page_isolates_the_speaker_and_the_cue(client):
    speaker = SpeakerFactory(name=f"Ann {OVERRIDE}Example", role="Mayor")
    claim = _old_claim("The budget grew.", speaker=speaker, attribution_cue=f"{OVERRIDE}said")
    client.force_login(fact_checker())
    html = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f"<bdi>Ann {OVERRIDE}Example</bdi></a>" in html
    assert f"cue “<bdi>{OVERRIDE}said</bdi>”" in html


def test_a_speaker_s_page_isolates_the_name_in_its_sentences(client):
    speaker = SpeakerFactory(name=f"Ann {OVERRIDE}Example")
    _old_claim("The budget grew.", speaker=speaker)
    client.force_login(fact_checker())
    html = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    assert f"No claim by <bdi>Ann {OVERRIDE}Example</bdi> has a published" in html
    assert f"<title>{FSI}Ann {OVERRIDE}Example{PDI} · Fact-check desk</title>" in html


def test_a_sentence_written_in_python_isolates_the_names_it_holds():
    from django.core.exceptions import ValidationError

    from claims.models import SpeakerKind
    from claims.speaker_merges import speaker_merge
    from tests.factories import editor

    source = SpeakerFactory(name=f"Ann {OVERRIDE}Example", kind=SpeakerKind.PERSON)
    target = SpeakerFactory(name="City Council", kind=SpeakerKind.ORGANISATION)
    with pytest.raises(ValidationError) as refused:
        speaker_merge(source=source, target=target, actor=editor())
    assert refused.value.messages == [
        f"{FSI}Ann {OVERRIDE}Example{PDI} is listed as person and {FSI}City Council{PDI} as "
        "organisation: correct one of them on its speaker page before merging."
    ]


def test_a_speaker_s_page_on_record_isolates_the_name_in_its_note_and_its_chart(client):
    from tests.factories import editor

    speaker = SpeakerFactory(name=f"Ann {OVERRIDE}Example")
    published_verdict(claim=_old_claim("The budget grew.", speaker=speaker))
    client.force_login(editor())
    html = client.get(reverse("claims:speaker_detail", args=[speaker.slug])).content.decode()
    assert f"<bdi>Ann {OVERRIDE}Example</bdi> said 1 claim whose verdict" in html
    # The chart's SVG <title> is plain text: marks, no element.
    assert f"Published ratings for {FSI}Ann {OVERRIDE}Example{PDI}: " in html

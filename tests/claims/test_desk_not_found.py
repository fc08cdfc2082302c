"""A missing desk row is told in the desk's words, with the way back; public 404s keep the
public page's words, the same for an unpublished fact-check as for a missing one."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.intake.jobs import intake_job_submit
from tests.factories import UserFactory, drafted_verdict, editor, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PUBLIC_WORDS = "Nothing is published at this address"


def test_a_missing_claim_says_so_in_the_desk_s_words(client):
    client.force_login(fact_checker())
    response = client.get(reverse("claims:detail", args=[99999]))
    assert response.status_code == 404
    assert PUBLIC_WORDS not in response.text
    assert "No claim #99999 on the desk: it may have been removed" in response.text
    assert f'<a href="{reverse("claims:queue")}">Back to the queue</a>' in response.text
    history = client.get(reverse("claims:history", args=[99999]))
    assert history.status_code == 404 and "No claim #99999 on the desk" in history.text


def test_a_missing_article_says_so_in_the_desk_s_words(client):
    client.force_login(fact_checker())
    response = client.get(reverse("articles:detail", args=[99999]))
    assert response.status_code == 404
    assert "No article #99999 on the desk: it may have been deleted." in response.text
    assert f'<a href="{reverse("articles:list")}">Back to the articles</a>' in response.text


def test_the_desk_s_words_need_the_desk_s_permission(client):
    client.force_login(UserFactory())
    assert client.get(reverse("claims:detail", args=[99999])).status_code == 403


@pytest.mark.parametrize("user", [None, editor])
def test_an_unpublished_fact_check_is_the_same_public_404_as_a_missing_one(client, user):
    if user is not None:
        client.force_login(user())
    draft = drafted_verdict()
    unpublished = client.get(reverse("claims:public", args=[draft.pk]))
    missing = client.get(reverse("claims:public", args=[draft.pk + 1000]))
    assert unpublished.status_code == missing.status_code == 404
    assert PUBLIC_WORDS in unpublished.text
    assert unpublished.text.split("<main")[1] == missing.text.split("<main")[1]


# Every desk page or action past its permission check: (URL name, its argument, GET or POST,
# the words naming what is missing, the list it leads back to).
APPLICATION = "No request to apply a published verdict #99999"
DESK_ROWS = [
    ("claims:suggestion_confirm", 99999, "post", "No match suggestion #99999", "claims:queue"),
    ("claims:suggestion_reject", 99999, "post", "No match suggestion #99999", "claims:queue"),
    ("claims:split", 99999, "post", "No claim #99999", "claims:queue"),
    ("claims:merge", 99999, "post", "No claim #99999", "claims:queue"),
    ("claims:apply_verdict", 99999, "post", "No claim #99999", "claims:queue"),
    ("claims:application_approve", 99999, "post", APPLICATION, "claims:review_queue"),
    ("claims:application_reject", 99999, "post", APPLICATION, "claims:review_queue"),
    ("claims:application_withdraw", 99999, "post", APPLICATION, "claims:queue"),
    ("claims:group_event_undo", 99999, "post", "No group change #99999", "claims:queue"),
    ("claims:group_history", 99999, "get", "No claim group #99999", "claims:queue"),
    ("claims:correction_approve", 99999, "post", "No correction request #99999", "claims:queue"),
    ("claims:correction_reject", 99999, "post", "No correction request #99999", "claims:queue"),
    ("claims:correction_withdraw", 99999, "post", "No correction request #99999", "claims:queue"),
    ("claims:note_remove", 99999, "post", "No research note #99999", "claims:queue"),
    ("claims:speaker_detail", "nobody-at-all", "get", "No speaker “nobody-at-all”", "claims:queue"),
    ("claims:speaker_merge", "nobody-at-all", "post", "No speaker “nobody-at-all”", "claims:queue"),
    ("claims:speaker_edit", "nobody-at-all", "post", "No speaker “nobody-at-all”", "claims:queue"),
    (
        "claims:speaker_merge_undo",
        99999,
        "post",
        "No speaker merge #99999",
        "claims:speaker_duplicates",
    ),
    ("articles:intake_job", 99999, "get", "No intake job #99999", "articles:intake"),
    ("articles:intake_job_retry", 99999, "post", "No intake job #99999", "articles:intake"),
    ("articles:feed_toggle", 99999, "post", "No feed #99999", "articles:feeds"),
    ("articles:import", 99999, "get", "No bulk import #99999", "articles:imports"),
]


@pytest.mark.parametrize(("name", "arg", "method", "words", "back"), DESK_ROWS)
def test_every_desk_page_tells_a_missing_row_in_the_desk_s_words(
    client, name, arg, method, words, back
):
    client.force_login(editor())
    response = getattr(client, method)(reverse(name, args=[arg]))
    assert response.status_code == 404
    assert PUBLIC_WORDS not in response.text
    assert f"{words} on the desk: " in response.text
    assert f'<a href="{reverse(back)}">Back to the ' in response.text


# The JSON the desk's pages poll for progress: (URL name, the words naming what is missing).
STATUS_POLLS = [
    ("articles:status", "No article #99999 on the desk: it may have been deleted."),
    ("articles:intake_job_status", "No intake job #99999 on the desk: it may have been deleted."),
    ("articles:import_status", "No bulk import #99999 on the desk: it may have been deleted."),
]


@pytest.mark.parametrize(("name", "detail"), STATUS_POLLS)
def test_a_status_poll_for_a_missing_row_answers_the_api_s_error_json(client, name, detail):
    client.force_login(editor())
    response = client.get(reverse(name, args=[99999]), headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_found", "detail": detail}


def test_a_status_poll_for_someone_else_s_intake_job_is_the_same_404_as_a_missing_one(client):
    theirs = intake_job_submit(
        url="https://news.example/theirs", created_by=UserFactory(), queue=False
    )
    submitter = UserFactory()
    submitter.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(submitter)
    response = client.get(reverse("articles:intake_job_status", args=[theirs.pk]))
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": f"No intake job #{theirs.pk} on the desk: it may have been deleted.",
    }
    # The job's page is still the desk's HTML page.
    page = client.get(reverse("articles:intake_job", args=[theirs.pk]))
    assert page.status_code == 404 and "text/html" in page["Content-Type"]


def test_who_follows_only_their_own_intake_jobs_is_led_back_to_submitting(client):
    submitter = UserFactory()
    submitter.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(submitter)
    response = client.get(reverse("articles:intake_job", args=[99999]))
    assert response.status_code == 404
    assert "No intake job #99999 on the desk: " in response.text
    assert f'<a href="{reverse("articles:submit")}">Submit an article</a>' in response.text
    assert client.get(reverse("articles:submit")).status_code == 200


def test_a_writer_with_no_desk_role_whose_correction_is_gone_is_led_to_a_page_they_can_open(
    client,
):
    # Withdrawing from a page left open after the correction went with its claim.
    client.force_login(UserFactory())
    response = client.post(reverse("claims:correction_withdraw", args=[99999]))
    assert response.status_code == 404
    assert "No correction request #99999 on the desk: " in response.text
    public_index = reverse("claims:public_index")
    assert f'<a href="{public_index}">Go to the published fact-checks</a>' in response.text
    assert reverse("claims:queue") not in response.text.split("<main")[1]
    assert client.get(public_index).status_code == 200


def test_an_action_s_address_opened_as_a_page_leads_someone_off_the_desk_to_the_fact_checks(
    client,
):
    client.force_login(UserFactory())
    response = client.get(reverse("claims:correction_withdraw", args=[99999]))
    assert response.status_code == 405
    public_index = reverse("claims:public_index")
    assert f'<a href="{public_index}">Go to the published fact-checks</a>' in response.text
    client.force_login(editor())
    response = client.get(reverse("claims:correction_withdraw", args=[99999]))
    assert f'<a href="{reverse("claims:queue")}">Back to the queue</a>' in response.text

"""What an endpoint says it takes when it is sent a parameter it does not know."""

import pytest

from tests.api_clients import key_client, published_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PATHS = [
    "/api/v1/verdicts/",
    "/api/v1/verdicts/{verdict}/",
    "/api/v1/verdicts/{verdict}/claimreview/",
    "/api/v1/verdicts/search/?q=budget",
    "/api/v1/claims/",
    "/api/v1/claims/{claim}/",
    "/api/v1/claims/{claim}/appearances/",
    "/api/v1/speakers/",
]


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_parameter_is_told_every_parameter_taken_format_included(path):
    verdict = published_verdict("The budget grew by 40 percent.")
    url = path.format(verdict=verdict.pk, claim=verdict.claim_id)
    api = key_client()
    joiner = "&" if "?" in url else "?"
    refused = api.get(f"{url}{joiner}nope=1")
    assert refused.status_code == 400
    [message] = refused.json()["fields"]["nope"]
    prefix = "Unknown parameter; this endpoint takes "
    assert message.startswith(prefix) and message.endswith(".")
    named = message.removeprefix(prefix).removesuffix(".").split(", ")
    assert "format" in named
    # What it names, it takes: `format=json` is answered, not refused.
    assert api.get(f"{url}{joiner}format=json").status_code == 200


@pytest.mark.parametrize(
    ("path", "name", "limit"),
    [
        ("/api/v1/verdicts/", "speaker", 300),
        ("/api/v1/verdicts/", "outlet", 253),
        ("/api/v1/verdicts/", "language", 16),
        ("/api/v1/verdicts/", "rating", 100),
        ("/api/v1/claims/", "speaker", 300),
        ("/api/v1/claims/", "outlet", 253),
        ("/api/v1/claims/", "language", 16),
    ],
)
def test_a_filter_value_too_long_is_told_which_parameter_and_how_long_it_may_be(path, name, limit):
    response = key_client().get(path, {name: "x" * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        name: [
            f"The {name} parameter is too long: keep it to {limit:,} characters "
            f"(it has {limit + 1:,})."
        ]
    }
    # At the limit the value is read (and may be refused for what it says, not its length).
    assert "too long" not in key_client().get(path, {name: "x" * limit}).text


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/verdicts/", "updated_since"),
        ("/api/v1/verdicts/", "published_after"),
        ("/api/v1/verdicts/", "q"),
        ("/api/v1/verdicts/", "speaker"),
        ("/api/v1/verdicts/", "outlet"),
        ("/api/v1/verdicts/", "language"),
        ("/api/v1/verdicts/", "rating"),
        ("/api/v1/verdicts/", "max_age_days"),
        ("/api/v1/claims/", "speaker"),
        ("/api/v1/claims/", "status"),
        ("/api/v1/speakers/", "q"),
    ],
)
@pytest.mark.parametrize("spaces", [" ", "   ", "\t"])
def test_a_filter_value_of_only_spaces_is_refused_as_an_empty_one_is(path, name, spaces):
    published_verdict("The budget grew by 40 percent.")
    api = key_client(staff=True)
    empty = api.get(path, {name: ""})
    assert empty.status_code == 400
    refused = api.get(path, {name: spaces})
    assert refused.status_code == 400, refused.content
    assert refused.json()["fields"] == {name: ["Give a value, or leave the parameter out."]}
    assert refused.json()["fields"] == empty.json()["fields"]

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

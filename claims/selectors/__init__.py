"""Read helpers for the review desk and the public pages, one module a job (a claim's history
is claims.timeline; matching's reads are claims.matching.selectors). Callers keep
`from claims import selectors; selectors.claim_queue(...)`: the names are re-exported here.

- queue: the fact-checker queue, the review queue, verdicts returned to their author
- search: word and speaker search over claims (queue and public index), the admin's
  substring search
- claim_page: the claim page's context, earlier claims, offered speakers, source domains
- dashboard: the dashboard's numbers and charts, the desk's activity log
- speakers: a speaker's published ratings, whether its name is public, the desk's speakers index
- public: the published index, its rating choices, a verdict's public corrections

Imports claims.models, articles.models (the admin search's titles and outlets), and
claims.record for the published generation the dashboard caches under.
"""

from .claim_page import (
    INDEPENDENT_SOURCES,
    ClaimContext,
    claim_context,
    claim_cover_lifted,
    source_domains,
    sources_need_another,
    speaker_earlier_claims,
    speakers_offered_for,
)
from .dashboard import (
    Bar,
    TopSpeaker,
    bars,
    dashboard_numbers,
    desk_history_page,
    duration_text,
    top_speakers,
)
from .public import (
    PublicCorrection,
    public_corrections,
    published_index,
    published_rating_choices,
    rating_slugs_named,
    with_modified_at,
)
from .queue import QUEUE_SORTS, QUEUE_STATUSES, claim_queue, review_queue, verdicts_returned_to
from .search import claims_containing, claims_search, search_words_kept, verdicts_containing
from .speakers import (
    speaker_index,
    speaker_is_public,
    speaker_other_spellings,
    speaker_rating_distribution,
    speakers_indexed,
)

__all__ = [
    "QUEUE_SORTS",
    "QUEUE_STATUSES",
    "Bar",
    "ClaimContext",
    "PublicCorrection",
    "TopSpeaker",
    "bars",
    "claim_context",
    "claim_cover_lifted",
    "claim_queue",
    "claims_containing",
    "claims_search",
    "search_words_kept",
    "verdicts_containing",
    "dashboard_numbers",
    "duration_text",
    "desk_history_page",
    "public_corrections",
    "published_index",
    "with_modified_at",
    "published_rating_choices",
    "rating_slugs_named",
    "review_queue",
    "source_domains",
    "sources_need_another",
    "INDEPENDENT_SOURCES",
    "speaker_earlier_claims",
    "speaker_index",
    "speaker_is_public",
    "speaker_other_spellings",
    "speaker_rating_distribution",
    "speakers_indexed",
    "speakers_offered_for",
    "top_speakers",
    "verdicts_returned_to",
]

"""The claims app's models, one module per job (each says what it owns):

- `published`: VerdictStatus, published_verdict_q() and the on_delete guards; imports only Django.
- `speakers`: Speaker, SpeakerAlias, SpeakerMerge.
- `claims`: Sentence, Claim, claim_made_at() (imports speakers, published and
  claims/matching/models.py).
- `verdicts`: RatingScale, Rating, Verdict, VerdictContribution, EvidenceSource, Correction.
- `correction_requests`: CorrectionRequest, a correction awaiting a second person.
- `events`: ClaimEvent, the workflow's log.
- `notes`: ClaimNote, the desk's research notes on a claim.
- `api_tokens`: ApiToken.
Dependencies point up this list. The matching layer's rows live in claims/matching/models.py and
are imported here too, so Django finds every model and `from claims.models import X` works.
"""

from ..matching.models import (
    ApplicationStatus,
    ClaimEmbedding,
    ClaimGroup,
    ClaimGroupEvent,
    ExternalFactCheckEmbedding,
    GroupEventKind,
    GroupLink,
    MatchSuggestion,
    SuggestionStatus,
    VerdictApplication,
)
from .api_tokens import ApiToken, ApiTokenQuerySet
from .claims import (
    LOCKED_CLAIM_STATES,
    Claim,
    ClaimOrigin,
    ClaimQuerySet,
    ClaimStatus,
    Sentence,
    claim_made_at,
)
from .correction_requests import CorrectionRequest
from .events import ClaimEvent, ClaimEventKind
from .notes import NOTE_MAX_LENGTH, ClaimNote
from .published import (
    LOCKED_VERDICT_STATES,
    VerdictStatus,
    cascade_unless_published,
    cascade_unless_verdict_published,
    protect_attributed_claims,
    protect_research_notes,
    published_sources_replaceable,
    published_verdict_q,
    set_null_unless_on_record,
)
from .speakers import Speaker, SpeakerAlias, SpeakerKind, SpeakerMerge
from .verdicts import (
    ContributionKind,
    Correction,
    EvidenceSource,
    Rating,
    RatingScale,
    Verdict,
    VerdictContribution,
    VerdictQuerySet,
)

__all__ = [
    "LOCKED_CLAIM_STATES",
    "LOCKED_VERDICT_STATES",
    "NOTE_MAX_LENGTH",
    "ApiToken",
    "ApplicationStatus",
    "ApiTokenQuerySet",
    "Claim",
    "ClaimEmbedding",
    "ClaimEvent",
    "ClaimEventKind",
    "ClaimGroup",
    "ClaimGroupEvent",
    "ClaimNote",
    "ClaimOrigin",
    "ClaimQuerySet",
    "ClaimStatus",
    "ContributionKind",
    "Correction",
    "CorrectionRequest",
    "EvidenceSource",
    "ExternalFactCheckEmbedding",
    "GroupEventKind",
    "GroupLink",
    "MatchSuggestion",
    "Rating",
    "RatingScale",
    "Sentence",
    "Speaker",
    "SpeakerAlias",
    "SpeakerKind",
    "SpeakerMerge",
    "SuggestionStatus",
    "Verdict",
    "VerdictApplication",
    "VerdictContribution",
    "VerdictQuerySet",
    "VerdictStatus",
    "cascade_unless_published",
    "cascade_unless_verdict_published",
    "claim_made_at",
    "protect_attributed_claims",
    "protect_research_notes",
    "published_sources_replaceable",
    "published_verdict_q",
    "set_null_unless_on_record",
]

"""Content negotiation: DRF's, with the client's q-values honoured."""

from rest_framework.negotiation import DefaultContentNegotiation


class QualityContentNegotiation(DefaultContentNegotiation):
    """DRF ranks the Accept header's types by how specific they are and ignores their q-values,
    so `Accept: application/ld+json, application/json;q=0.5` on ClaimReview got plain JSON.
    Where more than one renderer is acceptable, the one the client prefers (Django's reading
    of the header, q-values first) wins; everything else (a 406, ?format=) is DRF's."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE):
            return renderer, media_type
        by_type = {candidate.media_type: candidate for candidate in renderers}
        preferred = request.get_preferred_type(list(by_type)) if len(by_type) > 1 else None
        if preferred is None or by_type[preferred] is renderer:
            return renderer, media_type
        return by_type[preferred], preferred

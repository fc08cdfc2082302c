"""FetchError: the one exception every step of a fetch raises (address checks, connecting,
HTTP, robots.txt), so callers catch one thing and show its reason."""


class FetchError(Exception):
    """The fetch gave no usable page. str() is a reason a person understands; `transient`
    says whether trying again later may help (a time-out, a 503), `status` the HTTP answer,
    `url` the address being fetched when it failed (after redirects; "" before any),
    `unreachable` that the host could not be looked up or connected to (no HTTP answer at all)."""

    def __init__(
        self,
        reason: str,
        *,
        transient: bool = False,
        status: int | None = None,
        url: str = "",
        unreachable: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status
        self.url = url
        self.unreachable = unreachable

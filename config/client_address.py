"""The address a request came from, as the API's throttles and the log-in limit count it: one
rule, DRF's (settings.BEHIND_PROXY as REST_FRAMEWORK's NUM_PROXIES). Behind that many proxies,
the address the nearest one saw in X-Forwarded-For; with none, the connection's own, whatever
X-Forwarded-For a client forges."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE. Its own reading (python-ipware, not installed)
    fell back to REMOTE_ADDR: behind a proxy every reader shared the proxy's address, so five
    wrong passwords from anyone locked a name for the whole newsroom."""
    return BaseThrottle().get_ident(request)

"""Which URLs and IP addresses intake may fetch from (the SSRF rule), judged without any
network: a URL from its text (url_refusal), an address once resolved (address_refusal), and a
URL recorded but never fetched (url_host_refused: one given with an article's text).
connection.py applies the address rule to every address a host resolves to."""

import ipaddress
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from .storable import url_redacted, url_shown

# IPv6 prefixes whose last 32 bits are an IPv4 address that a translator (NAT64, SIIT)
# connects to.
_TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4, Teredo,
    the deprecated IPv4-compatible form): the network would take a connection there, so that
    is what is judged. Python counts most of these forms as global whatever they carry."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if any(ip in network for network in _TRANSLATED) or (
        ip in _IPV4_COMPATIBLE and int(ip) > 1  # not :: or ::1, judged as they are
    ):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]  # (server, client): the client is where the packets go
    return None


def address_refusal(address: str) -> str | None:
    """Why a connection to this IP address is refused, or None when it is allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        ip = _carried_ipv4(ip) or ip
    if ip.is_multicast:
        return "multicast"
    if ip.is_global:
        return None
    if ip.is_loopback:
        kind = "loopback"
    elif ip.is_link_local:
        return "link-local"  # cloud metadata services live here: never, whatever the setting
    elif ip.is_unspecified or (ip.version == 4 and ip in ipaddress.ip_network("0.0.0.0/8")):
        return "unspecified"
    elif ip.is_reserved:
        return "reserved"
    else:
        kind = "private"
    return None if settings.INTAKE_ALLOW_PRIVATE_NETWORKS else kind


def host_refusal(host: str) -> str:
    """The reason given when a host's address is refused, and when the name does not exist:
    it must not map the desk's network for the submitter (an API key, say), so it tells
    neither what the host resolved to nor whether an internal name exists. The log has which."""
    return (
        f"refused: the host {url_shown(host)} could not be found or its address is not allowed; "
        "only public internet addresses are fetched"
    )


# The one port rule of every address the desk stores, fetches or publishes as a link.
PORT_RULE = "a port is a number from 1 to 65535"


def has_impossible_port(url: str) -> bool:
    """Whether the URL names a port no connection can use. Django's URLValidator takes any
    five digits after the host, and Python reads 0 as a port: https://example.com:99999/ was
    stored, and published as a link that leads nowhere."""
    try:
        return urlsplit(url).port == 0
    except ValueError:  # past 65535, or not a number
        return True


def url_refusal(url: str) -> str | None:
    """Why this URL is never fetched, judged from its text alone (the address is checked when
    connecting)."""
    control = next((char for char in url if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        # A NUL cannot be stored, and http.client refuses any control character anyway.
        return f"refused: the URL holds a control character (U+{ord(control):04X})"
    try:
        parts = urlsplit(url)
        parse_url(url)  # urllib3's reading, which the request uses: a space in the host, say
    except (ValueError, LocationParseError):
        return f"refused: {url_redacted(url)!r} is not a valid URL"
    if has_impossible_port(url):
        return f"refused: {url_redacted(url)!r} is not a valid URL ({PORT_RULE})"
    if not parts.scheme:
        return "refused: the URL does not start with http:// or https://"
    if parts.scheme.lower() not in ("http", "https"):
        # The scheme as written, colon and all: javascript:alert(1) has no "//" to name.
        return f"refused: only http and https addresses are fetched, not {parts.scheme}: ones"
    if not parts.hostname:
        return "refused: the URL has no host"
    if parts.username or parts.password:
        return "refused: URLs with a user name or password are not fetched"
    host = parts.hostname.lower()
    if not _literal_address_refused(host):
        return None
    # Written as an address, there is no name whose existence the answer could give away.
    return (
        f"refused: the address of {url_shown(host)} is not allowed; only public internet "
        "addresses are fetched"
    )


def url_host_refused(url: str) -> str | None:
    """The host of `url`, as a message may quote it, when it is written as an address that the
    rule refuses (an IP address, or localhost); None otherwise, for a host name too. The rule
    for a URL that is only recorded with an article's text (or a ClaimReview), not fetched: a
    name would have to be looked up, and what it resolves to today says little of tomorrow;
    an address is the link the public page would carry into the desk's network."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return url_shown(host) if host and _literal_address_refused(host) else None


def _literal_address_refused(host: str) -> bool:
    """A host written as an IP address (or localhost) is judged now, so the submitter hears at
    once; a name is judged on what it resolves to, when connecting."""
    name = host.rstrip(".")  # "localhost." is the same name, fully qualified
    address = "127.0.0.1" if name == "localhost" or name.endswith(".localhost") else host
    try:
        return address_refusal(address.strip("[]")) is not None
    except ValueError:
        return False  # a name, not an address

"""The one address absolute links are built from, and the Host names a request may carry.

A feed reader stores an Atom feed's ids and links, and a cache in front of the server keeps
one answer for everyone: a link built from the request's ``Host`` header would let one
request (``Host: evil.example``) point everybody's feed at another site, and give entries new
ids whenever the name changes. So links come from the configured public URL (``serve
--public-url``, ``SEARCHSVC_PUBLIC_URL``), else from the address ``serve`` listens on; and a
request whose Host is neither that name, a configured alias, nor a loopback name is refused
(400), which also stops DNS rebinding (a hostile page whose name resolves to 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import SearchError

EXTENSION = "searchsvc.public_url"  # where create_app keeps the PublicURL (app.extensions)
# Names of this machine a local client (a browser, curl, a proxy on the same machine) sends.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # listens everywhere: no one address


class PublicURLError(ValueError):
    """A public URL or alias that cannot be used; the message says why."""


@dataclass(frozen=True)
class PublicURL:
    """``base``: ``scheme://host[:port][/prefix]``, without a trailing slash.
    ``hosts``: the lower-case host names (no port) a request's Host may carry."""

    base: str
    hosts: frozenset[str]

    @property
    def https(self) -> bool:
        return self.base.startswith("https://")

    def absolute(self, path: str) -> str:
        """``/articles/x?q=y`` as the absolute URL a program may store."""
        return self.base + path

    def check_host(self, header: str | None) -> None:
        """Refuse (400 invalid_host) a Host header that names another site."""
        name = host_name(header or "")
        if name not in self.hosts and name not in LOOPBACK_NAMES:
            raise SearchError(
                "invalid_host",
                f"this server answers as {self.base}, not as {header!r}; use that address"
                " (or have the operator add the name with serve --host-alias)", "Host")


def host_name(netloc: str) -> str:
    """``Example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``::1``."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def parse_public_url(text: str, aliases: tuple[str, ...] = ()) -> PublicURL:
    """The public URL a person gave (``https://archive.example.org/search``)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublicURLError(f"public URL {text!r} is not http(s)://HOST[:PORT][/PATH]")
    if parts.query or parts.fragment:
        raise PublicURLError(f"public URL {text!r} has a query or fragment; give only the address")
    try:
        parts.port  # noqa: B018  # raises on a port that is not a number
    except ValueError:
        raise PublicURLError(f"public URL {text!r} has a port that is not a number") from None
    names = {parts.hostname.lower()}
    for alias in aliases:
        name = host_name(alias)
        if not name or "/" in name:
            raise PublicURLError(f"host alias {alias!r} is not a host name")
        names.add(name)
    return PublicURL(f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}",
                     frozenset(names))


def listen_url(host: str, port: int) -> str:
    """The public URL when none is configured: the address ``serve`` listens on."""
    if host in WILDCARD_HOSTS:
        raise PublicURLError(
            f"--host {host or '(empty)'} listens on every address, so there is no one address"
            " for the links in feeds and exports: give --public-url (the address readers use,"
            " e.g. http://archive.example.org:8000)")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    return f"http://[{host}]:{port}" if literal.version == 6 else f"http://{host}:{port}"

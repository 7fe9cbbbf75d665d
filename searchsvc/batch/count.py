"""One item of a batch counted against the archive: the same request a single search of
that line makes (``strict``, so that a line the query language rejects says so), on the
cheap path (:meth:`~searchsvc.archive.Archive.tally`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ..archive import Archive
from ..errors import SearchError, Unavailable
from ..params import search_request
from ..search.tally import Tally
from .input import Item


@dataclass(frozen=True)
class Outcome:
    """What counting one item gave: its tally, or the error its row carries."""

    tally: Tally | None = None
    error_code: str | None = None
    error: str | None = None


def search_params(item: Item, fuzzy: bool) -> list[tuple[str, str]]:
    """The item as the search page's query string (defaults left out)."""
    params = [("q", item.query)] + [("source", source) for source in item.sources]
    params += [(name, value) for name, value in (("from", item.date_from), ("to", item.date_to))
               if value]
    return params if fuzzy else params + [("fuzzy", "false")]


def search_link(item: Item, fuzzy: bool, root: str = "/") -> str:
    """The search page for this item (``root``: the site's address, ``/`` by default)."""
    return f"{root}?{urlencode(search_params(item, fuzzy))}"


def count_item(archive: Archive, item: Item, fuzzy: bool) -> Outcome:
    """The item's tally, or its error. Raises :class:`Unavailable` (no index to count
    against: the job waits, no row is marked)."""
    params = dict(search_params(item, fuzzy))
    try:
        request = search_request({**params, "source": list(item.sources),
                                  "fuzzy": str(fuzzy), "strict": "true"}, archive.settings)
        return Outcome(archive.tally(request))
    except Unavailable:
        raise
    except SearchError as error:
        return Outcome(error_code=error.code, error=error.message)

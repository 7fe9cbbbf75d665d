"""The names facet on the search page: links that add a ``name=`` filter (names are
ANDed, so each link narrows to the count it shows), and a chip per selected name."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import SearchRequest, SearchResponse
from .links import link_args, search_url
from .views import Chip

KIND_LABELS = {"name": "Name", "person": "Person", "org": "Organisation", "place": "Place"}


@dataclass
class NameLink:
    value: str  # name= takes it (a selected one is kept by the form as a hidden field)
    label: str
    kind: str  # as KIND_LABELS writes it
    articles: int
    href: str  # adds the name (or, when selected, removes it)
    selected: bool


def _without(req: SearchRequest, value: str) -> str:
    return search_url(**link_args(req, name=[v for v in req.names if v != value], page=None))


def name_links(req: SearchRequest, response: SearchResponse) -> list[NameLink]:
    return [NameLink(bucket.value, bucket.name, KIND_LABELS[bucket.kind], bucket.articles,
                     _without(req, bucket.value) if bucket.selected else
                     search_url(**link_args(req, name=[*req.names, bucket.value], page=None)),
                     bucket.selected)
            for bucket in response.names]


def name_chips(req: SearchRequest, response: SearchResponse) -> list[Chip]:
    label = {bucket.value: (bucket.kind, bucket.name) for bucket in response.names}
    chips = []
    for value in req.names:
        kind, name = label.get(value, ("name", value))
        chips.append(Chip(f"{KIND_LABELS[kind]}: {name}", _without(req, value)))
    return chips

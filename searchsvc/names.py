"""Names in the results: the people, organisations and places the matching articles name
(the names facet, as OCCRP Aleph's entity facets), and the ``name=`` filter's values.

A value is ``kind:key``: ``person:reagan``, ``org:opec``, ``place:usa`` (the catalog's
``people``, ``orgs`` and ``places`` columns) or, for a name found in the text (a word of
the name-variant table), the word alone: ``soleimani`` (``name:soleimani`` is the same).
Keys are folded as the catalog facets' are (case and accents do not matter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, with_config

from .errors import SearchError
from .filters import value_key

TEXT = "name"  # a name found in the articles' text
CATALOG_COLUMNS = {"person": "people", "org": "orgs", "place": "places"}  # kind -> column
KINDS = (TEXT, *CATALOG_COLUMNS)
MAX_NAMES = 20  # name= values in one request
MAX_NAME_CHARS = 200

Kind = Literal["name", "person", "org", "place"]
# As models.EXACT (which imports this module): every field listed and required.
_EXACT = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def name_value(kind: str, label: str) -> str:
    """What ``name=`` takes for a name of ``kind``: ``soleimani``, ``person:reagan``."""
    key = value_key(label)
    return key if kind == TEXT and ":" not in key else f"{kind}:{key}"


def parse_name(value: str) -> tuple[str, str]:
    """``person:Reagan`` -> ("person", "reagan"); ``Soleimani`` -> ("name", "soleimani").
    A kind this service does not have is a 400 naming the kinds it has."""
    if len(value) > MAX_NAME_CHARS or "\x00" in value:
        raise SearchError("invalid_parameter", f"name={value[:40]!r}… is not a name (at most"
                          f" {MAX_NAME_CHARS} characters)", "name")
    kind, colon, key = value.partition(":")
    if not colon:
        kind, key = TEXT, value
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise SearchError("invalid_parameter", f"name={value[:40]!r}: {kind[:20]!r} is not a"
                          f" kind of name; use {', '.join(k + ':' for k in KINDS)} or the"
                          " name alone", "name")
    key = value_key(key)
    if not key:
        raise SearchError("invalid_parameter", f"name={value[:40]!r} names no one", "name")
    return kind, key


def name_filters(values: list[str]) -> tuple[str, ...]:
    """The ``name=`` values given, each as :func:`name_value` writes it, once each."""
    given = [v for v in values if v and v.strip()]
    if len(given) > MAX_NAMES:
        raise SearchError("invalid_parameter", f"name is given {len(given)} times; at most"
                          f" {MAX_NAMES}", "name")
    return tuple(dict.fromkeys(name_value(*parse_name(v)) for v in given))


@with_config(_EXACT)
@dataclass
class NameBucket:
    """A name the matching articles mention: counts are among the articles that pass every
    filter, ``name=`` included (ticking a name narrows to its articles, so each count is
    what a click on it finds)."""

    value: Annotated[str, Field(description="what to pass to name= to keep only the articles"
                                " naming it: the word (a name in the text) or KIND:KEY",
                                examples=["soleimani", "person:reagan"])]
    name: Annotated[str, Field(description="for display, as first written in the archive")]
    kind: Annotated[Kind, Field(description="name: a capitalised name found in the text;"
                                " person, org, place: from the catalog's people, orgs and"
                                " places columns")]
    articles: Annotated[int, Field(ge=0, description="matching articles that name it")]
    selected: Annotated[bool, Field(description="name= selects it")]

"""The search request as plain data: what the service asks an engine to execute.

Shaped like an OpenSearch search body's ``query``: a :class:`Bool` tree (``must``;
``should`` with ``minimum_should_match``; ``must_not``; ``filter``) over
:class:`Term`, :class:`Phrase` (with ``slop``: proximity), :class:`Prefix`,
:class:`Wildcard` and :class:`MatchAll` leaves on named fields, so that an adapter for
another engine is a translation. The query language (:mod:`searchsvc.query`) writes it;
an engine executes it (``engine/whoosh/array_query.py``) and knows nothing of the syntax.

The whole request is a :class:`SearchBody`, shaped like an OpenSearch search body:
``query``, ``filter`` (as a bool's ``filter``), ``post_filter`` (named, so that each
aggregation leaves its own facet's filter out), ``aggs`` (terms and date histograms),
``collapse`` (by article, with inner hits), ``from``/``size`` and ``sort``. An engine
answers it with a :class:`searchsvc.engine.postings.SearchResult`.

Fields: ``text`` and ``title`` hold stems; ``exact`` and ``title_exact`` the words as
written (folded); ``source`` the folded source key.

Scores follow BM25 over the leaves: a bool's score is the sum of its ``must`` and
matching ``should`` clauses' scores, times its ``boost``; ``must_not`` and ``filter``
clauses do not score; a bool of ``must_not`` alone matches everything else and scores
its ``boost``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as metadata
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class Term:
    """One word on one field."""

    field: str  #: the field searched
    text: str  #: the word as indexed (a stem on ``text``/``title``, folded on the others)
    boost: float = 1.0  #: multiplies the word's score
    #: for a name variant: the word the user typed (same field); the variant is weighted
    #: with the idf of the commoner of the two (Lucene's blended rewrite), so a rare
    #: spelling never outweighs the one typed
    variant_of: str | None = None
    #: where the word stands in the user's text (start, end), for "Missing:" and
    #: did-you-mean; not part of what is searched
    span: tuple[int, int] | None = metadata(default=None, compare=False)


@dataclass(frozen=True)
class Phrase:
    """Words in order on one field, at most ``slop`` positions apart (1: side by side)."""

    field: str  #: the field searched
    words: tuple[str, ...]  #: the words as indexed
    slop: int = 1  #: 1 for a plain phrase; n for "a b"~n (within n positions, in order)
    boost: float = 1.0  #: multiplies the phrase's score (the sum of its words' scores)
    #: where the phrase (or the word that split into it) stands in the user's text
    span: tuple[int, int] | None = metadata(default=None, compare=False)
    #: where the quoted words stand in the user's text; empty for the phrase the
    #: analysis makes of one word in parts ("B-52"), which counts as one plain word
    spans: tuple[tuple[int, int], ...] = metadata(default=(), compare=False)


@dataclass(frozen=True)
class Prefix:
    """Every word of the field beginning with ``text`` (``prefix*``)."""

    field: str  #: the field searched
    text: str  #: the beginning, as indexed
    boost: float = 1.0  #: multiplies the score
    span: tuple[int, int] | None = metadata(default=None, compare=False)  #: in the user's text


@dataclass(frozen=True)
class Wildcard:
    """Words of the field matching a ``*`` pattern (``a*b``)."""

    field: str  #: the field searched
    pattern: str  #: ``*`` stands for any letters
    boost: float = 1.0  #: multiplies the score


@dataclass(frozen=True)
class MatchAll:
    """Every entry (``field``: every entry holding something in that field)."""

    field: str | None = None  #: None: every entry
    boost: float = 1.0  #: the score of each entry


@dataclass(frozen=True)
class MatchNone:
    """No entry (a query of nothing searchable)."""

    boost: float = 1.0  #: kept for the tree's uniformity; nothing scores


@dataclass(frozen=True)
class Bool:
    """OpenSearch's ``bool``."""

    must: tuple[Node, ...] = ()  #: all must match; their scores add up
    #: optional clauses whose scores add up where they match; with
    #: ``minimum_should_match`` 1 and no ``must``, at least one must match (an OR)
    should: tuple[Node, ...] = ()
    minimum_should_match: int = 0  #: how many ``should`` clauses must match (0 or 1)
    must_not: tuple[Node, ...] = ()  #: none may match; they do not score
    filter: tuple[Node, ...] = ()  #: all must match; they do not score
    boost: float = 1.0  #: multiplies the bool's score


Node = Term | Phrase | Prefix | Wildcard | MatchAll | MatchNone | Bool
LEAVES = (Term, Phrase, Prefix, Wildcard, MatchAll, MatchNone)


def all_of(*nodes: Node, boost: float = 1.0) -> Bool:
    """Every one of ``nodes`` (whoosh's And, Lucene's +a +b)."""
    return Bool(must=tuple(nodes), boost=boost)


def any_of(*nodes: Node, boost: float = 1.0) -> Bool:
    """At least one of ``nodes``, their scores added (an OR)."""
    return Bool(should=tuple(nodes), minimum_should_match=1, boost=boost)


def required_with_bonus(required: Node, bonus: Node) -> Bool:
    """``required``, scoring ``bonus`` on top where it also matches."""
    return Bool(must=(required,), should=(bonus,))


def but_not(kept: Node, excluded: Node) -> Bool:
    return Bool(must=(kept,), must_not=(excluded,))


def none_of(node: Node, boost: float = 1.0) -> Bool:
    """Everything ``node`` does not match (a lone NOT)."""
    return Bool(must_not=(node,), boost=boost)


def is_and(node: Node) -> bool:
    return isinstance(node, Bool) and not (node.should or node.must_not or node.filter)


def is_or(node: Node) -> bool:
    return (isinstance(node, Bool) and node.minimum_should_match >= 1 and not node.must
            and not node.must_not and not node.filter)


def is_bonus(node: Node) -> bool:
    """``required_with_bonus``'s shape."""
    return (isinstance(node, Bool) and len(node.must) == 1 and len(node.should) == 1
            and node.minimum_should_match == 0 and not node.must_not and not node.filter)


def is_but_not(node: Node) -> bool:
    return (isinstance(node, Bool) and len(node.must) == 1 and len(node.must_not) == 1
            and not node.should and not node.filter)


def is_none_of(node: Node) -> bool:
    return (isinstance(node, Bool) and len(node.must_not) == 1 and not node.must
            and not node.should and not node.filter)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Bool):
        return node.must + node.should + node.must_not + node.filter
    return ()


def leaves(node: Node) -> list[Node]:
    """The leaves under ``node``, in order (negated ones too)."""
    if not isinstance(node, Bool):
        return [node]
    return [leaf for child in children(node) for leaf in leaves(child)]


def with_boost(node: Node, boost: float) -> Node:
    return replace(node, boost=boost)


def map_children(node: Bool, change) -> Bool:
    """``node`` with ``change`` applied to each clause."""
    return Bool(tuple(map(change, node.must)), tuple(map(change, node.should)),
                node.minimum_should_match, tuple(map(change, node.must_not)),
                tuple(map(change, node.filter)), node.boost)


# ---------------------------------------------------------------- the search body


@dataclass(frozen=True)
class SourceIn:
    """A ``terms`` filter on ``source``: entries of any of these sources."""

    keys: tuple[str, ...]  #: folded source keys (``searchsvc.fields.source_key``)


@dataclass(frozen=True)
class DayRange:
    """A ``range`` filter on ``day``: ISO days, both ends inclusive; an undated entry is in
    no range."""

    gte: str | None = None  #: first day, or None for no lower bound
    lte: str | None = None  #: last day, or None for no upper bound


@dataclass(frozen=True, eq=False)
class ArticleIn:
    """A ``terms`` filter on ``article``: entries (or, on the articles index, articles)
    of these articles. The service's policies (tiers, folding of wire copies, catalog
    facets) reach the engine as such sets, as an application sends ``ids``."""

    codes: np.ndarray  #: article codes (positions in ``Columns.article_ids``), sorted


@dataclass(frozen=True, eq=False)
class EntryIn:
    """An ``ids`` filter: only these entries (document numbers; on the articles index,
    article codes)."""

    docs: np.ndarray  #: sorted, distinct


Filter = SourceIn | DayRange | ArticleIn | EntryIn


@dataclass(frozen=True, eq=False)
class ArticleValues:
    """A keyword field with several values per article, supplied with the request (as an
    OpenSearch runtime field): the catalog facets, which the service builds, not the
    engine. The value codes of article ``a`` are ``codes[offsets[a]:offsets[a + 1]]``."""

    offsets: np.ndarray  #: per article code, and one past the last
    codes: np.ndarray  #: value codes, article after article
    size: int  #: how many values there are (the buckets)
    owner: np.ndarray  #: the article code of each of ``codes``


@dataclass(frozen=True)
class TermsAgg:
    """A ``terms`` aggregation: per value code, how many hits hold it. Counted with the
    query, ``filter`` and every ``post_filter`` but those named in ``leave_out`` (a facet's
    own filter, so that ticking one value still shows the others' counts)."""

    name: str  #: the key of its counts in the result
    field: str = "source"  #: ``source``, or ``values`` (a request-supplied field)
    values: ArticleValues | None = None  #: the field's values, for ``field="values"``
    leave_out: tuple[str, ...] = ()  #: ``post_filter`` names not applied to its counts


@dataclass(frozen=True)
class DateHistogram:
    """A ``date_histogram`` on ``day``: per period code (``Columns.periods``), oldest first
    and undated last, how many hits fall in it. A ``week`` is an ISO week (Monday to
    Sunday), keyed by its Monday, as OpenSearch's ``calendar_interval: week``."""

    name: str  #: the key of its counts in the result
    interval: Literal["day", "week", "month"] = "day"
    leave_out: tuple[str, ...] = ()  #: ``post_filter`` names not applied to its counts


Aggregation = TermsAgg | DateHistogram


@dataclass(frozen=True)
class Collapse:
    """``collapse`` on ``article``: one group per article, in the order of its best hit,
    holding its ``inner_hits`` best entries by the same sort; ``from``/``size`` count
    groups."""

    inner_hits: int = 3  #: entries kept per group


#: Sort keys, OpenSearch's ``sort``: ``_score`` (highest first, to 9 decimals, so float
#: noise does not reorder equal scores), ``day``/``-day`` (oldest/newest first, undated
#: last either way), ``article`` (article code: id order) and ``para`` (paragraph number).
SortKey = Literal["_score", "day", "-day", "article", "para"]


@dataclass(frozen=True)
class SearchBody:
    """One search, as an engine executes it."""

    query: Node = MatchAll()  #: what matches, and how it scores
    #: ``entries`` (one per paragraph, or per title-only article) or ``articles`` (title
    #: and every paragraph as one document, as BM25 reads a document)
    index: Literal["entries", "articles"] = "entries"
    filter: tuple[Filter, ...] = ()  #: every one must hold; they do not score
    #: named filters applied to the hits after the aggregations' own choice (each
    #: aggregation leaves out the ones it names): OpenSearch's ``post_filter``
    post_filter: tuple[tuple[str, Filter], ...] = ()
    aggs: tuple[Aggregation, ...] = ()  #: counts over the matches
    collapse: Collapse | None = None  #: group the hits by article
    from_: int = 0  #: hits (or groups) to skip
    size: int | None = 10  #: hits (or groups) to return; None: all of them
    sort: tuple[SortKey, ...] = ("_score",)  #: the hits' order; later keys break ties
    #: whether the hits need their scores (False: a filter context, cheaper)
    track_scores: bool = True

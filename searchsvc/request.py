"""The search request as plain data: what the service asks an engine to execute.

Shaped like an OpenSearch search body's ``query``: a :class:`Bool` tree (``must``;
``should`` with ``minimum_should_match``; ``must_not``; ``filter``) over
:class:`Term`, :class:`Phrase` (with ``slop``: proximity), :class:`Prefix`,
:class:`Wildcard` and :class:`MatchAll` leaves on named fields, so that an adapter for
another engine is a translation. The query language (:mod:`searchsvc.query`) writes it;
an engine executes it (``engine/whoosh/execute.py``) and knows nothing of the syntax.

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

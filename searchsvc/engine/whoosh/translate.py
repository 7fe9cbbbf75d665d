"""A search request's query (:mod:`searchsvc.request`) as whoosh's query objects.

The executor (:mod:`.array_query`) answers most of a query from arrays; whoosh's own
matchers answer what needs word positions (phrases) and score prefixes and wildcards,
and a test compares the two on the same request.
"""

from __future__ import annotations

from whoosh import query as wq

from ... import request as rq
from .scoring import VariantTerm


def to_whoosh(node: rq.Node) -> wq.Query:
    if isinstance(node, rq.Term):
        if node.variant_of is not None:
            return VariantTerm(node.field, node.text, (node.field, node.variant_of),
                               boost=node.boost)
        return wq.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, rq.Phrase):
        return wq.Phrase(node.field, list(node.words), slop=node.slop, boost=node.boost)
    if isinstance(node, rq.Prefix):
        return wq.Prefix(node.field, node.text, boost=node.boost)
    if isinstance(node, rq.Wildcard):
        return wq.Wildcard(node.field, node.pattern, boost=node.boost)
    if isinstance(node, rq.MatchAll):
        return wq.Every(node.field, boost=node.boost) if node.field else wq.Every()
    if isinstance(node, rq.MatchNone):
        return wq.NullQuery
    return _bool(node)


def _bool(node: rq.Bool) -> wq.Query:
    if rq.is_none_of(node):
        return wq.Not(to_whoosh(node.must_not[0]), boost=node.boost)
    if rq.is_but_not(node):
        return wq.AndNot(to_whoosh(node.must[0]), to_whoosh(node.must_not[0]))
    if rq.is_bonus(node):
        return wq.AndMaybe(to_whoosh(node.must[0]), to_whoosh(node.should[0]))
    if rq.is_or(node):
        return wq.Or([to_whoosh(child) for child in node.should], boost=node.boost)
    if rq.is_and(node):
        return wq.And([to_whoosh(child) for child in node.must], boost=node.boost)
    required: wq.Query = wq.And([to_whoosh(child) for child in node.must + node.filter])
    if node.should:
        optional = wq.Or([to_whoosh(child) for child in node.should])
        required = wq.And([required, optional]) if node.minimum_should_match \
            else wq.AndMaybe(required, optional)
    if node.must_not:
        required = wq.AndNot(required, wq.Or([to_whoosh(c) for c in node.must_not]))
    return required

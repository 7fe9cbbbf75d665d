"""The names facet at search time: the ``name=`` filter, and the names the matching
articles mention, counted by the engine as a terms aggregation over the build's
per-article arrays (:mod:`searchsvc.indexer.names`).

Several names are ANDed: ``name=soleimani&name=trump`` keeps the articles naming both (a
drill-down, as an investigator narrows to who appears together). So the facet's counts
are taken among the articles that pass every filter, ``name=`` included, not with its own
filter left out as the other facets' are: with AND, a count that ignored the names
already chosen would promise more articles than a click on it finds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import request as rq
from ..engine import EngineReader
from ..indexer.catalog import CatalogFacet
from ..names import KINDS, NameBucket, name_filters, name_value, parse_name

FILTER = "name"  # the post_filter's name


def name_clauses(values: tuple[str, ...], names: Mapping[str, CatalogFacet],
                 ) -> tuple[tuple[str, rq.Filter], ...]:
    """``name=`` as one named filter: the articles naming every one of ``values``. A name
    the index does not have matches no article (zero results, the name still listed)."""
    if not values:
        return ()
    articles = np.ones(_article_count(names), dtype=bool)
    for value in values:
        kind, key = parse_name(value)
        facet = names.get(kind)
        if facet is None:
            articles[:] = False
            break
        articles &= facet.mask([key])
    return ((FILTER, rq.ArticleIn(np.flatnonzero(articles))),)


def _article_count(names: Mapping[str, CatalogFacet]) -> int:
    return len(next(iter(names.values())).offsets) - 1 if names else 0


def name_buckets(engine: EngineReader, articles: np.ndarray,
                 names: Mapping[str, CatalogFacet], selected: tuple[str, ...],
                 top: int) -> list[NameBucket]:
    """The selected names (listed first, even with 0), then the ``top`` others most of the
    matching ``articles`` (codes, every filter applied) mention, most articles first, then
    by name."""
    if not names:
        return []
    selected = name_filters(list(selected))  # as name= values are written
    aggs = tuple(rq.TermsAgg(kind, "values", rq.ArticleValues(facet.offsets, facet.codes,
                                                               len(facet.labels), facet.owner))
                 for kind, facet in names.items())
    counts = engine.search(rq.SearchBody(index="articles", filter=(rq.EntryIn(articles),),
                                         aggs=aggs, size=0, track_scores=False)).aggregations
    # (-articles, kind order, label, kind, code) for each name mentioned
    found: list[tuple[int, int, str, str, int]] = []
    for kind, facet in names.items():
        per_code = counts[kind]
        codes = np.flatnonzero(per_code)
        best = codes[np.argsort(-per_code[codes], kind="stable")[:top]]
        found += [(-int(per_code[code]), KINDS.index(kind), facet.labels[code].casefold(),
                   kind, int(code)) for code in best.tolist()]
    found.sort()
    chosen = set(selected)
    shown = [_selected(value, names, counts) for value in selected]
    shown += [NameBucket(value, names[kind].labels[code], kind,  # type: ignore[arg-type]
                         -minus, False)
              for minus, _, _, kind, code in found
              if (value := name_value(kind, names[kind].labels[code])) not in chosen][:top]
    return shown


def _selected(value: str, names: Mapping[str, CatalogFacet],
              counts: Mapping[str, np.ndarray]) -> NameBucket:
    kind, key = parse_name(value)
    facet = names.get(kind)
    keys = facet.keys if facet is not None else []
    code = keys.index(key) if key in keys else None
    if facet is None or code is None:
        return NameBucket(value, key, kind, 0, True)  # type: ignore[arg-type]
    return NameBucket(value, facet.labels[code], kind,  # type: ignore[arg-type]
                      int(counts[kind][code]), True)

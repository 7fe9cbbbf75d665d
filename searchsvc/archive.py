"""The archive: what the API, the page, the CLI and the evaluation talk to.

One index folder, built by the service's pipeline (:mod:`searchsvc.indexer`) with the engine
its build records, and searched through that engine. Requests and responses are the plain
dataclasses of :mod:`searchsvc.models`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from .attention_models import AttentionRequest, AttentionResponse
from .build_status import BuildStatus
from .corpus import Article as SourceArticle
from .corpus import Problem
from .engine import DEFAULT, builder
from .errors import SearchError
from .indexer import folder, pipeline, report
from .indexer.summary import BuildSummary
from .models import (
    Article,
    ExportRows,
    Health,
    Highlights,
    Hit,
    SearchRequest,
    SearchResponse,
    Source,
)
from .search import articles, attention, exports, hits, matching, related_coverage
from .search.snapshot import LiveIndex, Snapshot
from .search.tally import Tally, tally
from .settings import Settings

T = TypeVar("T")


class Archive:
    """An archive's index: built from a corpus, searched, read back."""

    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._live = LiveIndex(self.root, settings)

    def build(self, corpus: Path | None, jsonl: Path | None = None, *, update: bool = False,
              strict: bool = False, workers: int = 1, catalog: Path | None = None,
              on_article: Callable[[SourceArticle], None] | None = None,
              on_problem: Callable[[Problem], None] | None = None,
              facets: tuple[str, ...] | None = None, engine: str = DEFAULT) -> BuildSummary:
        """Index the corpus folder and/or JSON Lines file; the new index replaces the live
        one only when complete (``update``: only what changed; ``strict``: any problem in
        the input fails the build and the live index stays; ``facets``: catalog columns
        to offer as facets, None for the live index's). Raises
        :class:`~searchsvc.errors.BuildError`."""
        return pipeline.build(self.root, builder(engine), corpus, jsonl, update=update,
                              strict=strict, workers=workers, catalog=catalog,
                              on_article=on_article, on_problem=on_problem,
                              settings=self.settings, facets=facets)

    def catalog_facets(self) -> tuple[str, ...]:
        """The catalog columns this index offers as facets (filters of the same name)."""
        return tuple(self._live.snapshot().catalog)

    def is_usable(self) -> bool:
        """Whether there is an index this version can search."""
        return folder.is_usable(self.root)

    def search(self, request: SearchRequest) -> SearchResponse:
        """One page of hits, with totals, facets and a suggestion. Raises
        :class:`~searchsvc.errors.SearchError` (4xx) or ``Unavailable`` (503)."""
        started = time.perf_counter()
        response = self._answer(lambda snapshot: snapshot.remembered(
            ("search", request), lambda: hits.search(snapshot, request)))
        # The time this answer took, whether computed now or remembered.
        return replace(response, took_ms=(time.perf_counter() - started) * 1000)

    def export(self, request: SearchRequest, limit: int, rows: str = "paragraph") -> ExportRows:
        """Every matching paragraph (up to ``limit``), in the request's order, ungrouped;
        ``rows="article"``: every matching article instead, in the order of the pages, each
        with its score and its best paragraph."""
        if rows == "article":
            return self._answer(lambda snapshot: exports.export_articles(snapshot, request,
                                                                          limit))
        return self._answer(lambda snapshot: exports.export(snapshot, request, limit))

    def attention(self, request: AttentionRequest) -> AttentionResponse:
        """Per period, the share of all articles that match each of the queries. Raises
        :class:`~searchsvc.errors.SearchError` naming a bad query or parameter."""
        return self._answer(lambda snapshot: snapshot.remembered(
            ("attention", request), lambda: attention.attention(snapshot, request)))

    def tally(self, request: SearchRequest) -> Tally:
        """What ``request`` finds, counted (totals, first and latest day, top sources),
        without a page of hits: one row of a batch. Raises what :meth:`search` raises."""
        snapshot = self._live.snapshot()
        return snapshot.remembered(("tally", request), lambda: tally(snapshot, request))

    def ranked(self, request: SearchRequest, k: int) -> list[tuple[str, float]]:
        """The top ``k`` (article id, score) of ``sort=relevance``, nothing else."""
        return self._answer(lambda snapshot: matching.ranked_articles(snapshot, request, k))

    def highlights(self, q: str, fuzzy: bool = True) -> Highlights:
        """What a search for ``q`` marks in a paragraph (name variants included)."""
        return self._answer(lambda snapshot: hits.highlights_for(
            snapshot, SearchRequest(q=q, fuzzy=fuzzy)))

    def article(self, article_id: str) -> Article:
        """One article and all its paragraphs. Raises ``NotFound``."""
        return self._answer(lambda snapshot: articles.get_article(snapshot, article_id))

    def related(self, paragraph_id: str, limit: int, q: str = "") -> list[Hit]:
        """Paragraphs of other articles that report the same thing, best first; the words
        of the search ``q`` are marked in their snippets too."""
        return self._answer(lambda snapshot: snapshot.remembered(
            ("related", paragraph_id, limit, q),
            lambda: related_coverage.related(snapshot, paragraph_id, limit, q)))

    def sources(self) -> list[Source]:
        return self._answer(articles.sources)

    def health(self) -> Health:
        return self._answer(articles.health)

    def _answer(self, compute: Callable[[Snapshot], T]) -> T:
        """``compute`` on the build to answer from. An engine failing in the middle of it
        on a build whose files were damaged since it was opened answers 503
        ``index_corrupt`` (and the next request a sound build), not a 500."""
        snapshot = self._live.snapshot()
        try:
            return compute(snapshot)
        except SearchError:
            raise
        except Exception:
            damaged = self._live.suspect(snapshot)
            if damaged is None:
                raise  # the files are sound: a bug, answered 500
            raise damaged from None

    def status(self, health: str = "/api/health") -> BuildStatus:
        """The live build's report (``build.json``) and any running build's progress;
        answers also without an index (``health``: where the health check is)."""
        return report.read_status(self.root, health)

    def reopen(self) -> None:
        """Read the newest complete index (a server also does this on its own)."""
        self._live.snapshot()

    def close(self) -> None:
        self._live.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_archive(index: Path, settings: Settings | None = None) -> Archive:
    """The archive in the index folder ``index`` (built there if it is not yet)."""
    return Archive(Path(index), settings or Settings())

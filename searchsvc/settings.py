"""One place for what can be set: where the corpus and the index are, and the one
:class:`Settings` object of tuning constants.

Paths: flags first, then environment variables, then the current directory (``./seeds``,
``./index``), never the installed package's folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .analysis import QUERY_STOP_WORDS, STOP_WORDS

CORPUS_ENV = "SEARCHSVC_CORPUS"
INDEX_ENV = "SEARCHSVC_INDEX"
DEFAULT_CORPUS = Path("seeds")
DEFAULT_INDEX = Path("index")
DEFAULT_HOST = "127.0.0.1"  # `serve` listens on loopback unless told otherwise
DEFAULT_PORT = 8000


def _resolve(explicit: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if explicit:
        return Path(explicit)
    value = os.environ.get(env)
    return Path(value) if value else default


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The index folder: ``explicit``, else $SEARCHSVC_INDEX, else ``./index``."""
    return _resolve(explicit, INDEX_ENV, DEFAULT_INDEX)


def corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The corpus folder: ``explicit``, else $SEARCHSVC_CORPUS, else ``./seeds``."""
    return _resolve(explicit, CORPUS_ENV, DEFAULT_CORPUS)


# ------------------------------------------------------------------ tuning

STOP_LISTS = {"none": frozenset(), "lucene": STOP_WORDS, "snowball": QUERY_STOP_WORDS}


@dataclass(frozen=True)
class Settings:
    """Every tuning constant of the service, in one frozen object handed to the engine.

    The defaults are what the service ships with; docs/evaluation.md measured them.
    ``searchsvc serve`` and ``searchsvc search`` read overrides from the environment
    (``SEARCHSVC_BM25_K1=1.2``); ``scripts/evaluate.py --set BM25_K1=1.2`` makes a new one.
    """

    # BM25 over paragraphs and articles; "bm25" is Lucene's idf, "whoosh" whoosh's own.
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    bm25_idf: str = "bm25"
    # Above 1, a title match outranks the same words in a paragraph; 2.0 measured worse.
    title_boost: float = 1.25
    # The title's weight when ranking whole articles, whose text holds the title as well.
    article_title_boost: float = 0.5
    variant_boost: float = 0.5  # a variant spelling counts, but less than the one typed
    proximity_slop: int = 6
    proximity_boost: float = 1.0
    # Fewer complete matches than this and paragraphs with most of the words follow.
    fallback_below: int = 50
    suggest_below: int = 3  # fewer articles than this and a close spelling is tried
    # A search that has taken longer than this skips did-you-mean (and says so in
    # "skipped") rather than run on: an answer within a second matters more.
    optional_budget_ms: int = 500
    paragraphs_per_article: int = 3
    related_limit: int = 10
    pair_boost: float = 0.5  # shared word pairs in related coverage
    related_pairs: int = 100  # at most this many (the rarest) of a paragraph's word pairs
    same_source_factor: float = 0.5  # related coverage prefers other sources
    # A related paragraph holds at least this share of the key words' weight (and two of
    # them), as Elasticsearch's more_like_this minimum_should_match (30%). On 200 Reuters
    # paragraphs (scripts/related_quality.py), related results sharing a Reuters topic with
    # the paragraph: 51% before (whoosh's key terms, no minimum), 53% with no minimum, 55%
    # at 0.2, 60% at 0.3 (7.0 results per paragraph; 17 of 200 paragraphs get none).
    related_min_share: float = 0.3
    # A name the paragraph uses (Soleimani) says more than a word. Reuters' topics are
    # commodities, not people: there 1.0 measured 65% but 28 paragraphs with nothing.
    related_name_boost: float = 2.0
    # Closer dates rank higher: a day's score counts (1 + 2^(-gap/half-life)) / 2 times,
    # so a report a half-life away counts 3/4 and a year away nearly 1/2 (59% vs 60%).
    related_half_life_days: float = 30.0
    # Stop words: in the index (build time) and left out of queries (query time).
    stop_words: frozenset[str] = STOP_WORDS
    query_stop_words: frozenset[str] = QUERY_STOP_WORDS
    # What one request may ask: longer queries are refused (400 query_too_long), and
    # did-you-mean skips longer words (its cost grows with the word: docs/whoosh.md, 13).
    max_query_chars: int = 2000
    max_query_words: int = 120
    max_suggest_word: int = 30
    # Words one prefix* or wildcard may stand for (Elasticsearch's max_clause_count is 1024);
    # more is refused (400 pattern_too_broad) rather than searched for seconds.
    max_expansions: int = 1000
    max_suggest_words: int = 8  # did-you-mean looks for close spellings of this many words
    # Pages and exports.
    default_per_page: int = 10
    max_per_page: int = 100
    max_window: int = 1000  # deepest hit a page may reach; deeper is an export
    # Rows in one CSV / JSON Lines export (rows are read as they are sent); past it the
    # file's last line says so.
    export_limit: int = 100_000
    feed_entries: int = 50  # articles in a search's Atom feed (format=atom), newest first
    # Answers kept per server process and index build, for the same search asked again
    # (the next page's facets, a reload, a shared link); 0 keeps none.
    response_cache: int = 256
    # Building.
    writer_mb: int = 256  # memory per writer process before it spills to disk
    # Processes analysing and writing (0: one per core). More than one leaves one index
    # segment each: on Reuters-21578, 2 built in 0.58x the time of 1, but searches were
    # slower (in-process p95 903 against 381 ms), and merging the segments takes as long as
    # the time saved. A build is rare and a search is not: 1 by default.
    build_processes: int = 1
    # Serving. Absolute links (Atom feeds) are built from this address, never from the
    # request's Host header (searchsvc/public_url.py says why); empty: the address `serve`
    # listens on. Host names besides it (and loopback) that requests may carry, with commas.
    public_url: str = ""
    host_aliases: str = ""
    # With access keys on: exports and related coverage one key, or one address, may ask
    # per minute (per server process); 0: no limit. Admin keys are not limited.
    rate_limit_per_minute: int = 30

    def __post_init__(self) -> None:
        if self.bm25_idf not in ("bm25", "whoosh"):
            raise ValueError(f"bm25_idf must be bm25 or whoosh, not {self.bm25_idf!r}")
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, int | float) and value < 0:
                raise ValueError(f"{spec.name} must not be negative ({value})")

    def with_overrides(self, overrides: Mapping[str, str]) -> Settings:
        """A copy with ``{"BM25_K1": "1.2"}`` (names in any case) read as each field's type.
        Stop lists take ``none``, ``lucene``, ``snowball`` or comma-separated words."""
        known = {spec.name: spec for spec in fields(self)}
        changes: dict[str, object] = {}
        for raw_name, raw in overrides.items():
            name = raw_name.lower()
            if name not in known:
                raise ValueError(f"unknown setting {raw_name!r} (one of "
                                 f"{', '.join(n.upper() for n in known)})")
            changes[name] = _parse(name, type(getattr(self, name)), raw)
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The defaults with every ``SEARCHSVC_<FIELD>`` variable of the environment."""
        environ = os.environ if environ is None else environ
        names = {spec.name.upper() for spec in fields(cls)}
        overrides = {key[len(PREFIX):]: value for key, value in environ.items()
                     if key.startswith(PREFIX) and key[len(PREFIX):] in names}
        return cls().with_overrides(overrides)


PREFIX = "SEARCHSVC_"


def _parse(name: str, kind: type, raw: str) -> object:
    try:
        if kind is frozenset:
            key = raw.strip().lower()
            if key in STOP_LISTS:
                return STOP_LISTS[key]
            return frozenset(w.strip().lower() for w in raw.split(",") if w.strip())
        return kind(raw)
    except ValueError:
        raise ValueError(f"setting {name.upper()}={raw!r} is not a {kind.__name__}") from None

"""What goes in and out of a search engine: plain dataclasses, the same for every engine.

The JSON API serialises these (``dataclasses.asdict``), the page and the CLI read them,
and :class:`searchsvc.engine.Engine` takes and returns nothing else. Nothing here knows
which engine answered, nor how a page links to itself (that is :mod:`searchsvc.pages`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .corpus import Problem
from .filters import Filters

SORTS = ("relevance", "newest", "oldest")


def count(number: int, noun: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"

GROUPS = ("article", "paragraph")



@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    group: str = "article"
    page: int = 1
    per_page: int = 10
    fuzzy: bool = True
    strict: bool = False

    def filters(self) -> Filters:
        return Filters.make(self.sources, self.date_from, self.date_to)

    @property
    def first(self) -> int:
        """The index of the page's first hit, counted from 0."""
        return (self.page - 1) * self.per_page

    @property
    def last(self) -> int:
        """One past the index of the page's last hit."""
        return self.first + self.per_page


@dataclass
class ParagraphHit:
    id: str
    number: int
    score: float
    snippet: str  # escaped text, matches in <mark>
    text: str


@dataclass
class Hit:
    article_id: str
    title: str
    source: str
    date: str | None
    url: str
    score: float  # the article's own score (grouped by article), else the paragraph's
    matched_paragraphs: int
    paragraphs: list[ParagraphHit]


@dataclass
class Bucket:
    """One value of a facet: how many matching paragraphs and articles have it."""

    value: str
    label: str
    paragraphs: int
    articles: int
    selected: bool


@dataclass
class Suggestion:
    """A close spelling of the query that finds more ("did you mean")."""

    q: str
    paragraphs: int
    articles: int


@dataclass
class SearchResponse:
    request: SearchRequest
    understood: str
    variants: dict[str, list[str]]
    relaxed: bool  # "most words" matches follow the complete ones
    total_paragraphs: int
    total_articles: int
    pages: int  # pages a user can reach (deeper hits are for exports)
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[Bucket]]
    suggestion: Suggestion | None = None

    @property
    def total(self) -> int:
        return self.total_articles if self.request.group == "article" else self.total_paragraphs

    def to_dict(self) -> dict:
        r = self.request
        return {
            "query": {"q": r.q, "understood": self.understood, "fuzzy": r.fuzzy,
                      "strict": r.strict, "variants": self.variants, "relaxed": self.relaxed},
            "filters": {"source": list(r.filters().sources), "from": r.date_from, "to": r.date_to},
            "sort": r.sort,
            "group": r.group,
            "total": {"paragraphs": self.total_paragraphs, "articles": self.total_articles},
            "page": r.page,
            "per_page": r.per_page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 2),
            "hits": [asdict(hit) for hit in self.hits],
            "facets": {name: [asdict(b) for b in buckets] for name, buckets in self.facets.items()},
            "suggestion": asdict(self.suggestion) if self.suggestion else None,
        }


@dataclass
class ExportRow:
    """One matching paragraph in a CSV or JSON Lines export."""

    article_id: str
    paragraph: int
    title: str
    source: str
    date: str | None
    url: str
    score: float
    text: str


@dataclass
class Paragraph:
    id: str
    number: int
    text: str


@dataclass
class Article:
    id: str
    title: str
    source: str
    date: str | None
    url: str
    extra: dict
    paragraphs: list[Paragraph]


@dataclass
class Source:
    key: str
    name: str
    articles: int
    paragraphs: int


@dataclass
class Health:
    status: str
    articles: int
    paragraphs: int
    built_at: str | None
    version: str | None


@dataclass
class Highlights:
    """What a search marks in a paragraph: stems, exact words, prefixes and phrases."""

    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # (words, stemmed)

    def __bool__(self) -> bool:
        return bool(self.stems or self.exact or self.prefixes or self.phrases)


@dataclass
class BuildSummary:
    path: Path
    articles: int = 0
    paragraphs: int = 0
    title_only: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    mode: str = "full"

    def lines(self) -> list[str]:
        title_only = (f" ({count(self.title_only, 'article')} "
                      f"{'is' if self.title_only == 1 else 'are'} a title only)")
        out = [
            f"indexed {count(self.articles, 'article')}, {count(self.paragraphs, 'paragraph')}"
            + (title_only if self.title_only else "")
            + f" in {self.seconds:.1f} s → {self.path}"
        ]
        if self.mode == "update":
            out.append(
                f"update: {self.added} added, {self.changed} changed, {self.removed} removed,"
                f" {self.unchanged} unchanged"
            )
        out.append(f"skipped or repaired: {len(self.problems)}")
        out.extend(f"  {problem}" for problem in self.problems)
        return out

"""What goes in and out of a search engine: plain dataclasses, the same for every engine.

:class:`searchsvc.archive.Archive` takes and returns nothing else; the page and the CLI read
them; the JSON API sends them. They are also the API's contract: each field's type,
bounds and description are written here once, and :mod:`searchsvc.openapi` generates the
OpenAPI schemas from them (pydantic reads the annotations; nothing is validated or copied
when an engine builds a hit). Nothing here knows which engine answered, nor how a page
links to itself (that is :mod:`searchsvc.pages`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated, Literal, overload

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

from .filters import Filters
from .names import NameBucket
from .settings import Settings

# A response schema lists every field, all required, and nothing else (drift fails tests).
EXACT = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)
_DEFAULTS = Settings()  # the documented limits are the shipped defaults

Day = Annotated[str | None, Field(
    description="publication day YYYY-MM-DD; null when the article is undated",
    json_schema_extra={"format": "date"})]
# What an article's metadata means, said once for hits, exports and articles alike.
ArticleId = Annotated[str, Field(description="article id")]
Headline = Annotated[str, Field(description="headline; empty when the article has none")]
SourceName = Annotated[str, Field(description="source name as displayed, e.g. Zero Hedge")]
Link = Annotated[str, Field(description="link to the original; empty when unknown")]


def count(number: int, noun: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


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
    collapse: bool = True  # fold later versions of a story under the earliest
    # Catalog facet filters: (facet name, values), any value of a facet, every facet.
    catalog: tuple[tuple[str, tuple[str, ...]], ...] = ()
    names: tuple[str, ...] = ()  # name= values (names.py), every one named by an article

    def filters(self) -> Filters:
        return Filters.make(self.sources, self.date_from, self.date_to, self.catalog)

    @property
    def first(self) -> int:
        """The index of the page's first hit, counted from 0."""
        return (self.page - 1) * self.per_page

    @property
    def last(self) -> int:
        """One past the index of the page's last hit."""
        return self.first + self.per_page


@with_config(EXACT)
@dataclass
class ParagraphHit:
    id: Annotated[str, Field(description="paragraph id ARTICLE#NUMBER",
                             examples=["000_a2d3934c72cc6993#7"])]
    number: Annotated[int, Field(ge=0, description="paragraph number in its article, from 1")]
    score: Annotated[float, Field(description="relevance (BM25F); 0 when unranked")]
    snippet: Annotated[str, Field(description="HTML: about 200 characters around the matches,"
                                 " escaped, the matched words as written in <mark>…</mark>,"
                                 " … where cut")]
    text: Annotated[str, Field(description="the whole paragraph, plain text (not escaped)")]
    opening: Annotated[bool, Field(description="true when no paragraph of the article holds a"
                                   " query word (it matched by its title or a scope) and"
                                   " this is its opening paragraph, shown as such")] = False


@with_config(EXACT)
@dataclass
class Hit:
    """One article (group=article) or one paragraph (group=paragraph)."""

    article_id: ArticleId
    title: Headline
    source: SourceName
    date: Day
    url: Link
    score: Annotated[float, Field(description="the article's own score (BM25F over the whole"
                                  " article; group=paragraph: the paragraph's); 0 when"
                                  " unranked")]
    matched_paragraphs: Annotated[int, Field(
        ge=0, description="how many of the article's paragraphs hold a query word (0 when"
                          " it matched by its title alone; related: how many are among the"
                          " candidates)")]
    paragraphs: Annotated[list[ParagraphHit], Field(
        min_length=1, max_length=_DEFAULTS.paragraphs_per_article,
        description="group=article: the best matching paragraphs, best first (at most"
                    f" {_DEFAULTS.paragraphs_per_article}); group=paragraph and related:"
                    " exactly one")]
    duplicates: Annotated[list[str], Field(
        description="ids of later versions of this story from the same source (wire copies"
                    " re-sent with small changes) that also match, folded under this one,"
                    " earliest first; collapse=false lists them as hits of their own")] = \
        field(default_factory=list)
    missing: Annotated[list[str], Field(
        description="query words, as typed, that the article does not hold: only on the"
                    " articles that match most but not all of the words (relaxed)")] = \
        field(default_factory=list)


@with_config(EXACT)
@dataclass
class Bucket:
    """A facet value; counts ignore the facet's own filter (multi-select)."""

    value: Annotated[str, Field(description="what to pass back: a source key for source=, a"
                                " YYYY-MM or YYYY-MM-DD for from= and to=, or \"undated\"")]
    label: Annotated[str, Field(description="for display")]
    paragraphs: Annotated[int, Field(ge=0, description="matching paragraphs in this bucket")]
    articles: Annotated[int, Field(ge=0, description="matching articles in this bucket")]
    selected: Annotated[bool, Field(description="the current filters select it")]


@with_config(EXACT)
@dataclass
class Suggestion:
    """Did you mean: a close spelling of the query that finds more."""

    q: Annotated[str, Field(description="the query with close spellings from the index"
                            " substituted")]
    paragraphs: Annotated[int, Field(ge=0, description="paragraphs holding its words that it"
                                     " would find (0 when only headlines hold them)")]
    articles: Annotated[int, Field(ge=1, description="articles it would find (more than the"
                                   " query typed)")]


@dataclass
class SearchResponse:
    request: SearchRequest
    understood: str
    variants: dict[str, list[str]]
    relaxed: bool  # "most words" matches follow the complete ones
    total_paragraphs: int
    total_articles: int
    folded: int
    pages: int  # pages a user can reach (deeper hits are for exports)
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[Bucket]]
    suggestion: Suggestion | None = None
    skipped: list[str] = field(default_factory=list)  # optional parts past the time budget
    names: list[NameBucket] = field(default_factory=list)  # the names facet

    @property
    def total(self) -> int:
        return self.total_articles if self.request.group == "article" else self.total_paragraphs

    def to_dict(self) -> dict:
        """The JSON body of ``GET /api/search`` (:class:`SearchBody`)."""
        r = self.request
        body = SearchBody(
            query=QueryEcho(q=r.q, understood=self.understood, fuzzy=r.fuzzy, strict=r.strict,
                            variants=self.variants, relaxed=self.relaxed),
            filters={"source": list(r.filters().sources), "from": r.date_from,
                     "to": r.date_to, "name": list(r.names)},
            sort=r.sort,  # type: ignore[arg-type]  # one of SearchParams.sort's (params.py)
            group=r.group,  # type: ignore[arg-type]
            total=Totals(paragraphs=self.total_paragraphs, articles=self.total_articles,
                         folded=self.folded),
            page=r.page,
            per_page=r.per_page,
            pages=self.pages,
            took_ms=round(self.took_ms, 2),
            hits=self.hits,
            facets=Facets(source=self.facets["source"], month=self.facets["month"],
                          day=self.facets["day"]),
            suggestion=self.suggestion,
            skipped=list(self.skipped),  # type: ignore[arg-type]  # only "suggestion"
            names=self.names,
        )
        data = asdict(body)
        # The index's catalog facets (topics, places…): by name, as the schema's
        # additionalProperties say.
        for name, values in r.filters().catalog:
            data["filters"][name] = list(values)
        for name, buckets in self.facets.items():
            if name not in ("source", "month", "day"):
                data["facets"][name] = [asdict(bucket) for bucket in buckets]
        return data


# ------------------------------------------------------------------ the search body's parts


@with_config(EXACT)
@dataclass
class QueryEcho:
    q: Annotated[str, Field(description="q as given")]
    understood: Annotated[str, Field(description="the query as searched, in the query syntax:"
                                     " stems, ~variant spellings, phrases; empty for no q")]
    fuzzy: bool
    strict: bool
    variants: Annotated[dict[str, list[str]], Field(
        description="word typed → other spellings also searched")]
    relaxed: Annotated[bool, Field(description="paragraphs matching only most of the words"
                                   " follow the complete matches")]


# A TypedDict, not a dataclass: its keys "from" and "to" are Python keywords.
FiltersEcho = TypedDict("FiltersEcho", {
    "source": Annotated[list[str], Field(description="selected source keys (folded lower"
                                         " case)")],
    "from": Annotated[str | None, Field(description="from as given")],
    "to": Annotated[str | None, Field(description="to as given")],
    "name": Annotated[list[str], Field(description="selected names, as name= takes them"
                                       " (soleimani, person:reagan)")],
})
FiltersEcho = with_config(EXACT)(FiltersEcho)  # type: ignore[misc]  # functional form


@with_config(EXACT)
@dataclass
class Totals:
    paragraphs: Annotated[int, Field(ge=0, description="matching paragraphs within the"
                                     " filters")]
    articles: Annotated[int, Field(ge=0, description="matching articles within the filters"
                                   " (later versions of a story folded)")]
    folded: Annotated[int, Field(ge=0, description="matching articles folded under an earlier"
                                 " version of the same story (see hits[].duplicates)")] = 0


@with_config(EXACT)
@dataclass
class Facets:
    source: Annotated[list[Bucket], Field(description="most paragraphs first; a selected"
                                          " source is listed even with 0")]
    month: Annotated[list[Bucket], Field(description="YYYY-MM, oldest first, \"undated\""
                                         " last")]
    day: Annotated[list[Bucket], Field(description="YYYY-MM-DD, oldest first, \"undated\""
                                       " last")]


@with_config(EXACT)
@dataclass
class SearchBody:
    """The answer of ``GET /api/search`` (format=json)."""

    query: QueryEcho
    filters: FiltersEcho
    sort: Literal["relevance", "newest", "oldest"]
    group: Literal["article", "paragraph"]
    total: Totals
    page: Annotated[int, Field(ge=1, description="page number")]
    per_page: Annotated[int, Field(ge=1, le=_DEFAULTS.max_per_page,
                                   description="hits per page")]
    pages: Annotated[int, Field(ge=1, description="pages reachable (hits beyond"
                                f" {_DEFAULTS.max_window} are not)")]
    took_ms: Annotated[float, Field(ge=0)]
    hits: Annotated[list[Hit], Field(max_length=_DEFAULTS.max_per_page)]
    facets: Facets
    suggestion: Annotated[Suggestion | None, Field(
        description="set when the query finds fewer than"
                    f" {_DEFAULTS.suggest_below} articles (or is relaxed) and a close"
                    " spelling finds more articles")]
    skipped: Annotated[list[Literal["suggestion"]], Field(
        description="optional parts left out because the search had already taken more than"
                    f" {_DEFAULTS.optional_budget_ms} ms: \"suggestion\" (did-you-mean was"
                    " not looked for)")] = field(default_factory=list)
    names: Annotated[list[NameBucket], Field(
        description="the people, organisations and places the matching articles name, most"
                    f" articles first (at most {_DEFAULTS.facet_names}, and every selected"
                    " one), counted within every filter")] = field(default_factory=list)


# ------------------------------------------------------------------ exports, articles, sources


@with_config(EXACT)
@dataclass
class ExportRow:
    """One line of format=jsonl; format=csv has the same columns in this order (date empty
    when undated)."""

    article_id: ArticleId
    paragraph: Annotated[int, Field(ge=0, description="paragraph number")]
    title: Headline
    source: SourceName
    date: Day
    url: Link
    score: float
    text: Annotated[str, Field(description="the paragraph")]


class ExportRows(Sequence[ExportRow]):
    """The rows of an export, each read when it is reached (an export streams), and
    ``total``: every match, more than ``len(rows)`` when the export is capped; ``unit``:
    what a row is, "paragraphs" or "articles" (one row per article)."""

    total: int
    unit: str = "paragraphs"

    @abstractmethod
    def __len__(self) -> int: ...

    @overload
    def __getitem__(self, index: int) -> ExportRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ExportRow]: ...

    @abstractmethod
    def __getitem__(self, index): ...


@with_config(EXACT)
@dataclass
class Paragraph:
    id: Annotated[str, Field(description="paragraph id ARTICLE#NUMBER")]
    number: Annotated[int, Field(ge=1, description="paragraph number, from 1")]
    text: Annotated[str, Field(description="plain text")]


@with_config(EXACT)
@dataclass
class Article:
    id: ArticleId
    title: Headline
    source: SourceName
    date: Day
    url: Link
    extra: Annotated[dict[str, object], Field(description="further catalog columns (or JSON"
                                              " Lines fields), as given")]
    paragraphs: list[Paragraph]


@with_config(EXACT)
@dataclass
class Report:
    """One paragraph of a story's coverage: where and when."""

    paragraph_id: Annotated[str, Field(description="the paragraph")]
    article_id: ArticleId
    source: SourceName


@with_config(EXACT)
@dataclass
class FirstReport:
    """The earliest dated report among a paragraph and its related coverage."""

    date: Annotated[str, Field(description="the day (YYYY-MM-DD)")]
    by: Annotated[list[Report], Field(description="every article of that day, one paragraph"
                                                  " each (dates are days: who was first"
                                                  " within one is unknown)")]


@with_config(EXACT)
@dataclass
class Related:
    """The answer of ``GET /api/paragraphs/{id}/related``."""

    paragraph: Annotated[str, Field(description="the paragraph asked about")]
    first_reported: Annotated[FirstReport | None, Field(
        description="the earliest day among the paragraph and the related paragraphs, and"
                    " who reported then (null when none is dated)")]
    related: Annotated[list[Hit], Field(description="paragraphs of other articles reporting"
                                        " the same thing, best first (sharing at least 30% of"
                                        " the paragraph's key words' weight; names weigh"
                                        " double, closer dates and other sources count"
                                        " more); one paragraph per hit")]


def first_reported(paragraph_id: str, article: Article, related: list[Hit]
                   ) -> FirstReport | None:
    """Who reported first: the paragraph's own article or a related one (by day)."""
    reports = [(article.date, Report(paragraph_id, article.id, article.source))]
    reports += [(hit.date, Report(hit.paragraphs[0].id, hit.article_id, hit.source))
                for hit in related]
    dated = [(date, report) for date, report in reports if date]
    if not dated:
        return None
    first = min(date for date, _ in dated)
    by: dict[str, Report] = {}  # one report per article: its best paragraph
    for date, report in dated:
        if date == first:
            by.setdefault(report.article_id, report)
    return FirstReport(first, list(by.values()))


@with_config(EXACT)
@dataclass
class Source:
    key: Annotated[str, Field(description="what source= matches (folded lower case)")]
    name: Annotated[str, Field(description="for display")]
    articles: Annotated[int, Field(ge=0, description="articles")]
    paragraphs: Annotated[int, Field(ge=0, description="paragraphs")]


@with_config(EXACT)
@dataclass
class Sources:
    sources: Annotated[list[Source], Field(description="most articles first")]


@with_config(EXACT)
@dataclass
class Health:
    status: Literal["ok"]
    articles: Annotated[int, Field(ge=0, description="articles in the index")]
    paragraphs: Annotated[int, Field(ge=0, description="paragraphs in the index")]
    built_at: Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]
    version: Annotated[str | None, Field(description="searchsvc version that built it")]
    first_date: Annotated[str | None, Field(description="the oldest article's day (null when"
                                            " none is dated)", json_schema_extra={
                                                "format": "date"})] = None
    last_date: Annotated[str | None, Field(description="the newest article's day (the page's"
                                           " \"last 7 days\" count back from it)",
                                           json_schema_extra={"format": "date"})] = None


@dataclass
class Highlights:
    """What a search marks in a paragraph: stems, exact words, prefixes and phrases."""

    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # (words, stemmed)

    def __bool__(self) -> bool:
        return bool(self.stems or self.exact or self.prefixes or self.phrases)

"""Relevance evaluation on test collections (queries with relevance judgments).

A collection is a folder in the form of ``../shared/corpora/{cranfield,cisi,med}``::

    docs/<docid>.txt   the documents: a corpus folder as the service reads it
    docs.tsv           docid<TAB>title ... (with a header line; an empty title = none)
    queries.tsv        qid<TAB>query text
    qrels.tsv          qid<TAB>docid<TAB>relevance (0 = judged not relevant)

Everything goes through the service's own archive (:class:`searchsvc.archive.Archive`): the
documents are read and analysed by its ``build`` (a temporary ``catalog.csv``, written
outside the corpus, gives each document its docid as article id and its title from
``docs.tsv``), and every query is run, as typed, through its ``ranked``: articles in the
order of ``sort=relevance``, each scored as a whole article, complete matches before
"most words" ones.

Measures are trec_eval's (through ir_measures / pytrec_eval): MAP, nDCG@10 (graded) and
P@10 over the top :data:`DEPTH` articles, averaged over the queries that have at least
one relevant document (a query the service answers with nothing counts as 0). trec_eval
orders a run by score, so the run handed to it scores each article by its rank: the
service's own order, ties and tiers included, is what is measured.
"""

from __future__ import annotations

import csv
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

try:
    import ir_measures
    from ir_measures import AP, P, nDCG
except ImportError as missing:  # the service installs without the evaluation tools
    raise ImportError(
        "searchsvc.evaluate needs the evaluation extras: pip install 'searchsvc[eval]'"
    ) from missing

from .archive import Archive, open_archive
from .indexer.summary import BuildSummary
from .models import SearchRequest
from .settings import Settings

DEPTH = 1000  # articles retrieved per query (search pages stop at Settings.max_window hits)
MEASURES = {"MAP": AP, "nDCG@10": nDCG @ 10, "P@10": P @ 10}

# BM25 (bm25s "lucene", k1=1.5, b=0.75) on the whole document text, from
# the reference runs published with the test collections (docs/evaluation.md): what the
# service should match or beat.
REFERENCE = {
    "cranfield": {"MAP": 0.3104, "nDCG@10": 0.3730, "P@10": 0.2369},
    "cisi": {"MAP": 0.2146, "nDCG@10": 0.3858, "P@10": 0.3539},
    "med": {"MAP": 0.5351, "nDCG@10": 0.6957, "P@10": 0.6467},
}


# ------------------------------------------------------------------ collections


@dataclass
class Collection:
    name: str
    path: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    titles: dict[str, str]

    @property
    def docs(self) -> Path:
        return self.path / "docs"

    def judged(self) -> list[str]:
        """Queries with at least one relevant document: the ones averaged over."""
        relevant = [q for q, judged in self.qrels.items() if any(r > 0 for r in judged.values())]
        return sorted(relevant, key=_natural)


def _natural(value: str) -> tuple:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def _tsv(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.strip():
                yield line.split("\t")


def load_collection(path: Path) -> Collection:
    path = Path(path)
    for needed in ("docs", "queries.tsv", "qrels.tsv"):
        if not (path / needed).exists():
            raise FileNotFoundError(f"{path} is not a test collection: it has no {needed}")
    queries = {row[0].strip(): row[1] for row in _tsv(path / "queries.tsv") if len(row) >= 2}
    qrels: dict[str, dict[str, int]] = {}
    for row in _tsv(path / "qrels.tsv"):
        qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
    titles: dict[str, str] = {}
    if (path / "docs.tsv").is_file():
        rows = iter(_tsv(path / "docs.tsv"))
        next(rows, None)  # header
        titles = {row[0].strip(): (row[1] if len(row) > 1 else "").strip() for row in rows}
    return Collection(path.name, path, queries, qrels, titles)


def write_catalog(collection: Collection, path: Path) -> Path:
    """A catalog.csv (file, id, title) for the collection's docs/ folder, written at ``path``."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "id", "title"])
        for file in sorted(collection.docs.rglob("*.txt")):
            relative = file.relative_to(collection.docs).as_posix()
            docid = relative.removesuffix(".txt")
            writer.writerow([relative, docid, collection.titles.get(docid, "")])
    return Path(path)


def build_index(collection: Collection, engine: Archive) -> BuildSummary:
    """Index the collection's documents with ``engine`` (titles and ids from a catalog
    written in a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix=f"catalog-{collection.name}-") as folder:
        catalog = write_catalog(collection, Path(folder) / "catalog.csv")
        return engine.build(collection.docs, catalog=catalog)


# ------------------------------------------------------------------ running and measuring


Run = dict[str, list[tuple[str, float]]]  # qid -> (docid, service score), best first


def run_queries(engine: Archive, queries: dict[str, str], depth: int = DEPTH) -> Run:
    """Every query through the service's default search, top ``depth`` articles each."""
    return {qid: engine.ranked(SearchRequest(q=text), depth) for qid, text in queries.items()}


def per_query(run: Run, qrels: dict[str, dict[str, int]], qids: list[str]) -> dict[str, dict]:
    """Each measure for each of ``qids`` (0 where the run has nothing for a query)."""
    trec_run = {qid: {docid: float(len(ranked) - rank) for rank, (docid, _) in enumerate(ranked)}
                for qid, ranked in run.items() if ranked and qid in qids}
    wanted = {qid: qrels[qid] for qid in qids}
    names = {measure: name for name, measure in MEASURES.items()}
    values = {qid: dict.fromkeys(MEASURES, 0.0) for qid in qids}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), wanted, trec_run):
        values[metric.query_id][names[metric.measure]] = metric.value
    return values


def mean(values: dict[str, dict], qids: list[str] | None = None) -> dict[str, float]:
    qids = list(values) if qids is None else qids
    return {name: statistics.fmean(values[q][name] for q in qids) if qids else 0.0
            for name in MEASURES}


def relevant_ranks(run: Run, qrels: dict[str, dict[str, int]], qids: list[str],
                   depth: int = DEPTH) -> list[int]:
    """The 1-based rank of every relevant document of ``qids``; ``depth + 1`` when not found."""
    ranks: list[int] = []
    for qid in qids:
        position = {docid: rank for rank, (docid, _) in enumerate(run.get(qid, []), start=1)}
        ranks.extend(position.get(docid, depth + 1)
                     for docid, grade in qrels[qid].items() if grade > 0)
    return ranks


@dataclass
class Result:
    name: str
    path: str
    documents: int
    paragraphs: int
    problems: int
    queries: int
    judged: int
    answered: int  # judged queries with at least one article returned
    scores: dict[str, float]
    reference: dict[str, float] | None
    build_seconds: float
    query_seconds: float
    per_query: dict[str, dict] = field(default_factory=dict)

    def to_dict(self, with_queries: bool = False) -> dict:
        out = {
            "collection": self.name, "path": self.path, "documents": self.documents,
            "paragraphs": self.paragraphs, "skipped_or_repaired": self.problems,
            "queries": self.queries, "judged_queries": self.judged,
            "answered_queries": self.answered,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "reference_bm25": self.reference,
            "build_seconds": round(self.build_seconds, 2),
            "query_seconds": round(self.query_seconds, 2),
            "ms_per_query": round(1000 * self.query_seconds / max(1, self.queries), 1),
        }
        if with_queries:
            out["per_query"] = {q: {k: round(v, 4) for k, v in m.items()}
                                for q, m in self.per_query.items()}
        return out


def evaluate(path: Path, index_root: Path | None = None, depth: int = DEPTH,
             qids: Iterable[str] | None = None,
             on_run: Callable[[Collection, Run], None] | None = None,
             settings: Settings | None = None) -> Result:
    """Build an index of the collection at ``path`` (in ``index_root``, else a temporary
    folder), run its queries (all, or only ``qids``) and measure the run, with ``settings``
    (default: the service's)."""
    collection = load_collection(path)
    with tempfile.TemporaryDirectory(prefix=f"eval-{collection.name}-") as scratch:
        root = Path(index_root) / collection.name if index_root else Path(scratch)
        engine = open_archive(root, settings or Settings())
        summary = build_index(collection, engine)
        try:
            judged = collection.judged()
            if qids is not None:
                keep = set(qids)
                judged = [q for q in judged if q in keep]
            queries = {q: collection.queries[q] for q in judged if q in collection.queries}
            started = time.perf_counter()
            run = run_queries(engine, queries, depth)
            query_seconds = time.perf_counter() - started
        finally:
            engine.close()
    if on_run:
        on_run(collection, run)
    values = per_query(run, collection.qrels, judged)
    return Result(
        name=collection.name, path=str(collection.path), documents=summary.articles,
        paragraphs=summary.paragraphs, problems=len(summary.problems),
        queries=len(queries), judged=len(judged),
        answered=sum(1 for q in judged if run.get(q)),
        scores=mean(values, judged), reference=REFERENCE.get(collection.name),
        build_seconds=summary.seconds, query_seconds=query_seconds, per_query=values,
    )


def write_trec_run(run: Run, path: Path, tag: str = "searchsvc") -> None:
    """The run in TREC format (rank-derived scores, as measured)."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for qid in sorted(run, key=_natural):
            ranked = run[qid]
            for rank, (docid, _) in enumerate(ranked):
                handle.write(f"{qid} Q0 {docid} {rank + 1} {len(ranked) - rank} {tag}\n")

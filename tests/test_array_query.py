"""The arrays answer exactly as whoosh would: the same documents with the same scores.

searchsvc matches and ranks over numpy copies of the postings (engine/whoosh/tables.py,
array_query.py); whoosh's own searcher is the reference. The index here has two segments
(a build, then an update that appends), so document numbers are offset per segment, and
its postings span many 128-entry blocks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from whoosh import collectors
from whoosh import query as wq

from searchsvc import indexer as index
from searchsvc.engine.whoosh.array_query import run, run_best
from searchsvc.engine.whoosh.translate import to_whoosh
from searchsvc.models import SearchRequest
from searchsvc.search.matching import article_query
from searchsvc.search.matching import parse_request as _parse
from searchsvc.search.related import SLOP, pairs_of, related_scores
from searchsvc.search.snapshot import LiveIndex
from searchsvc.settings import Settings
from tests.mixed import mixed_jsonl
from tests.paths import SEEDS

QUERIES = [
    "Soleimani", "Iran bombers", '"B-52 bombers"', "Trump -Iran", "iran OR iraq",
    "title:iran", "source:cnn iran", "milit*", "what did the pentagon say about the bombers",
    "iran iran gulf", "Soleimany", "(iran OR iraq) AND NOT gulf", "NOT iran",
    "bombers Minot", "Pentagon Gulf strike warning", "the who", '"strategic bombers" Gulf',
    "+iran -trump gulf", "zzzunknownword", "b52",
]


def collect(searcher, tree) -> list[tuple[float, int]]:
    """whoosh's own answer: every (score, docnum), none of its limited-search shortcuts
    (docs/whoosh.md, trap 15)."""
    collector = collectors.UnlimitedCollector()
    searcher.search_with_collector(tree, collector)
    return collector.results().top_n


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("arrays")
    root = folder / "index"
    corpus = mixed_jsonl(folder, 500)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    first = folder / "first.jsonl"
    first.write_text("\n".join(lines[:350]) + "\n", encoding="utf-8")
    index.build(root, SEEDS, first)
    summary = index.build(root, SEEDS, corpus, update=True)
    assert (summary.mode, summary.added) == ("update", 150)
    return root


@pytest.fixture(autouse=True)
def whoosh_not_fixed(monkeypatch: pytest.MonkeyPatch):
    """The reference is whoosh with its NOT fixed (docs/whoosh.md, trap 16): its AndNot
    matcher lets the first document through when the NOT-ed word occurs earlier."""
    from whoosh.matching.binary import AndNotMatcher

    def find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    monkeypatch.setattr(AndNotMatcher, "_find_first", find_first)


def _compare(snapshot, queries: list[str]) -> int:
    compared = 0
    for q in queries:
        parsed = _parse(snapshot, SearchRequest(q=q))
        for context, tree in ((snapshot.engine.context(), parsed.query),
                              (snapshot.engine.article_context(),
                               article_query(parsed.query, snapshot.settings))):
            reference = {docnum: score for score, docnum in
                         collect(context.searcher, to_whoosh(tree))}
            found = run(tree, context)
            assert found.scores is not None
            assert found.docs.tolist() == sorted(reference), q
            assert np.allclose(found.scores, [reference[d] for d in found.docs.tolist()],
                               rtol=1e-12, atol=1e-12), q
            assert run(tree, context, score=False).docs.tolist() == sorted(reference), q
            compared += len(reference)
    return compared


def test_two_segments_really(two_segments: Path):
    live = LiveIndex(two_segments, Settings())
    assert len(live.snapshot().engine.searcher.reader().leaf_readers()) == 2
    stats = json.loads((live.snapshot().path / "tables" / "stats.json").read_text())
    assert stats["doc_count_all"] == live.snapshot().engine.searcher.doc_count_all()
    live.close()


@pytest.mark.parametrize("idf", ["bm25", "whoosh"])
def test_arrays_equal_whoosh(two_segments: Path, idf: str):
    live = LiveIndex(two_segments, Settings(bm25_idf=idf))
    compared = _compare(live.snapshot(), QUERIES)
    live.close()
    assert compared > 15_000  # the queries above really match: thousands of documents


def test_arrays_equal_whoosh_on_the_seeds(seed_index: Path):
    live = LiveIndex(seed_index, Settings())
    assert _compare(live.snapshot(), QUERIES) > 200
    live.close()


def test_not_excludes_every_document_holding_the_word(two_segments: Path):
    """whoosh (unfixed) answered "Trump -Iran" with mix-00351#7, which says "Iran" twice."""
    live = LiveIndex(two_segments, Settings())
    snapshot = live.snapshot()
    response_docs = run(_parse(snapshot, SearchRequest(q="Trump -Iran")).query,
                        snapshot.engine.context()).docs
    stored = [snapshot.engine.searcher.stored_fields(d) for d in response_docs.tolist()]
    texts = [f"{fields['title']} {fields['text']}" for fields in stored]
    assert len(texts) == 101
    assert all(re.search(r"\btrump\b", t, re.I) for t in texts)
    assert not any(re.search(r"\biran\b", t, re.I) for t in texts)
    assert "mix-00351#7" not in {fields["pid"] for fields in stored}
    live.close()


def test_within_restricts_to_the_given_documents(two_segments: Path):
    live = LiveIndex(two_segments, Settings())
    snapshot = live.snapshot()
    tree = _parse(snapshot, SearchRequest(q="iran bombers")).query
    everything = run(tree, snapshot.engine.context())
    some = everything.docs[::3]
    part = run(tree, snapshot.engine.context(), some)
    assert part.docs.tolist() == some.tolist()
    assert part.scores is not None and everything.scores is not None
    assert part.scores.tolist() == everything.scores[::3].tolist()
    live.close()


@pytest.mark.parametrize("needed", [1, 3, 10, 40])
def test_run_best_gives_the_exact_top(two_segments: Path, needed: int):
    """The proximity bonus read only where it can still matter: the top ``needed`` (by
    score, ties by docnum here) are those of a full scoring, with the same scores."""
    live = LiveIndex(two_segments, Settings())
    snapshot = live.snapshot()
    checked = 0
    for q in QUERIES + ["iran gulf strike", "pentagon bombers base", "trump iran warning"]:
        parsed = _parse(snapshot, SearchRequest(q=q))
        for context, tree in ((snapshot.engine.context(), parsed.query),
                              (snapshot.engine.article_context(),
                               article_query(parsed.query, snapshot.settings))):
            full, best = run(tree, context), run_best(tree, context, None, needed)
            assert full.scores is not None and best.scores is not None
            assert best.docs.tolist() == full.docs.tolist()
            assert (best.scores <= full.scores + 1e-12).all()  # never above the truth
            def top(found):
                order = np.lexsort((found.docs, -np.round(found.scores, 9)))[:needed]
                return list(zip(found.docs[order].tolist(),
                                np.round(found.scores[order], 9).tolist(), strict=True))
            assert top(best) == top(full), q
            checked += len(full) > needed
    live.close()
    assert checked > 20


def test_related_scores_equal_whoosh_phrase_search(two_segments: Path):
    """Word pairs checked in the stored text score as whoosh's sloppy phrases would."""
    live = LiveIndex(two_segments, Settings())
    snapshot = live.snapshot()
    searcher, cols = snapshot.engine.searcher, snapshot.columns
    boost = snapshot.settings.pair_boost
    compared = 0
    for docnum in range(0, len(cols.para), 97):
        text = searcher.stored_fields(docnum).get("text", "")
        terms = searcher.key_terms_from_text("text", text, numterms=15)
        if not terms:
            continue
        pairs = pairs_of(text, snapshot.settings)
        like = wq.Or([wq.Term("text", t, boost=w) for t, w in terms]
                     + [wq.Phrase("text", list(p), slop=SLOP, boost=boost) for p in pairs])
        # the same request as whoosh and as the plain tree the executor runs
        own = np.flatnonzero(np.asarray(cols.article) == cols.article[docnum])
        reference = {d: s for s, d in collect(searcher, like) if d not in set(own.tolist())}
        found = related_scores(snapshot.engine, snapshot.settings, terms, pairs,
                               own.astype(np.int32), 40,
                               lambda d: searcher.stored_fields(d).get("text", ""))
        assert found.scores is not None
        best = np.lexsort((found.docs, -np.round(found.scores, 9)))[:40]
        expected = sorted(reference.items(), key=lambda item: (-round(item[1], 9), item[0]))
        assert [round(s, 9) for s in found.scores[best].tolist()] == \
            [round(s, 9) for _, s in expected[:40]]
        compared += 1
    live.close()
    assert compared > 20


def test_article_scores_are_whoosh_bm25_on_the_whole_article(tmp_path: Path):
    """The whoosh engine's figures (the contract suite asserts no engine's scores)."""
    from searchsvc.archive import open_archive

    index.build(tmp_path / "ix", SEEDS, engine="whoosh")
    with open_archive(tmp_path / "ix") as archive:
        response = archive.search(SearchRequest(q="Soleimani"))
    assert [h.score for h in response.hits] == [0.6681, 0.6526, 0.5546, 0.2421]

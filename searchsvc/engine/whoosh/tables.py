"""The index as numpy arrays: per-document columns and per-term postings.

whoosh reads postings and columns one Python object at a time, which made matching and
facet counting cost about 10 µs per matching paragraph (docs/performance.md). So once a
build is committed, its postings are copied into flat arrays, one set per searchable field
(the layout of a compressed sparse row matrix: the documents of term ``i`` are
``docs[start[i]:start[i + 1]]``), and the per-paragraph values that facets, filters and
grouping read become integer columns. A server memory-maps them (``np.load(mmap_mode="r")``),
so every worker process shares one copy through the page cache.

Layout, in ``<build>/tables`` (paragraphs) and ``<build>/articles/tables`` (articles)::

    <field>.terms.bin / .terms.off.npy   the field's words, UTF-8, sorted (offsets into .bin)
    <field>.start.npy                    int64, where each word's postings start
    <field>.docs.npy / .tf.npy           int32 document numbers, float32 term frequencies
    <field>.df.npy                       int32 document frequency of each word
    <field>.lengths.npy                  float32 per document: its length in the field as
                                         whoosh stores it (one byte, approximate), so scores
                                         equal whoosh's own
    stats.json                           document count and each field's total length
    (paragraphs only) article.npy, para.npy, source.npy, day.npy   int32 per document
    (paragraphs only) keys.json          article ids, source keys and days the codes index
    (articles only) article.npy          int32 per article document: its code in keys.json
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...fields import UNDATED

TABLES = "tables"
FIELDS = ("title", "title_exact", "text", "exact")


# ---------------------------------------------------------------- writing


def _leaf_postings(reader, fieldname: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of one word: whole blocks at a time where whoosh's codec
    allows (a block is 128 postings), else posting by posting."""
    matcher = reader.postings(fieldname, term)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if type(matcher).__name__ == "W3LeafMatcher" and not getattr(matcher, "_byteids", False):
        while matcher.is_active():
            matcher._read_data()
            data = matcher._data
            ids.append(np.cumsum(np.asarray(data[0], dtype=np.int64)))  # delta-coded
            count = len(ids[-1])
            raw = data[1]
            if raw is None:
                weights.append(np.ones(count, dtype=np.float32))
            elif isinstance(raw, float):
                weights.append(np.full(count, raw, dtype=np.float32))
            else:
                weights.append(np.asarray(raw, dtype=np.float32))
            matcher._next_block()
    else:  # another codec or a wrapped matcher: the slow, general way
        found, tf = [], []
        while matcher.is_active():
            found.append(matcher.id())
            tf.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(found, dtype=np.int64))
        weights.append(np.asarray(tf, dtype=np.float32))
    return np.concatenate(ids), np.concatenate(weights)


def _write_field(reader, fieldname: str, out: Path) -> None:
    leaves = reader.leaf_readers()
    doc_count = reader.doc_count_all()
    postings: defaultdict[bytes, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
    for leaf, base in leaves:
        if fieldname not in leaf.schema:
            continue
        for term in leaf.lexicon(fieldname):
            docs, tf = _leaf_postings(leaf, fieldname, term)
            postings[term].append((docs + base, tf))
    terms = sorted(postings)
    start = np.zeros(len(terms) + 1, dtype=np.int64)
    doc_parts, tf_parts = [], []
    for row, term in enumerate(terms):
        parts = postings[term]
        docs = np.concatenate([p[0] for p in parts])
        doc_parts.append(docs.astype(np.int32))
        tf_parts.append(np.concatenate([p[1] for p in parts]))
        start[row + 1] = start[row] + len(docs)
    empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0, np.float32)
    np.save(out / f"{fieldname}.docs.npy", np.concatenate(doc_parts) if doc_parts else empty_i)
    np.save(out / f"{fieldname}.tf.npy", np.concatenate(tf_parts) if tf_parts else empty_f)
    np.save(out / f"{fieldname}.start.npy", start)
    np.save(out / f"{fieldname}.df.npy",
            np.asarray([reader.doc_frequency(fieldname, t) for t in terms], dtype=np.int32))
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(t) for t in terms])
    (out / f"{fieldname}.terms.bin").write_bytes(b"".join(terms))
    np.save(out / f"{fieldname}.terms.off.npy", offsets)
    lengths = np.zeros(doc_count, dtype=np.float32)
    for leaf, base in leaves:
        if fieldname not in leaf.schema or not leaf.schema[fieldname].scorable:
            continue
        fast = getattr(getattr(leaf, "_perdoc", None), "doc_field_length_reader", None)
        length_of = fast(fieldname, 0) if fast else (
            lambda d, leaf=leaf: leaf.doc_field_length(d, fieldname, 0))
        lengths[base:base + leaf.doc_count_all()] = [
            length_of(d) or 0 for d in range(leaf.doc_count_all())]
    np.save(out / f"{fieldname}.lengths.npy", lengths)


def write_tables(ix, out: Path, columns: bool) -> None:
    """Copy a committed whoosh index's postings (and, for the paragraph index with
    ``columns``, its per-paragraph columns) into ``out``."""
    out.mkdir(exist_ok=True)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stats = {"doc_count_all": reader.doc_count_all(),
                 "field_length": {name: reader.field_length(name) for name in FIELDS
                                  if name in reader.schema}}
        for name in FIELDS:
            if name in reader.schema:
                _write_field(reader, name, out)
        if columns:
            _write_columns(reader, out)
        else:
            ids = [fields["article_id"] for fields in reader.all_stored_fields()]
            (out / "article_ids.json").write_text(json.dumps(ids, ensure_ascii=False),
                                                  encoding="utf-8")
    (out / "stats.json").write_text(json.dumps(stats), encoding="utf-8")


def _write_columns(reader, out: Path) -> None:
    values = {name: list(reader.column_reader(name))
              for name in ("article_id", "para", "source", "day")}
    keys = {"article": sorted(set(values["article_id"])),
            "source": sorted(set(values["source"])),
            "day": sorted(set(values["day"]))}  # "undated" sorts after every ISO date
    for name, column in (("article", "article_id"), ("source", "source"), ("day", "day")):
        code = {value: number for number, value in enumerate(keys[name])}
        np.save(out / f"{name}.npy",
                np.asarray([code[v] for v in values[column]], dtype=np.int32))
    np.save(out / "para.npy", np.asarray(values["para"], dtype=np.int32))
    (out / "keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- reading


class _Words:
    """A field's sorted words, found by binary search over one bytes blob (no Python
    object per word until asked)."""

    def __init__(self, blob: bytes, offsets: np.ndarray):
        self.blob = blob
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> bytes:
        return self.blob[int(self.offsets[row]):int(self.offsets[row + 1])]

    def find(self, word: bytes) -> int:
        """The word's row, or -1."""
        row = bisect_left(self, word)
        return row if row < len(self) and self[row] == word else -1


@dataclass(frozen=True)
class FieldPostings:
    words: _Words
    start: np.ndarray
    docs: np.ndarray
    tf: np.ndarray
    df: np.ndarray
    lengths: np.ndarray
    average_length: float

    def row(self, word: str) -> int:
        return self.words.find(word.encode("utf-8"))

    def postings(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        begin, end = int(self.start[row]), int(self.start[row + 1])
        return self.docs[begin:end], self.tf[begin:end]


@dataclass(frozen=True)
class Tables:
    """One index's arrays (memory-mapped, read-only)."""

    doc_count_all: int
    fields: dict[str, FieldPostings]

    def doc_frequency(self, fieldname: str, word: str) -> int:
        postings = self.fields.get(fieldname)
        if postings is None:
            return 0
        row = postings.row(word)
        return int(postings.df[row]) if row >= 0 else 0


def _load(path: Path) -> np.ndarray:
    return np.load(path, mmap_mode="r", allow_pickle=False)


def read_tables(folder: Path) -> Tables:
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    count = stats["doc_count_all"]
    fields = {}
    for name, total in stats["field_length"].items():
        fields[name] = FieldPostings(
            words=_Words((folder / f"{name}.terms.bin").read_bytes(),
                         _load(folder / f"{name}.terms.off.npy")),
            start=_load(folder / f"{name}.start.npy"),
            docs=_load(folder / f"{name}.docs.npy"),
            tf=_load(folder / f"{name}.tf.npy"),
            df=_load(folder / f"{name}.df.npy"),
            lengths=_load(folder / f"{name}.lengths.npy"),
            average_length=(total / count if count else 0.0) or 1.0,
        )
    return Tables(count, fields)


@dataclass(frozen=True)
class Columns:
    """Per-paragraph integer codes, and the values they stand for."""

    article: np.ndarray  # code into article_ids (sorted, so code order is id order)
    para: np.ndarray
    source: np.ndarray  # code into source_keys
    day: np.ndarray  # code into days (sorted: code order is date order, undated last)
    article_ids: list[str]
    source_keys: list[str]
    days: list[str]
    _periods: dict = field(default_factory=dict, compare=False, repr=False)

    def periods(self, width: int) -> tuple[list[str], np.ndarray]:
        """Labels of days (``width`` 10) or months (7), oldest first and undated last, and
        the label code of each day code."""
        if width not in self._periods:
            def label(day: str) -> str:
                return day[:width] if day != UNDATED else UNDATED
            labels = sorted({label(day) for day in self.days},
                            key=lambda v: (v == UNDATED, v))
            code_of = {value: code for code, value in enumerate(labels)}
            self._periods[width] = (labels, np.asarray([code_of[label(day)] for day in self.days],
                                                       dtype=np.int32))
        return self._periods[width]


def read_columns(folder: Path) -> Columns:
    keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
    return Columns(_load(folder / "article.npy"), _load(folder / "para.npy"),
                   _load(folder / "source.npy"), _load(folder / "day.npy"),
                   keys["article"], keys["source"], keys["day"])


def read_article_ids(folder: Path) -> list[str]:
    return json.loads((folder / "article_ids.json").read_text(encoding="utf-8"))

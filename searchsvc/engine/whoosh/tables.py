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

import io
import json
import pickle
import struct
import zlib
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..postings import Columns

TABLES = "tables"
FIELDS = ("title", "title_exact", "text", "exact")


# ---------------------------------------------------------------- writing


_BLOCKS_MAGIC = b"W3Bl"  # whoosh3's postings header (codec/whoosh3.py)
_BLOCK_LENGTH = struct.Struct("!i")


def _weights(raw, count: int) -> np.ndarray:
    if raw is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(raw, float):
        return np.full(count, raw, dtype=np.float32)
    return np.asarray(raw, dtype=np.float32)


def _decode_blocks(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One word's postings as whoosh3 writes them (``W3PostingsWriter``): a header, then
    blocks of up to 128 postings, each ``length`` (negative for the last block), a pickled
    info tuple and the (compressed) pickled ids, weights and values. Read here in one go:
    through whoosh's matcher each block costs several seeks and reads of the compound file,
    which made copying the postings take a third of a build."""
    if raw[:4] != _BLOCKS_MAGIC:
        raise ValueError(f"not a whoosh3 postings list (starts {raw[:4]!r})")
    stream = io.BytesIO(raw)
    position = 4
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(raw, position)
        position += _BLOCK_LENGTH.size
        end = position + abs(length)
        stream.seek(position)
        info = pickle.load(stream)  # noqa: S301 - the index this build just wrote
        compression = info[3]
        data = raw[stream.tell():end]
        block = pickle.loads(zlib.decompress(data) if compression else data)  # noqa: S301
        ids.append(np.cumsum(np.asarray(block[0], dtype=np.int64)))  # delta-coded
        weights.append(_weights(block[1], len(ids[-1])))
        position = end
        if length < 0:
            return np.concatenate(ids), np.concatenate(weights)


def _leaf_fields(leaf, wanted: set[str]):
    """(field, word, docs, term frequencies, doc frequency) of one segment, in its order."""
    terms = leaf._terms  # whoosh3's W3TermsReader: the term table, read sequentially
    for (fieldname, word), info in terms.items():
        if fieldname not in wanted:
            continue
        if info.is_inlined():
            found, tf, _values = info.inlined_postings()
            docs, freqs = np.asarray(found, np.int64), _weights(tf, len(found))
        else:
            offset, length = info.extent()
            if isinstance(length, tuple):  # whoosh3 3.54 unpacks it as a 1-tuple
                (length,) = length
            docs, freqs = _decode_blocks(terms._postfile.get(offset, length))
        yield fieldname, word, docs, freqs, info.doc_frequency()


def _write_fields(reader, out: Path) -> None:
    wanted = {name for name in FIELDS if name in reader.schema}
    leaves = reader.leaf_readers()
    doc_count = reader.doc_count_all()
    postings: dict[str, defaultdict[bytes, list]] = {name: defaultdict(list) for name in wanted}
    frequency: dict[str, defaultdict[bytes, int]] = {name: defaultdict(int) for name in wanted}
    for leaf, base in leaves:
        for fieldname, word, docs, tf, df in _leaf_fields(leaf, wanted):
            postings[fieldname][word].append((docs + base, tf))
            frequency[fieldname][word] += df
    for fieldname in wanted:
        _write_field(out, fieldname, postings.pop(fieldname), frequency[fieldname])
        lengths = np.zeros(doc_count, dtype=np.float32)
        for leaf, base in leaves:
            if not leaf.schema[fieldname].scorable:
                continue
            fast = getattr(getattr(leaf, "_perdoc", None), "doc_field_length_reader", None)
            length_of = fast(fieldname, 0) if fast else (
                lambda d, leaf=leaf, name=fieldname: leaf.doc_field_length(d, name, 0))
            lengths[base:base + leaf.doc_count_all()] = [
                length_of(d) or 0 for d in range(leaf.doc_count_all())]
        np.save(out / f"{fieldname}.lengths.npy", lengths)


def _write_field(out: Path, fieldname: str, postings: dict[bytes, list],
                 frequency: dict[bytes, int]) -> None:
    terms = sorted(postings)
    start = np.zeros(len(terms) + 1, dtype=np.int64)
    doc_parts, tf_parts = [], []
    for row, term in enumerate(terms):
        parts = postings[term]
        docs = np.concatenate([p[0] for p in parts]) if len(parts) > 1 else parts[0][0]
        doc_parts.append(docs.astype(np.int32))
        tf_parts.append(np.concatenate([p[1] for p in parts]) if len(parts) > 1 else parts[0][1])
        start[row + 1] = start[row] + len(docs)
    empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0, np.float32)
    np.save(out / f"{fieldname}.docs.npy", np.concatenate(doc_parts) if doc_parts else empty_i)
    np.save(out / f"{fieldname}.tf.npy", np.concatenate(tf_parts) if tf_parts else empty_f)
    np.save(out / f"{fieldname}.start.npy", start)
    np.save(out / f"{fieldname}.df.npy",
            np.asarray([frequency[t] for t in terms], dtype=np.int32))
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(t) for t in terms])
    (out / f"{fieldname}.terms.bin").write_bytes(b"".join(terms))
    np.save(out / f"{fieldname}.terms.off.npy", offsets)


def write_tables(ix, out: Path, columns: bool) -> None:
    """Copy a committed whoosh index's postings (and, for the paragraph index with
    ``columns``, its per-paragraph columns) into ``out``."""
    out.mkdir(exist_ok=True)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stats = {"doc_count_all": reader.doc_count_all(),
                 "field_length": {name: reader.field_length(name) for name in FIELDS
                                  if name in reader.schema}}
        _write_fields(reader, out)
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


def read_columns(folder: Path) -> Columns:
    keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
    return Columns(_load(folder / "article.npy"), _load(folder / "para.npy"),
                   _load(folder / "source.npy"), _load(folder / "day.npy"),
                   keys["article"], keys["source"], keys["day"])


def read_article_ids(folder: Path) -> list[str]:
    return json.loads((folder / "article_ids.json").read_text(encoding="utf-8"))

"""The names each article mentions, written once at build time for the names facet.

Two kinds of evidence, one field of several values per article each (the catalog facets'
arrays, :func:`.catalog.write_values`)::

    names.json                 {"name": ["Baghdad", …], "person": […], "org": […],
                                "place": […]}  labels, by value code
    names.<kind>.offsets.npy   int64 per article code + 1
    names.<kind>.codes.npy     int32: the value codes, article after article

- ``name``: the words of the name-variant table (capitalised inside a sentence in most of
  the paragraphs that hold them, :mod:`searchsvc.variants`) that the article holds anywhere,
  title included (also where a sentence starts with one), from the engine's per-article
  words. Month and weekday names are left out: they are capitalised but name no one.
- ``person``, ``org``, ``place``: the catalog's ``people``, ``orgs`` and ``places`` columns
  (``;``-separated), where a catalog has them, whether or not they are ``--facet`` facets.

At search time the facet is a ``bincount`` over these codes for the matching articles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..analysis import fold
from ..corpus import Article
from ..engine.postings import ArticleWords
from ..filters import values_of
from ..names import CATALOG_COLUMNS, KINDS
from .catalog import CatalogFacet, read_values, write_values

FILE = "names.json"
_CALENDAR = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday"))
_CAPITALISED = re.compile(r"\b[A-Z][^\W\d_]*[a-z][^\W\d_]*")


class NameRecord:
    """What the build keeps of each article for the names facet: its catalog names and how
    each name is spelled (the first capitalised spelling met labels it: "McRaven")."""

    def __init__(self) -> None:
        self.catalog: dict[str, dict[str, list[str]]] = {}  # article id -> kind -> values
        self.spelling: dict[str, str] = {}  # folded word -> as written

    def add(self, article: Article) -> None:
        found = {kind: values for kind, column in CATALOG_COLUMNS.items()
                 if (values := values_of(article.extra.get(column)))}
        if found:
            self.catalog[article.id] = found
        for text in (article.title, *article.paragraphs):
            for word in _CAPITALISED.findall(text):
                self.spelling.setdefault(fold(word), word)


def write_names(folder: Path, record: NameRecord, article_ids: list[str],
                words: ArticleWords, names: Iterable[str]) -> None:
    """The per-article arrays of every kind, and their labels, into ``folder``."""
    code_of = {article: code for code, article in enumerate(article_ids)}
    mentions: dict[str, list[str]] = {article: [] for article in article_ids}
    position = {word: i for i, word in enumerate(words.text.words)}
    start, docs = words.text.start, np.asarray(words.text.docs)
    for name in names:
        i = position.get(name)
        if i is None or name in _CALENDAR:
            continue
        label = record.spelling.get(name, name.capitalize())
        for docnum in docs[start[i]:start[i + 1]].tolist():
            article = words.ids[docnum]
            if article in code_of:
                mentions[article].append(label)
    labels = {"name": write_values(folder, "names.name", article_ids, mentions)}
    for kind in CATALOG_COLUMNS:
        labels[kind] = write_values(
            folder, f"names.{kind}", article_ids,
            {article: record.catalog.get(article, {}).get(kind, []) for article in article_ids})
    (folder / FILE).write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")


def read_names(folder: Path) -> dict[str, CatalogFacet]:
    """Kind -> its per-article values (memory-mapped), in :data:`KINDS` order."""
    labels = json.loads((folder / FILE).read_text(encoding="utf-8"))
    return {kind: read_values(folder, f"names.{kind}", kind, labels[kind])
            for kind in KINDS if kind in labels}

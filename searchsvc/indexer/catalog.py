"""Facets from the catalog: columns such as Reuters' topics or places, chosen at build time
(``searchsvc index --facet topics``), as arrays per article.

A cell may hold several values separated by ``;``. Per facet, in ``tables/``::

    catalog.json                 {"topics": ["Cocoa", "Coffee", …]}  labels, by value code
    catalog.<name>.offsets.npy   int64 per article code + 1: where its values start
    catalog.<name>.codes.npy     int32: the value codes, article after article

Values are matched folded (``Cocoa`` = ``cocoa``); a value's label is its first spelling.
Filters are masks over article codes; counts are ``np.bincount`` over the value codes of
the matching articles (no Python object per match).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import BuildError
from ..filters import value_key

CATALOG = "catalog.json"
# Parameters a facet name would shadow (the search's own, and the API's).
RESERVED = frozenset(("q", "source", "from", "to", "sort", "group", "page", "per_page",
                      "fuzzy", "strict", "collapse", "format", "limit", "month", "day",
                      "date", "title", "text", "id", "rows", "name"))
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def check_names(names: Iterable[str]) -> tuple[str, ...]:
    """The facet names, each a lower-case word not already a parameter (BuildError if not)."""
    checked: list[str] = []
    for name in names:
        if not _NAME.match(name):
            raise BuildError(f"--facet {name!r}: a facet is a catalog column named in lower"
                             " case letters, digits and _ (at most 40)")
        if name in RESERVED:
            raise BuildError(f"--facet {name!r}: that name is a search parameter already;"
                             " rename the catalog column")
        if name not in checked:
            checked.append(name)
    return tuple(checked)


def write_catalog(folder: Path, article_ids: list[str], names: tuple[str, ...],
                  values: Mapping[str, Mapping[str, list[str]]]) -> None:
    """``values``: article id -> facet name -> its values."""
    labels = {name: write_values(folder, f"catalog.{name}", article_ids,
                                 {article_id: values.get(article_id, {}).get(name, [])
                                  for article_id in article_ids})
              for name in names}
    (folder / CATALOG).write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")


def write_values(folder: Path, stem: str, article_ids: list[str],
                 values: Mapping[str, Iterable[str]]) -> list[str]:
    """One field of several values per article as ``<stem>.offsets.npy`` and
    ``<stem>.codes.npy``; ``values``: article id -> its values. Returns the labels, by
    value code (sorted by their folded form; a value's label is its first spelling)."""
    label_of: dict[str, str] = {}
    for article_id in article_ids:
        for value in values.get(article_id, ()):
            label_of.setdefault(value_key(value), value)
    keys = sorted(label_of, key=lambda key: (label_of[key].casefold(), key))
    code_of = {key: code for code, key in enumerate(keys)}
    offsets = np.zeros(len(article_ids) + 1, dtype=np.int64)
    codes: list[int] = []
    for position, article_id in enumerate(article_ids):
        codes.extend(sorted({code_of[value_key(v)] for v in values.get(article_id, ())}))
        offsets[position + 1] = len(codes)
    np.save(folder / f"{stem}.offsets.npy", offsets)
    np.save(folder / f"{stem}.codes.npy", np.asarray(codes, dtype=np.int32))
    return [label_of[key] for key in keys]


@dataclass(frozen=True)
class CatalogFacet:
    name: str
    labels: list[str]  # by value code
    offsets: np.ndarray  # article code -> start in codes (and one past the last)
    codes: np.ndarray  # value codes, article after article
    _owner: list[np.ndarray] = field(default_factory=list, compare=False, repr=False)
    _keys: list[list[str]] = field(default_factory=list, compare=False, repr=False)

    @property
    def keys(self) -> list[str]:
        """The labels folded, by value code (made on first use: the names facet has tens of
        thousands, and a filter reads them on every search)."""
        if not self._keys:
            self._keys.append([value_key(label) for label in self.labels])
        return self._keys[0]

    @property
    def owner(self) -> np.ndarray:
        """The article code of each entry of ``codes`` (made on first use)."""
        if not self._owner:
            self._owner.append(np.repeat(np.arange(len(self.offsets) - 1, dtype=np.int32),
                                         np.diff(self.offsets)))
        return self._owner[0]

    def mask(self, keys: Iterable[str]) -> np.ndarray:
        """Per article code: whether it has any of the values ``keys`` (folded)."""
        wanted = set(keys)
        chosen = np.asarray([key in wanted for key in self.keys], dtype=bool)
        articles = np.zeros(len(self.offsets) - 1, dtype=bool)
        if len(self.codes):
            articles[self.owner[chosen[self.codes]]] = True
        return articles

    def counts(self, articles: np.ndarray, paragraphs_per_article: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Per value code: matching paragraphs and matching articles among ``articles``
        (article codes), given how many matching paragraphs each article has."""
        size = len(self.labels)
        if not len(self.codes):
            return np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
        inside = np.zeros(len(self.offsets) - 1, dtype=bool)
        inside[articles] = True
        mine = inside[self.owner]
        codes = self.codes[mine]
        return (np.bincount(codes, weights=paragraphs_per_article[self.owner[mine]],
                            minlength=size).astype(np.int64),
                np.bincount(codes, minlength=size))

    def values_of(self, article: int) -> list[str]:
        return [self.labels[c] for c in self.codes[self.offsets[article]:
                                                   self.offsets[article + 1]].tolist()]


def read_catalog(folder: Path) -> dict[str, CatalogFacet]:
    path = folder / CATALOG
    if not path.exists():
        return {}
    labels = json.loads(path.read_text(encoding="utf-8"))
    return {name: read_values(folder, f"catalog.{name}", name, values)
            for name, values in labels.items()}


def read_values(folder: Path, stem: str, name: str, labels: list[str]) -> CatalogFacet:
    """What :func:`write_values` wrote, memory-mapped."""
    return CatalogFacet(name, labels, np.load(folder / f"{stem}.offsets.npy", mmap_mode="r"),
                        np.load(folder / f"{stem}.codes.npy", mmap_mode="r"))

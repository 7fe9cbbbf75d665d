"""The index a server answers from: one searcher kept open, reopened when a build switches.

Each request takes a :class:`Snapshot` and uses it throughout, so a switch in the middle
of a request never mixes two indexes. The previous searcher stays open until the switch
after next, because a request may still be using it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from ...errors import IndexProblem, Unavailable
from ...settings import Settings
from .index import ARTICLES, IndexOutdated, live_path, read_meta
from .scoring import weighting

COLUMNS = ("pid", "article_id", "para", "source", "day")


@dataclass(frozen=True)
class Snapshot:
    searcher: Searcher  # the paragraph index
    meta: dict
    path: Path
    columns: dict[str, list]  # per-document values, read once: facets and grouping use them
    articles: Searcher  # the article index, for ranking articles
    article_docnums: dict[str, int]  # article id -> its docnum in ``articles``
    article_ids: list[str]  # docnum in ``articles`` -> article id
    settings: Settings

    def close(self) -> None:
        self.searcher.close()
        self.articles.close()


def open_snapshot(path: Path, settings: Settings) -> Snapshot:
    """Open one build folder for searching (raises :class:`Unavailable` when unreadable)."""
    try:
        meta = read_meta(path)
        searcher = whoosh_index.open_dir(str(path)).searcher(weighting=weighting(settings))
        reader = searcher.reader()
        columns = {name: list(reader.column_reader(name)) for name in COLUMNS[1:]}
        columns["pid"] = [fields["pid"] for fields in reader.all_stored_fields()]
        articles = whoosh_index.open_dir(str(path / ARTICLES)).searcher(
            weighting=weighting(settings))
        article_ids = [fields["article_id"] for fields in articles.reader().all_stored_fields()]
        article_docnums = {article: docnum for docnum, article in enumerate(article_ids)}
    except IndexOutdated as error:
        raise Unavailable("index_outdated", str(error)) from None
    except IndexProblem as error:
        raise Unavailable("index_corrupt", str(error)) from None
    except Exception as error:  # noqa: BLE001 - whoosh raises many kinds on a bad index
        raise Unavailable(
            "index_corrupt",
            f"the index in {path} cannot be read ({type(error).__name__}: {error}); rebuild it",
        ) from None
    return Snapshot(searcher, meta, Path(path), columns, articles, article_docnums, article_ids,
                    settings)


class LiveIndex:
    def __init__(self, root: Path, settings: Settings):
        self.root = Path(root)
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current index; opens (or reopens after a switch) as needed."""
        path = live_path(self.root)
        if path is None:
            raise Unavailable(
                "index_missing",
                f"no index in {self.root}; build one with `searchsvc index`",
            )
        current = self._snapshot
        if current is not None and current.path == path:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.path != path:
                self._open(path)
            assert self._snapshot is not None
            return self._snapshot

    def _open(self, path: Path) -> None:
        snapshot = open_snapshot(path, self.settings)
        if self._retired is not None:
            self._retired.close()
        self._retired, self._snapshot = self._snapshot, snapshot

    def close(self) -> None:
        for snap in (self._snapshot, self._retired):
            if snap is not None:
                snap.close()
        self._snapshot = self._retired = None

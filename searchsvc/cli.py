"""The ``searchsvc`` command: ``index``, ``search`` and ``serve``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, config


def _progress(total_hint: int | None):
    """A tqdm bar on a terminal, a log line every 1,000 articles otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total_hint, unit="article", file=sys.stderr)
        return bar.update, bar.close
    count = 0

    def tick(_: int = 1) -> None:
        nonlocal count
        count += 1
        if count % 1000 == 0:
            print(f"… {count} articles", file=sys.stderr, flush=True)

    return tick, lambda: None


def cmd_index(args: argparse.Namespace) -> int:
    from .index import IndexError_, build

    corpus = None if args.jsonl and args.corpus is None else Path(args.corpus or config.DEFAULT_CORPUS)
    root = config.index_dir(args.index)
    total = sum(1 for _ in corpus.rglob("*.txt")) if corpus and corpus.is_dir() else None
    tick, close = _progress(total)

    def warn(problem) -> None:
        print(f"warning: {problem}", file=sys.stderr, flush=True)

    try:
        summary = build(
            root,
            corpus,
            Path(args.jsonl) if args.jsonl else None,
            update=args.update,
            on_article=lambda _article: tick(1),
            on_problem=warn,
            workers=args.workers,
        )
    except IndexError_ as error:
        close()
        print(f"error: {error}", file=sys.stderr)
        return 2
    close()
    for line in summary.lines():
        print(line)
    if args.strict and summary.problems:
        print(f"error: --strict and {len(summary.problems)} warnings", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="searchsvc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"searchsvc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="build or update the index from a corpus")
    index.add_argument("--corpus", metavar="DIR",
                       help=f"corpus folder of .txt articles (default: {config.DEFAULT_CORPUS})")
    index.add_argument("--jsonl", metavar="FILE",
                       help="also (or, without --corpus, only) read articles from JSON Lines")
    index.add_argument("--index", metavar="DIR",
                       help=f"index folder (default: ${config.INDEX_ENV} or {config.DEFAULT_INDEX})")
    index.add_argument("--update", action="store_true",
                       help="re-index only articles added, changed or removed since the last build")
    index.add_argument("--strict", action="store_true", help="exit 1 if anything was skipped")
    index.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                       help="processes reading files for a large corpus (default: all cores)")
    index.set_defaults(handler=cmd_index)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

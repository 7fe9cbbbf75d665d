"""The ``searchsvc`` command: ``index``, ``status``, ``search``, ``batch``, ``attention``,
``check``, ``serve`` and ``keys``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, settings
from .admin_cli import add_admin_commands, loopback, open_index
from .admin_cli import tuning as env_tuning
from .models import count
from .public_url import PublicURLError, listen_url, parse_public_url

if TYPE_CHECKING:
    pass


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
    from .archive import open_archive
    from .errors import IndexProblem, StrictBuildError

    if args.status:
        return cmd_status(args)
    corpus = (None if args.jsonl and args.corpus is None
              else settings.corpus_dir(args.corpus))
    root = settings.index_dir(args.index)
    engine = open_archive(root, env_tuning())
    if args.if_needed and engine.is_usable():
        print(f"{root} has a usable index; nothing to do (without --if-needed it is rebuilt)")
        return 0
    if corpus is not None and not corpus.is_dir():
        print(f"error: corpus folder {corpus} does not exist; pass --corpus DIR or set"
              f" {settings.CORPUS_ENV}", file=sys.stderr)
        return 2
    total = sum(1 for _ in corpus.rglob("*.txt")) if corpus and corpus.is_dir() else None
    tick, close = _progress(total)

    def warn(problem) -> None:
        print(f"warning: {problem}", file=sys.stderr, flush=True)

    try:
        summary = engine.build(
            corpus,
            Path(args.jsonl) if args.jsonl else None,
            update=args.update,
            on_article=lambda _article: tick(1),
            on_problem=warn,
            workers=args.workers,
            strict=args.strict,
            facets=tuple(args.facet) if args.facet else None,
        )
    except StrictBuildError as error:
        close()
        print(f"skipped or repaired: {len(error.problems)}")
        for line in error.problems:
            print(f"  {line}")
        print(f"error: {error}", file=sys.stderr)
        return 1
    except IndexProblem as error:
        close()
        print(f"error: {error}", file=sys.stderr)
        return 2
    close()
    for line in summary.lines():
        print(line)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .archive import open_archive
    from .status_text import print_status

    root = settings.index_dir(args.index)
    return print_status(open_archive(root, env_tuning()).status(), args.json)


def _terminal_marks(html_text: str, colour: bool) -> str:
    """A snippet's HTML for a terminal: marks in bold yellow (or [brackets] when piped)."""
    import html as html_module

    start, end = ("\033[1;33m", "\033[0m") if colour else ("[", "]")
    return html_module.unescape(html_text.replace("<mark>", start).replace("</mark>", end))


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from .errors import SearchError
    from .params import search_request

    try:
        engine = open_index(args.index)
        request = search_request({
            "q": args.query, "source": args.source, "from": args.date_from, "to": args.date_to,
            "sort": args.sort, "per_page": str(args.limit), "fuzzy": str(not args.exact),
            "strict": str(args.strict), "name": args.name,
        }, engine.settings)
        response = engine.search(request)
    except SearchError as error:
        if args.json:
            print(json.dumps(error.to_dict()))
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(response.to_dict(), ensure_ascii=False, indent=2))
        return 0
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(f"{count(response.total_articles, 'article')},"
          f" {count(response.total_paragraphs, 'paragraph')}"
          f" for {response.understood or '(everything)'} ({response.took_ms:.0f} ms)")
    if response.suggestion:
        print(f"did you mean: {response.suggestion.q}")
    for rank, hit in enumerate(response.hits, start=1):
        title = hit.title or "(untitled)"
        print(f"\n{rank}. {title}\n   {hit.source} · {hit.date or 'undated'} · {hit.article_id}"
              f" · {hit.matched_paragraphs} matching paragraph"
              + ("s" if hit.matched_paragraphs != 1 else ""))
        for paragraph in hit.paragraphs:
            if paragraph.number == 0:  # the index entry of an article that is a title only
                print("   (the title matched; this article has no body text)")
                continue
            print(f"   ¶{paragraph.number}: {_terminal_marks(paragraph.snippet, colour)}")
    if response.names:  # last: the hits' lines stay where scripts expect them
        print("\nnames: " + ", ".join(f"{b.name} ({b.articles})" for b in response.names[:10]))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch.command import run_batch

    engine = open_index(args.index)
    if not sys.stderr.isatty():
        return run_batch(engine, args.file, args.format, not args.exact, args.input,
                         args.link_root, sys.stdout)
    from tqdm import tqdm

    with tqdm(unit="query", file=sys.stderr, leave=False) as bar:
        return run_batch(engine, args.file, args.format, not args.exact, args.input,
                         args.link_root, sys.stdout, bar.update)


def cmd_serve(args: argparse.Namespace) -> int:
    from .archive import open_archive
    from .server import serve

    root = settings.index_dir(args.index)
    tuning = env_tuning()
    try:
        public = parse_public_url(args.public_url or tuning.public_url
                                  or listen_url(args.host, args.port),
                                  tuple(args.host_alias) + _aliases(tuning.host_aliases))
    except PublicURLError as problem:
        print(f"searchsvc serve: {problem}", file=sys.stderr)
        return 2
    tuning = replace(tuning, public_url=public.base,
                     host_aliases=",".join(sorted(public.hosts)))
    if not loopback(args.host) and not args.public:
        from .keys import read_keys

        try:
            private = read_keys(root).enabled
        except (OSError, ValueError) as problem:
            print(f"searchsvc serve: cannot read the keys file in {root}: {problem}",
                  file=sys.stderr)
            return 2
        if not private:
            print(f"searchsvc serve: --host {args.host} lets other machines in, and this"
                  " archive has no access keys: add one (`searchsvc keys add NAME`) or pass"
                  " --public to serve it to anyone who can reach the port", file=sys.stderr)
            return 2
    if not open_archive(root, tuning).is_usable():
        print(f"warning: no usable index in {root} yet; the API answers 503 until `searchsvc"
              f" index` builds one (or pass --index DIR or set {settings.INDEX_ENV})",
              file=sys.stderr)
    print(f"searchsvc {__version__} serving {root} on {args.host}:{args.port}"
          f" ({args.workers} processes × {args.threads} threads); links point at"
          f" {public.base}/", flush=True)
    serve(root.resolve(), tuning, args.host, args.port, args.workers, args.threads)
    return 0


def _aliases(listed: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in listed.split(",") if name.strip())


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .server import default_workers

    parser = argparse.ArgumentParser(prog="searchsvc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"searchsvc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="build or update the index from a corpus")
    index.add_argument("--corpus", metavar="DIR",
                       help=f"corpus folder of .txt articles (default: ${settings.CORPUS_ENV}"
                            f" or ./{settings.DEFAULT_CORPUS})")
    index.add_argument("--jsonl", metavar="FILE",
                       help="also (or, without --corpus, only) read articles from JSON Lines")
    index.add_argument("--index", metavar="DIR",
                       help=f"index folder (default: ${settings.INDEX_ENV}"
                            f" or ./{settings.DEFAULT_INDEX})")
    index.add_argument("--update", action="store_true",
                       help="re-index only articles added, changed or removed since the last build")
    index.add_argument("--if-needed", action="store_true",
                       help="build only if there is no index this version can read"
                            " (none yet, or one built by an older searchsvc)")
    index.add_argument("--strict", action="store_true",
                       help="fail (exit 1, live index unchanged) if anything was skipped")
    index.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                       help="processes reading files for a large corpus (default: all cores)")
    index.add_argument("--facet", action="append", metavar="COLUMN",
                       help="offer this catalog column (or JSON Lines field) as a facet and"
                            " filter, values separated by ';' (repeatable; default: the"
                            " live index's facets)")
    index.add_argument("--status", action="store_true",
                       help="build nothing: print the last build's report (as `searchsvc"
                            " status`)")
    index.set_defaults(handler=cmd_index, json=False)

    status = commands.add_parser("status", help="the last build's report and any running"
                                                " build's progress")
    status.add_argument("--index", metavar="DIR", help="index folder")
    status.add_argument("--json", action="store_true", help="print the API's JSON")
    status.set_defaults(handler=cmd_status)

    find = commands.add_parser("search", help="search the index from the command line")
    find.add_argument("query", help='query, e.g. \'"Persian Gulf" bombers -Iraq\'')
    find.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    find.add_argument("--from", dest="date_from", metavar="DATE", help="YYYY[-MM[-DD]], inclusive")
    find.add_argument("--to", dest="date_to", metavar="DATE", help="YYYY[-MM[-DD]], inclusive")
    find.add_argument("--sort", choices=("relevance", "newest", "oldest"), default="relevance")
    find.add_argument("--limit", type=int, default=10, help="articles to show (1-100)")
    find.add_argument("--exact", action="store_true", help="no name variants")
    find.add_argument("--name", action="append", default=[],
                      help="only articles naming this (repeatable, all must be named):"
                           " soleimani, person:reagan, org:opec, place:usa")
    find.add_argument("--strict", action="store_true", help="reject malformed queries")
    find.add_argument("--json", action="store_true", help="print the API's JSON")
    find.add_argument("--index", metavar="DIR", help="index folder")
    find.set_defaults(handler=cmd_search)

    batch = commands.add_parser("batch", help="count a list of queries: one row each")
    batch.add_argument("file", metavar="FILE",
                       help="one query a line, or a CSV with a query column (and optional"
                            " source, from, to); - reads standard input")
    batch.add_argument("--format", choices=("table", "csv", "jsonl"), default="table",
                       help="table (default), csv or jsonl")
    batch.add_argument("--exact", action="store_true", help="no name variants")
    batch.add_argument("--input", choices=("auto", "lines", "csv"), default="auto",
                       help="how FILE is read (default: csv when it ends in .csv or its first"
                            " line has a query column)")
    batch.add_argument("--link-root", default="/", metavar="URL",
                       help="the search page's address, for each row's link (default: /)")
    batch.add_argument("--index", metavar="DIR", help="index folder")
    batch.set_defaults(handler=cmd_batch)

    serve = commands.add_parser("serve", help="serve the web page and JSON API (gunicorn)")
    serve.add_argument("--host", default=settings.DEFAULT_HOST,
                       help=f"address to listen on (default: {settings.DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=settings.DEFAULT_PORT)
    serve.add_argument("--public-url", metavar="URL",
                       help="the address readers use (https://archive.example.org): feed and"
                            " export links are built from it, never from the request's Host"
                            " header (default: $SEARCHSVC_PUBLIC_URL, else http://HOST:PORT)")
    serve.add_argument("--host-alias", action="append", default=[], metavar="NAME",
                       help="another host name requests may carry (repeatable); any other"
                            " Host than the public URL's, an alias or loopback gets 400")
    serve.add_argument("--workers", type=_positive, default=default_workers(),
                       help="processes (default: one per core)")
    serve.add_argument("--threads", type=_positive, default=4,
                       help="threads per process (default: 4)")
    serve.add_argument("--index", metavar="DIR", help="index folder")
    serve.add_argument("--public", action="store_true",
                       help="serve on an address other machines reach although the archive"
                            " has no access keys: anyone who can reach the port reads it all"
                            " (without this, serve refuses to)")
    serve.set_defaults(handler=cmd_serve)

    add_admin_commands(commands)

    from .attention_cli import add_attention_command

    add_attention_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `searchsvc search … | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

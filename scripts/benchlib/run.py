"""One whole run: both indexes built, the servers started, the clients measured, every
server stopped on the way out."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from contextlib import ExitStack
from urllib.parse import quote

from .builds import build_searchsvc, build_sqlite
from .clients import Phase, closed_loop, sequential, warm_up
from .common import REPO, WORK, note
from .memory import RssSampler
from .queries import load_queries, query_kind
from .report import summary
from .servers import Server, datasette_server, get, searchsvc_server


def measure(servers: list[Server], queries: list[str], args: argparse.Namespace) -> dict:
    sampler = RssSampler(servers)
    sampler.start()
    try:
        warm_up(servers, queries)
        note(f"one client: {len(queries)} queries × {len(servers)} servers, interleaved")
        one = sequential(servers, queries)
        many = {s.name: Phase() for s in servers}
        for round_number in range(args.rounds):
            order = servers if round_number % 2 == 0 else servers[::-1]
            for server in order:
                note(f"round {round_number + 1}: {args.clients} clients → {server.name}")
                closed_loop(server, queries, args.clients, args.phase_limit, many[server.name])
    finally:
        sampler.done.set()
        sampler.join()
    return {s.name: summary(one[s.name], many[s.name], sampler, s) for s in servers}


def check_paths(args: argparse.Namespace) -> None:
    if args.db.resolve().is_relative_to(REPO):
        raise SystemExit(f"error: --db {args.db} is inside the repository; put it outside")
    if not args.corpus.is_dir():
        raise SystemExit(f"error: --corpus {args.corpus} is not a folder")
    if args.clients < 1 or args.rounds < 1:
        raise SystemExit("error: --clients and --rounds must be 1 or more")


def run(args: argparse.Namespace) -> dict:
    check_paths(args)
    queries = load_queries(args.queries)
    WORK.mkdir(parents=True, exist_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    builds = {"searchsvc": build_searchsvc(args.corpus, args.index, args.build_timeout)}
    if args.datasette:
        builds["datasette"] = build_sqlite(args.corpus, args.db)
    with ExitStack() as stack:  # every server stopped on the way out, whatever happens
        extra = "".join(f"&{quote(name)}={quote(value)}" for name, value in
                        (param.split("=", 1) for param in args.param))
        servers = [searchsvc_server(stack, args.index, extra)]
        if args.datasette:
            servers.append(datasette_server(stack, args.db))
        versions = get(servers[-1].port, "/-/versions.json")[1] if args.datasette else b"{}"
        results = measure(servers, queries, args)
        health = servers[0].info
    for name, build in builds.items():
        results[name]["build"] = build
    if builds["searchsvc"]["paragraphs"] is None:
        builds["searchsvc"]["paragraphs"] = health.get("paragraphs")
    results["searchsvc"]["version"] = health.get("version")
    datasette_version = json.loads(versions).get("datasette", {}).get("version")
    kinds = Counter(query_kind(q) for q in queries)
    return {"corpus": str(args.corpus), "index": str(args.index), "db": str(args.db),
            "queries": len(queries), "query_kinds": ", ".join(f"{v} {k}" for k, v in kinds.items()),
            "clients": args.clients, "rounds": args.rounds,
            "clients_label": f"{args.clients} clients × {args.rounds} rounds",
            "searchsvc_health": health,
            "datasette_version": f"datasette {datasette_version}" if datasette_version else None,
            **results}

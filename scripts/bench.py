#!/usr/bin/env python3
"""HTTP load measurements of `searchsvc serve`, side by side with Datasette + SQLite FTS5.

    python scripts/bench.py --corpus ../shared/corpora/reuters21578 --index /tmp/bench-1x-index \\
        [--datasette] [--db /tmp/searchsvc-bench/reuters21578.db] [--clients 8] [--rounds 2] \\
        [--queries scripts/bench_queries.txt] [--json]
    python scripts/bench.py --make-queries [--corpus DIR]   # rewrites scripts/bench_queries.txt

What it does, in one run:

1. `searchsvc index --if-needed` builds INDEX from the corpus (timed: paragraphs/s, size on
   disk). An index that is already usable is kept as it is: its build is not timed then.
2. With --datasette, an SQLite database of the same paragraphs (one row per paragraph: article
   id, paragraph number, title, source, date, month, text) with an FTS5 index on title + text
   (sqlite-utils' enable_fts, Porter stemming as searchsvc stems), rebuilt when the corpus's
   catalog changed.
3. Starts `searchsvc serve` (and `datasette serve`) on free ports of 127.0.0.1, waits until they
   answer, and sends each a few warm-up queries that are not measured.
4. One client: every query once against each server, interleaved query by query (which server
   goes first alternates), for p50/p95/p99 latency, errors and queries without hits.
5. C closed-loop clients (threads, one keep-alive connection each), each going through the
   queries from its own offset, for --rounds rounds; each round measures the servers one
   after the other, the first alternating: req/s, latency, errors.
6. The servers' resident memory (VmRSS summed over the process and its children), sampled
   every 0.2 s throughout; the peak is reported.

searchsvc gets `/api/search?q=Q` (grouped by article, facets, snippets: the defaults); Datasette
gets `/DB/paragraphs.json?_search=Q&_facet=source&_facet=month&_size=10`, its faceted search,
with its default escaping (every word becomes an FTS5 string, "quoted phrases" stay phrases), so
the query text is sent as it is. Datasette neither ranks (rows come in rowid order) nor groups by
article: it does less work per request than searchsvc. Every request times out after 30 s, every
phase stops after --phase-limit seconds, and every server is stopped at the end. Needs the
[bench] extra (datasette, sqlite-utils) for --datasette. Logs go to /tmp/searchsvc-bench/.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
DEFAULT_QUERIES = REPO / "scripts" / "bench_queries.txt"
WORK = Path(tempfile.gettempdir()) / "searchsvc-bench"
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 300.0  # opening a large index, or Datasette inspecting a large file
STOP_TIMEOUT = 15.0
SAMPLE_EVERY = 0.2
WARM_UP = 5
KEEP_ERRORS = 5
TABLE = "paragraphs"
SEED = 21578
PER_KIND = 100

# --- the query set ---------------------------------------------------------------------------

# Words a title window or a phrase should not be made of: function words, and the boilerplate
# of Reuters' results headlines ("QTR NET", "SHR CTS"), which would fill a third of the set.
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just me more most my
no nor not now of off on once only or other our out over own same she should so some such than
that the their them then there these they this those through to too under until up upon very
was we were what when where which while who whom why will with would you your
reuter reuters says said say sees set sets mln dlrs pct qtr net shr cts vs inc corp co ltd plc
ups unit year also new one two three four five six seven eight nine ten
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
TITLE_WORD = re.compile(r"[a-z]{3,}")
TICKER = re.compile(r"<[^>]*>")
PHRASE_WORD = re.compile(r"[A-Za-z]{3,}")
QUESTIONS = (
    "what happened to {a} {b}{where}?",
    "what is the latest on {a} {b}{where}?",
    "why did {a} {b} change{where}?",
    "how are {a} {b} affecting markets{where}?",
    "what did officials say about {a} {b}{where}?",
    "is there any news about {a} {b}{where}?",
    "who is involved in the {a} {b}{where}?",
    "when was the {a} {b} announced?",
)


def title_words(title: str) -> list[str]:
    """A headline's content words, lower-cased, without tickers like <SRD>."""
    words = TITLE_WORD.findall(TICKER.sub(" ", title).lower())
    return [w for w in words if w not in STOP_WORDS]


def article_paragraphs(text: str, title: str) -> list[str]:
    """The text split on blank lines, whitespace folded, the headline block left out (it is the
    title, which searchsvc indexes as the title and not as a paragraph)."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n[ \t]*\n", text)]
    blocks = [b for b in blocks if b]
    if blocks and title and blocks[0] == " ".join(title.split()):
        blocks = blocks[1:]
    return blocks


def read_catalog(corpus: Path) -> list[dict[str, str]]:
    path = corpus / "catalog.csv"
    if not path.is_file():
        raise SystemExit(f"error: {path} does not exist (--corpus needs a folder with catalog.csv)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def title_query(rng: random.Random, row: dict[str, str]) -> str | None:
    words = title_words(row["title"])
    if len(words) < 2:
        return None
    size = min(rng.choice((2, 3)), len(words))
    start = rng.randrange(len(words) - size + 1)
    return " ".join(words[start:start + size])


def phrase_query(rng: random.Random, corpus: Path, row: dict[str, str]) -> str | None:
    """Two adjacent words of one of the article's paragraphs (only a space between them)."""
    text = (corpus / row["file"]).read_text(encoding="utf-8")
    paragraphs = article_paragraphs(text, row.get("title", ""))
    if not paragraphs:
        return None
    words = rng.choice(paragraphs).split(" ")
    pairs = [(a.lower(), b.lower()) for a, b in zip(words, words[1:], strict=False)
             if PHRASE_WORD.fullmatch(a) and PHRASE_WORD.fullmatch(b)
             and a.lower() not in STOP_WORDS and b.lower() not in STOP_WORDS]
    return f'"{" ".join(rng.choice(pairs))}"' if pairs else None


def question_query(rng: random.Random, row: dict[str, str]) -> str | None:
    words = title_words(row["title"])
    if len(words) < 2:
        return None
    start = rng.randrange(len(words) - 1)
    places = [p.replace("-", " ") for p in row.get("places", "").split(";") if p and p != "usa"]
    where = f" in {rng.choice(places)}" if places and rng.random() < 0.5 else ""
    template = rng.choice(QUESTIONS)
    return template.format(a=words[start], b=words[start + 1], where=where)


def make_queries(corpus: Path, seed: int = SEED, per_kind: int = PER_KIND) -> list[str]:
    """per_kind title-word queries, then as many quoted phrases, then as many questions."""
    rng = random.Random(seed)
    rows = [r for r in read_catalog(corpus) if r.get("title", "").strip()]
    makers: list[Callable[[dict[str, str]], str | None]] = [
        lambda row: title_query(rng, row),
        lambda row: phrase_query(rng, corpus, row),
        lambda row: question_query(rng, row),
    ]
    queries: list[str] = []
    for make in makers:
        kind: list[str] = []
        while len(kind) < per_kind:
            query = make(rng.choice(rows))
            if query and query not in kind and query not in queries:
                kind.append(query)
        queries.extend(kind)
    return queries


def load_queries(path: Path) -> list[str]:
    if not path.is_file():
        raise SystemExit(f"error: {path} does not exist (make it with --make-queries)")
    queries = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [q for q in queries if q]


def query_kind(query: str) -> str:
    if query.startswith('"'):
        return "phrase"
    return "question" if query.endswith("?") else "title words"


# --- building the two indexes ----------------------------------------------------------------


def disk_bytes(path: Path) -> int:
    """Bytes on disk (allocated blocks, as du counts them) of a file or a folder's files."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_blocks * 512 for p in files)


def tool(name: str) -> str:
    """A console script of this interpreter's environment (the project's venv), or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"error: no `{name}` in {beside.parent} or on PATH"
                         " (pip install -e '.[bench]')")
    return found


def stop(process: subprocess.Popen) -> None:
    """End a process we started, with the children of its session: TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session (start_new_session=True)
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)
    except ProcessLookupError:
        pass


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def build_searchsvc(corpus: Path, index: Path, timeout: float) -> dict:
    """`searchsvc index --if-needed`, timed; the summary line's paragraph count."""
    log = WORK / "searchsvc-index.log"
    command = [tool("searchsvc"), "index", "--corpus", str(corpus), "--index", str(index),
               "--if-needed"]
    note(f"building the searchsvc index: {' '.join(command)} (log: {log})")
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        finally:
            stop(process)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"error: searchsvc index exited {process.returncode}:\n{log_tail(log)}")
    built = "nothing to do" not in output
    match = re.search(r"([\d,]+) paragraphs?", output)
    paragraphs = int(match.group(1).replace(",", "")) if built and match else None
    skipped = re.search(r"skipped or repaired: (\d+)", output)
    own = re.search(r" in ([\d.]+) s ", output)  # its own count: without start-up and imports
    note(output.splitlines()[0] if output else "(no output)")
    return {"built": built, "seconds": seconds if built else None, "paragraphs": paragraphs,
            "paragraphs_per_s": paragraphs / seconds if built and paragraphs else None,
            "own_seconds": float(own.group(1)) if built and own else None,
            "skipped_or_repaired": int(skipped.group(1)) if skipped else None,
            "size_bytes": disk_bytes(index)}


def paragraph_rows(corpus: Path) -> Iterator[dict[str, object]]:
    """One row per paragraph; an article that is a title only gets one row, paragraph 0, with
    empty text (searchsvc indexes such an article as one entry too)."""
    for row in read_catalog(corpus):
        title = " ".join(row.get("title", "").split())
        text = (corpus / row["file"]).read_text(encoding="utf-8")
        date = row.get("date", "")[:10]
        base = {"article_id": row["id"], "title": title, "source": row.get("source", ""),
                "date": date, "month": date[:7]}
        paragraphs = article_paragraphs(text, title) or ([""] if title else [])
        first = 1 if paragraphs != [""] else 0
        for number, paragraph in enumerate(paragraphs, start=first):
            yield {**base, "paragraph": number, "text": paragraph}


def corpus_stamp(corpus: Path) -> dict[str, object]:
    stat = (corpus / "catalog.csv").stat()
    return {"corpus": str(corpus.resolve()), "catalog_bytes": stat.st_size,
            "catalog_mtime_ns": stat.st_mtime_ns}


def build_sqlite(corpus: Path, db: Path) -> dict:
    """The paragraphs table with its FTS5 index, unless DB was built from this catalog."""
    import sqlite_utils  # the [bench] extra: only --datasette needs it

    stamp_path = db.with_name(db.name + ".source.json")
    stamp = corpus_stamp(corpus)
    if db.is_file() and stamp_path.is_file() and json.loads(stamp_path.read_text()) == stamp:
        rows = sqlite_utils.Database(db)[TABLE].count
        note(f"{db} was built from this corpus: kept ({rows} rows)")
        return {"built": False, "seconds": None, "paragraphs": rows, "paragraphs_per_s": None,
                "size_bytes": disk_bytes(db)}
    note(f"building {db} (SQLite FTS5)")
    partial = db.with_name(db.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    database = sqlite_utils.Database(partial)
    table = database[TABLE]
    table.insert_all(paragraph_rows(corpus), batch_size=5000, columns={  # type: ignore[union-attr]
        "article_id": str, "paragraph": int, "title": str, "source": str, "date": str,
        "month": str, "text": str})
    # Porter stemming over unicode61: the nearest FTS5 match for searchsvc's Snowball stems.
    table.enable_fts(["title", "text"], tokenize="porter")  # type: ignore[union-attr]
    database.close()
    seconds = time.perf_counter() - started
    partial.replace(db)
    stamp_path.write_text(json.dumps(stamp))
    rows = sqlite_utils.Database(db)[TABLE].count
    return {"built": True, "seconds": seconds, "paragraphs": rows,
            "paragraphs_per_s": rows / seconds, "size_bytes": disk_bytes(db)}


# --- servers and their memory ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    path_for: Callable[[str], str]  # query → request path
    hits_of: Callable[[dict], int | None]  # answer → number of hits it reports
    info: dict = field(default_factory=dict)


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(process: subprocess.Popen, port: int, path: str, log: Path) -> bytes:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: server exited {process.returncode}:\n{log_tail(log)}")
        try:
            status, body = get(port, path, timeout=5)
            if status == 200:
                return body
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    raise SystemExit(f"error: no 200 from {path} within {START_TIMEOUT:.0f} s:\n{log_tail(log)}")


@contextmanager
def serving(name: str, command: list[str], ready: str, port: int) -> Iterator[tuple[Server, bytes]]:
    """A server process for the duration of the block, stopped however the block ends."""
    log = WORK / f"{name}-{port}.log"
    note(f"starting {name}: {' '.join(command)} (log: {log})")
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            body = wait_ready(process, port, ready, log)
            yield Server(name, port, process, log, lambda q: "", lambda a: None), body
        finally:
            stop(process)


def searchsvc_server(stack: ExitStack, index: Path, extra: str = "") -> Server:
    port = free_port()
    command = [tool("searchsvc"), "serve", "--host", HOST, "--port", str(port),
               "--index", str(index)]
    server, body = stack.enter_context(serving("searchsvc", command, "/api/health", port))
    server.path_for = lambda q: "/api/search?q=" + quote(q, safe="") + extra
    server.hits_of = lambda answer: answer.get("total", {}).get("articles")
    server.info = json.loads(body)
    return server


def datasette_server(stack: ExitStack, db: Path) -> Server:
    port = free_port()
    command = [tool("datasette"), "serve", str(db), "--host", HOST, "--port", str(port),
               "--setting", "sql_time_limit_ms", "10000",
               "--setting", "facet_time_limit_ms", "10000"]
    server, _ = stack.enter_context(serving("datasette", command, "/-/versions.json", port))
    base = f"/{quote(db.stem, safe='')}/{TABLE}.json?_facet=source&_facet=month&_size=10&_search="
    server.path_for = lambda q: base + quote(q, safe="")
    server.hits_of = lambda answer: answer.get("filtered_table_rows_count")
    return server


def tree_rss_kib(root: int) -> int:
    """VmRSS of a process and all its descendants, in KiB (0 once it is gone)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # ended while we looked
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree.update(children)
        frontier = children
    total = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total


class RssSampler(threading.Thread):
    """Samples every server's RSS until stopped; keeps the peak of each."""

    def __init__(self, servers: list[Server]) -> None:
        super().__init__(daemon=True)
        self.servers = servers
        self.peak_kib = {s.name: tree_rss_kib(s.process.pid) for s in servers}
        self.start_kib = dict(self.peak_kib)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            for server in self.servers:
                rss = tree_rss_kib(server.process.pid)
                self.peak_kib[server.name] = max(self.peak_kib[server.name], rss)


# --- clients ---------------------------------------------------------------------------------


@dataclass
class Phase:
    """What one server answered in one phase."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    no_hits: int = 0
    facets_timed_out: int = 0
    seconds: float = 0.0
    stopped_early: bool = False
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < KEEP_ERRORS:
            self.error_samples.append(what)


class Client:
    """One keep-alive connection; a stale one (closed by the server while idle) is reopened
    once, as browsers and urllib3 do, rather than counted as the server's error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes, float]:
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port,
                                                             timeout=REQUEST_TIMEOUT)
            started = time.perf_counter()
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 1:
                    continue
                raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            elapsed = (time.perf_counter() - started) * 1000
            if response.will_close:
                self.close()
            return response.status, body, elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def one_request(client: Client, server: Server, query: str, phase: Phase, lock: threading.Lock,
                inspect: bool = False) -> None:
    try:
        status, body, elapsed = client.get(server.path_for(query))
    except (OSError, http.client.HTTPException) as error:
        with lock:
            phase.statuses[type(error).__name__] += 1
            phase.failed(f"{type(error).__name__}: {error} for {query!r}")
        return
    with lock:
        phase.statuses[status] += 1
        if status != 200:
            text = body[:400].decode("utf-8", errors="replace")
            phase.failed(f"HTTP {status} for {query!r}: {text}")
            return
        phase.latencies_ms.append(elapsed)
        phase.by_kind.setdefault(query_kind(query), []).append(elapsed)
    if inspect:  # outside the timing: parsing the answer is the client's cost
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        phase.no_hits += server.hits_of(answer) == 0
        phase.facets_timed_out += bool(answer.get("facets_timed_out"))


def sequential(servers: list[Server], queries: list[str]) -> dict[str, Phase]:
    """Every query once per server, interleaved; the first server alternates per query so that
    neither always follows the other's work."""
    phases = {s.name: Phase() for s in servers}
    clients = {s.name: Client(s.port) for s in servers}
    lock = threading.Lock()
    for i, query in enumerate(queries):
        for server in servers if i % 2 == 0 else servers[::-1]:
            one_request(clients[server.name], server, query, phases[server.name], lock,
                        inspect=True)
    for client in clients.values():
        client.close()
    return phases


def closed_loop(server: Server, queries: list[str], clients: int, limit: float,
                phase: Phase) -> None:
    """C threads, each sending the queries once from its own offset, back to back."""
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)
    deadline = time.monotonic() + limit

    def work(number: int) -> None:
        client = Client(server.port)
        offset = number * len(queries) // clients
        gate.wait()
        for j in range(len(queries)):
            if time.monotonic() > deadline:
                phase.stopped_early = True
                break
            one_request(client, server, queries[(offset + j) % len(queries)], phase, lock)
        client.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds += time.perf_counter() - started


def warm_up(servers: list[Server], queries: list[str]) -> None:
    """A few unmeasured requests: lazy imports, first reader, SQLite's schema cache."""
    for server in servers:
        client = Client(server.port)
        for query in queries[:WARM_UP]:
            # A failure here shows again in the measured phases, which count errors.
            with suppress(OSError, http.client.HTTPException):
                client.get(server.path_for(query))
        client.close()


# --- reporting -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)  # nearest rank: the smallest value with p % of them at or below it
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


CHAINED = ("The above exception was the direct cause", "During handling of the above exception")


def log_exceptions(path: Path) -> dict[str, int]:
    """The exceptions in a server's log, counted: the last line of each traceback that is not
    the cause of a later one (a chained error counts once, as what was finally raised)."""
    counts: Counter = Counter()
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    for i, line in enumerate(lines):
        if not line.startswith("Traceback"):
            continue
        j = i + 1
        while j < len(lines) and lines[j].startswith(" "):
            j += 1
        chained = j + 1 < len(lines) and lines[j + 1].startswith(CHAINED)
        if j < len(lines) and not chained:
            # Offsets, sizes and load keys vary from one failure to the next: one line per kind.
            counts[re.sub(r"\d+|'[^']*'", "…", lines[j])[:160]] += 1
    return dict(counts.most_common(10))


def summary(one: Phase, many: Phase, sampler: RssSampler, server: Server) -> dict:
    requests = len(many.latencies_ms) + many.errors
    return {
        "one_client": {
            "requests": len(one.latencies_ms) + one.errors,
            "p50_ms": percentile(one.latencies_ms, 50),
            "p95_ms": percentile(one.latencies_ms, 95),
            "p99_ms": percentile(one.latencies_ms, 99),
            "mean_ms": statistics.fmean(one.latencies_ms) if one.latencies_ms else None,
            "p50_ms_by_kind": {k: percentile(v, 50) for k, v in sorted(one.by_kind.items())},
            "errors": one.errors, "statuses": {str(k): v for k, v in one.statuses.items()},
            "error_samples": one.error_samples, "queries_without_hits": one.no_hits,
            "facets_timed_out": one.facets_timed_out,
        },
        "clients": {
            "requests": requests, "seconds": many.seconds,
            "req_per_s": requests / many.seconds if many.seconds else None,
            "p50_ms": percentile(many.latencies_ms, 50),
            "p95_ms": percentile(many.latencies_ms, 95),
            "p99_ms": percentile(many.latencies_ms, 99),
            "errors": many.errors, "statuses": {str(k): v for k, v in many.statuses.items()},
            "error_samples": many.error_samples, "stopped_early": many.stopped_early,
        },
        "rss_mib": {"after_start": sampler.start_kib[server.name] / 1024,
                    "peak": sampler.peak_kib[server.name] / 1024},
        "log": str(server.log),
        "log_exceptions": log_exceptions(server.log),
    }


def fmt(value: object, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def ratio(a: object, b: object) -> str:
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return f"{a / b:.2f}×"
    return ""


def table_rows(report: dict) -> list[tuple[str, str, object, object]]:
    """(section, row, searchsvc value, datasette value)."""
    ss, ds = report["searchsvc"], report.get("datasette") or {}
    rows: list[tuple[str, str, object, object]] = []
    builds = (ss["build"], ds.get("build", {}))
    for key, label in (("seconds", "build s"), ("own_seconds", "build s (as it reports)"),
                       ("paragraphs", "paragraphs"),
                       ("paragraphs_per_s", "paragraphs/s")):
        rows.append(("build", label, builds[0].get(key), builds[1].get(key)))
    rows.append(("build", "size on disk MB", builds[0]["size_bytes"] / 1e6,
                 builds[1]["size_bytes"] / 1e6 if builds[1] else None))
    for section, key in (("one client", "one_client"), (report["clients_label"], "clients")):
        a, b = ss[key], ds.get(key, {})
        names = ["p50_ms", "p95_ms", "p99_ms", "requests", "errors"]
        if key == "clients":
            names = ["req_per_s", *names]
        else:
            names += ["mean_ms", "queries_without_hits", "facets_timed_out"]
        rows.extend((section, n.replace("_", " "), a.get(n), b.get(n)) for n in names)
        if key == "one_client":
            theirs = b.get("p50_ms_by_kind", {})
            for kind, value in a["p50_ms_by_kind"].items():
                rows.append((section, f"p50 ms {kind}", value, theirs.get(kind)))
    for name in ("after_start", "peak"):
        rows.append(("RSS MiB", name.replace("_", " "), ss["rss_mib"][name],
                     ds.get("rss_mib", {}).get(name)))
    return rows


def print_table(report: dict) -> None:
    heading = [f"corpus {report['corpus']}", f"{report['queries']} queries"
               f" ({report['query_kinds']})", report["clients_label"],
               f"searchsvc {report['searchsvc']['version']}", report.get("datasette_version")]
    print("\n" + " · ".join(part for part in heading if part))
    for name in ("searchsvc", "datasette"):
        if name in report and not report[name]["build"]["built"]:
            print(f"({name}: an existing index was kept, so its build was not timed)")
    print(f"{'':<28}{'searchsvc':>14}{'datasette':>14}{'ss/ds':>9}")
    section = ""
    for where, label, a, b in table_rows(report):
        if where != section:
            print(where)
            section = where
        print(f"  {label:<26}{fmt(a):>14}{fmt(b):>14}{ratio(a, b):>9}")
    for name in ("searchsvc", "datasette"):
        part = report.get(name)
        if not part:
            continue
        for key in ("one_client", "clients"):
            if part[key]["errors"]:
                print(f"\n{name} {key}: {part[key]['errors']} errors {part[key]['statuses']}")
                for sample in part[key]["error_samples"]:
                    print(f"  {sample}")
        if part["log_exceptions"]:
            print(f"\n{name} log {part['log']}: exceptions")
            for line, count in part["log_exceptions"].items():
                print(f"  {count:>5} × {line}")


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the run ---------------------------------------------------------------------------------


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"corpus folder with catalog.csv (default: {DEFAULT_CORPUS})")
    parser.add_argument("--index", type=Path, help="searchsvc index folder (built if needed)")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--datasette", action="store_true", help="also measure Datasette")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="added to every searchsvc query (e.g. collapse=false: Reuters x N"
                             " holds N copies of each story, which folding would hide)")
    parser.add_argument("--db", type=Path, help="SQLite file for Datasette"
                        f" (default: {WORK}/<corpus name>.db)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--phase-limit", type=float, default=900.0,
                        help="seconds after which a client phase stops sending (default 900)")
    parser.add_argument("--build-timeout", type=float, default=3600.0)
    parser.add_argument("--make-queries", action="store_true",
                        help="write the query set to --queries from --corpus, then stop")
    parser.add_argument("--seed", type=int, default=SEED, help="for --make-queries")
    args = parser.parse_args(argv)
    if args.db is None:
        args.db = WORK / f"{args.corpus.resolve().name}.db"
    if not args.make_queries and args.index is None:
        parser.error("--index is required (the searchsvc index folder)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.make_queries:
        queries = make_queries(args.corpus, args.seed)
        args.queries.write_text("".join(q + "\n" for q in queries), encoding="utf-8")
        note(f"{len(queries)} queries → {args.queries}")
        return 0
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

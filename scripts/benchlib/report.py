"""The report: percentiles and counts per server and phase, the exceptions in each server's
log, and the side-by-side table."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from pathlib import Path

from .clients import Phase
from .memory import RssSampler
from .servers import Server


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

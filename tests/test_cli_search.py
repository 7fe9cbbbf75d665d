"""``searchsvc search``: plain text when piped, colour on a terminal, and ``--json`` is the
API's JSON (apart from ``took_ms``)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from searchsvc.cli import main

ESTA = "001_6c93bd1d9ff11c7a"


def cli(seed_index: Path, *args: str, env: dict | None = None, tty: bool = False):
    """Run the real command; stdout is a pipe (or, with ``tty``, a pseudo-terminal)."""
    command = [sys.executable, "-m", "searchsvc.cli", "search", *args, "--index", str(seed_index)]
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(env or {})
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=environment,
                              timeout=60)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE,
                               env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=60)
    return process.returncode, b"".join(chunks).decode("utf-8"), process.stderr.read().decode()


def test_plain_output_when_piped(seed_index):
    code, out, err = cli(seed_index, "B-52")
    assert code == 0 and err == ""
    assert "\033" not in out
    lines = out.splitlines()
    assert re.fullmatch(r'4 articles, 7 paragraphs for "b 52" \(\d+ ms\)', lines[0])
    headings = [line for line in lines if re.match(r"\d+\. ", line)]
    assert headings == [
        "1. (untitled)",
        "2. (untitled)",
        "3. US defense officials divided over potential for Iranian attack on eve of grim"
        " anniversary",
        "4. Report: Iran-backed militias have weapons in place for planned revenge attack after"
        " nuke scientist killed",
    ]
    assert lines[3] == f"   ESTA · 2020-12-31 · {ESTA} · 2 matching paragraphs"
    assert "   AMN · 2020-12-11 · 002_2597359e734cd98a · 1 matching paragraph" in lines
    paragraphs = [line for line in lines if line.startswith("   ¶")]
    assert [line.split(":")[0].strip() for line in paragraphs] == [
        "¶7", "¶5", "¶1", "¶3", "¶9", "¶10", "¶8"]
    assert all("[B-52]" in line for line in paragraphs)
    assert "<mark>" not in out and "&amp;" not in out and "&#x27;" not in out


def test_colour_on_a_terminal(seed_index):
    code, out, _ = cli(seed_index, '"Persian Gulf"', tty=True)
    assert code == 0
    assert "\033[1;33mPersian Gulf\033[0m" in out and "[Persian Gulf]" not in out
    code, out, _ = cli(seed_index, '"Persian Gulf"', tty=True, env={"NO_COLOR": "1"})
    assert code == 0
    assert "\033" not in out and "[Persian Gulf]" in out


def run(capsys, seed_index: Path, *args: str) -> tuple[int, str, str]:
    code = main(["search", *args, "--index", str(seed_index)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_did_you_mean_line(capsys, seed_index):
    code, out, _ = run(capsys, seed_index, "Fakrizadeh")
    assert code == 0
    lines = out.splitlines()
    assert re.fullmatch(r"0 articles, 0 paragraphs for fakrizadeh \(\d+ ms\)", lines[0])
    assert lines[1].lower() == "did you mean: fakhrizadeh"
    assert len(lines) == 2


def test_variants_are_marked_too(capsys, seed_index):
    code, out, _ = run(capsys, seed_index, "Soleimani", "--source", "zero hedge")
    assert code == 0
    assert out.splitlines()[0].startswith("1 article, 2 paragraphs for (soleimani OR ~suleimani)")
    assert out.count("[Suleimani]") == 2
    code, out, _ = run(capsys, seed_index, "Soleimani", "--source", "zero hedge", "--exact")
    assert code == 0 and out.startswith("0 articles, 0 paragraphs for soleimani")


CASES = [
    (["B-52"], {"q": "B-52"}),
    (['"Persian Gulf"', "--limit", "1"], {"q": '"Persian Gulf"', "per_page": 1}),
    (["Soleimani", "--source", "CNN", "--source", "Zero Hedge", "--sort", "oldest"],
     {"q": "Soleimani", "source": ["CNN", "Zero Hedge"], "sort": "oldest"}),
    (["Soleimani", "--from", "2020-12-11", "--to", "2020-12"],
     {"q": "Soleimani", "from": "2020-12-11", "to": "2020-12"}),
    (["Soleimani", "--exact"], {"q": "Soleimani", "fuzzy": "false"}),
    (["Soleimani bombers", "--strict"], {"q": "Soleimani bombers", "strict": "true"}),
    (["Fakrizadeh"], {"q": "Fakrizadeh"}),
    (["Fakhrizadeh", "--source", "CNN"], {"q": "Fakhrizadeh", "source": "CNN"}),
    ([""], {"q": ""}),
]


@pytest.mark.parametrize("args, params", CASES)
def test_json_is_the_api_json(capsys, seed_index, client, args, params):
    code, out, err = run(capsys, seed_index, *args, "--json")
    assert code == 0 and err == ""
    from_cli = json.loads(out)
    from_api = client.get("/api/search?" + urllib.parse.urlencode(params, doseq=True)).get_json()
    assert isinstance(from_cli.pop("took_ms"), float | int)
    from_api.pop("took_ms")
    assert from_cli == from_api


def test_json_from_a_pipe(seed_index, client):
    code, out, _ = cli(seed_index, "McKenzie", "--json")
    assert code == 0
    from_cli = json.loads(out)
    from_api = client.get("/api/search?q=McKenzie").get_json()
    from_cli.pop("took_ms"), from_api.pop("took_ms")
    assert from_cli == from_api


@pytest.mark.parametrize("args, code, param", [
    (["Iran", "--from", "2020-13"], "invalid_date", "from"),
    (["Iran", "--from", "2021", "--to", "2020"], "invalid_range", "from"),
    (["Iran", "--limit", "0"], "invalid_parameter", "per_page"),
    (["Iran", "--limit", "101"], "invalid_parameter", "per_page"),
    (['"Persian Gulf', "--strict"], "invalid_query", "q"),
])
def test_errors(capsys, seed_index, args, code, param):
    status, out, err = run(capsys, seed_index, *args)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    status, out, err = run(capsys, seed_index, *args, "--json")
    assert status == 2
    error = json.loads(out)["error"]
    assert (error["code"], error["param"]) == (code, param)
    assert err == f"error: {error['message']}\n"


def test_strict_error_says_where(capsys, seed_index):
    _, _, err = run(capsys, seed_index, "Iran (Iraq", "--strict")
    assert err == "error: q: '(' is never closed at character 6\n"


def test_missing_index(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:  # exit status 1, the message on stderr
        main(["search", "Iran", "--index", str(tmp_path)])
    assert exited.value.code == (f"error: no index in {tmp_path}; build one with `searchsvc"
                                 " index`, or pass --index DIR or set SEARCHSVC_INDEX")
    assert capsys.readouterr().out == ""

"""The query set: made from a corpus's headlines and paragraphs (title words, quoted
phrases, questions), read back from its file, and each query's kind."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

SEED = 21578
PER_KIND = 100

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

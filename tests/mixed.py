"""A larger corpus made of the seed articles' own paragraphs, recombined reproducibly:
real text, enough entries for postings to span many blocks and writers to get work."""

from __future__ import annotations

import json
import random
from pathlib import Path

from searchsvc.corpus import read_folder
from tests.paths import SEEDS

SOURCES = ["CNN", "ESTA", "AMN", "Zero Hedge", "Reuters", "AP"]


def mixed_jsonl(folder: Path, articles: int, seed: int = 20201231) -> Path:
    """``articles`` articles as JSON Lines in ``folder``; the same file for the same seed."""
    seeds = list(read_folder(SEEDS, lambda _problem: None))
    paragraphs = [p for article in seeds for p in article.paragraphs]
    titles = [article.title for article in seeds]
    rng = random.Random(seed)
    lines = []
    for number in range(articles):
        lines.append(json.dumps({
            "id": f"mix-{number:05d}", "title": rng.choice(titles),
            "source": rng.choice(SOURCES),
            "date": f"20{rng.randint(10, 21)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "paragraphs": rng.sample(paragraphs, rng.randint(3, 12)),
        }))
    path = folder / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

"""Snippets: the window with the most marks, escaped, cut at word boundaries."""

from __future__ import annotations

from searchsvc.models import Highlights
from searchsvc.snippets import snippet


def test_the_densest_window_wins_the_earliest_of_equals():
    text = ("Iran " + "filler " * 40 + "Iran Iran " + "filler " * 40 + "Iran Iran Iran "
            + "filler " * 40 + "Iran Iran Iran")
    shown = snippet(text, Highlights(stems={"iran"}), width=60)
    assert shown.count("<mark>Iran</mark>") == 3
    assert shown.startswith("…") and shown.endswith("…")
    plain = shown.replace("<mark>", "").replace("</mark>", "").strip("…")
    first_three = text.index("Iran Iran Iran")
    assert text.index(plain) < first_three < text.index(plain) + len(plain)
    assert text.index(plain) + len(plain) < text.rindex("Iran Iran Iran")


def test_a_huge_paragraph_full_of_matches():
    """20,000 marks in one 200 KB paragraph: every window start is looked at once, not
    compared with every other mark (that took 13 s for a 1 MiB paragraph)."""
    text = "the bombers flew " * 20_000
    shown = snippet(text, Highlights(stems={"bomber"}))
    assert shown.startswith("the <mark>bombers</mark> flew")
    assert shown.count("<mark>") == 12 and shown.endswith("…")

"""What an article is called where it is listed (pages, feeds): its headline, or for an
untitled one its source and first words."""

from __future__ import annotations

UNTITLED_WORDS = 10


def first_words(text: str, count: int = UNTITLED_WORDS) -> str:
    tokens = text.split()
    return " ".join(tokens[:count]) + ("…" if len(tokens) > count else "")


def article_label(title: str, source: str, first_paragraph: str) -> str:
    """A heading for an article: its title, or for an untitled one its source and first words."""
    if title.strip():
        return title.strip()
    opening = first_words(first_paragraph) if first_paragraph.strip() else "untitled article"
    return f"{source or 'Unknown source'}: {opening}"

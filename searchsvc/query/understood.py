"""What a query means to the reader: what it marks in a paragraph, how it was understood
("(soleimani OR ~suleimani) bomber"), and which of its words a paragraph must hold to
count as a matching one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .. import request as rq
from ..models import Highlights


def highlights(node: rq.Node, fields: tuple[str, str] = ("text", "exact")) -> Highlights:
    """Terms, prefixes and phrases that a matching paragraph shows, ignoring negated parts
    and the proximity bonus (whose words are in the main query anyway)."""
    found = Highlights()
    stemmed, exact = fields
    for leaf in positive_leaves(node):
        name = getattr(leaf, "field", None)
        if isinstance(leaf, rq.Phrase) and name in (stemmed, exact) and leaf.slop > 1 \
                and leaf.spans:
            # a typed "a b"~10: the words need not be side by side, so each is marked
            (found.stems if name == stemmed else found.exact).update(leaf.words)
        elif isinstance(leaf, rq.Phrase) and name in (stemmed, exact):
            found.phrases.append((leaf.words, name == stemmed))
        elif isinstance(leaf, rq.Prefix) and name == exact:
            found.prefixes.add(leaf.text)
        elif isinstance(leaf, rq.Term) and name == stemmed:
            found.stems.add(leaf.text)
        elif isinstance(leaf, rq.Term) and name == exact:
            found.exact.add(leaf.text)
    return found


def positive_leaves(node: rq.Node) -> Iterator[rq.Node]:
    """The leaves a match is made of: not the negated ones, nor a bonus's."""
    if rq.is_none_of(node):
        return
    if isinstance(node, rq.Bool) and (rq.is_but_not(node) or rq.is_bonus(node)):
        yield from positive_leaves(node.must[0])
        return
    if not isinstance(node, rq.Bool):
        yield node
        return
    for child in node.must + node.should + node.filter:
        yield from positive_leaves(child)


def describe(node: rq.Node) -> str:
    """The query as understood, in the user's syntax: ``(soleimani OR ~suleimani) bomber``."""
    if isinstance(node, rq.Bool) and rq.is_bonus(node):
        return describe(node.must[0])
    if isinstance(node, rq.Bool) and rq.is_but_not(node):
        return f"{describe(node.must[0])} -{describe(node.must_not[0])}"
    if isinstance(node, rq.Bool) and rq.is_none_of(node):
        return f"-{describe(node.must_not[0])}"
    if isinstance(node, rq.Phrase):
        prefix = "title:" if node.field.startswith("title") else ""
        near = f"~{node.slop}" if node.slop > 1 else ""
        return f'{prefix}"{" ".join(node.words)}"{near}'
    if isinstance(node, rq.Prefix):
        prefix = "title:" if node.field.startswith("title") else ""
        return f"{prefix}{node.text}*"
    if isinstance(node, rq.Term):
        if node.field == "source":
            return f'source:"{node.text}"' if " " in node.text else f"source:{node.text}"
        scope = "title:" if node.field.startswith("title") else ""
        return f"{scope}{'~' if node.variant_of is not None else ''}{node.text}"
    if isinstance(node, rq.Bool) and rq.is_or(node):
        parts = _dedupe(part for child in node.should
                        for part in _or_parts(describe(child)))
        # An unscoped word searches title and text: "title:x OR x" is just "x".
        parts = [part for part in parts if not (part.startswith("title:") and part[6:] in parts)]
        if len(parts) == 1:
            return parts[0]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(node, rq.Bool) and rq.is_and(node):
        parts = _dedupe(describe(child) for child in node.must)
        return " ".join(parts) if len(parts) > 1 else (parts[0] if parts else "")
    if isinstance(node, rq.MatchNone):
        return ""
    if isinstance(node, rq.MatchAll):
        return f"{node.field}:*"
    if isinstance(node, rq.Wildcard):
        return f"{node.field}:{node.pattern}"
    return str(node)


def _or_parts(text: str) -> list[str]:
    """Flatten a nested "(a OR b)" so the title and text branches fold into one."""
    if text.startswith("(") and text.endswith(")") and " OR " in text and text.count("(") == 1:
        return text[1:-1].split(" OR ")
    return [text]


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def paragraph_words(node: rq.Node) -> rq.Node | None:
    """Any of the query's positive words, phrases and prefixes in a paragraph's text (not
    its title): what makes a paragraph of a matching article a matching paragraph. None
    when the query has none (a title-only or source-only search)."""
    found = [leaf for leaf in positive_leaves(node)
             if getattr(leaf, "field", None) in ("text", "exact")]
    if not found:
        return None
    unique = list(dict.fromkeys(found))
    return unique[0] if len(unique) == 1 else rq.any_of(*unique)


def typed_words(clause: rq.Node, text: str) -> str:
    """A plain clause of the query as the user typed it (for "Missing: …")."""
    for leaf in rq.leaves(clause):
        span = getattr(leaf, "span", None)
        if span is not None and getattr(leaf, "variant_of", None) is None:
            return text[span[0]:span[1]]
    return describe(clause)

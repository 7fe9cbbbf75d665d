"""From what a person types to a whoosh query.

The syntax is the familiar part of Elasticsearch's ``query_string``: plain words (all
must match; see :mod:`.matching` for the fallback when that finds too little),
``"exact phrase"``, ``OR``, ``AND``, ``NOT`` / ``-word``, ``+word``, parentheses,
``prefix*``, and the scopes ``title:`` and ``source:``.

Lenient: whatever is typed gets an answer (strict checking is :mod:`searchsvc.syntax`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import qparser, query
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import plugins

from ...analysis import TOKEN_PATTERN, exact_words
from ...fields import source_key
from ...models import Highlights
from ...settings import Settings
from .analysis import stemming_analyzer
from .scoring import VariantTerm

# Which exact-copy field holds the unstemmed words of each searchable field.
EXACT_OF = {"text": "exact", "title": "title_exact"}


def _user_schema(stop_words: frozenset[str]) -> Schema:
    """Only what a user may scope to; anything else (``day:``, ``foo:``) is plain text.
    Plain words go through the stemmed copy's analysis with the query's longer stop list
    ("what", "how", "about" only phrase the question)."""
    return Schema(
        title=TEXT(analyzer=stemming_analyzer(stop_words), multitoken_query="phrase"),
        text=TEXT(analyzer=stemming_analyzer(stop_words), multitoken_query="phrase"),
        source=ID(),
    )


@lru_cache(maxsize=8)
def make_parser(title_boost: float, stop_words: frozenset[str]) -> qparser.QueryParser:
    """The parser for one setting of the title boost and the query stop list (settings are
    frozen, so a parser is made once per setting)."""
    parser = qparser.MultifieldParser(
        ["title", "text"], _user_schema(stop_words), fieldboosts={"title": title_boost},
        group=qparser.AndGroup,
    )
    for unwanted in (plugins.RangePlugin, plugins.SingleQuotePlugin, plugins.EveryPlugin,
                     plugins.FuzzyTermPlugin, plugins.WildcardPlugin):
        parser.remove_plugin_class(unwanted)
    parser.add_plugin(_StarPlugin())
    # "-" and "+" are operators only at the start of a word: "B-52" stays one word.
    parser.add_plugin(plugins.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+(?=\S)",
                                              minusexpr=r"(?<![^\s(])-(?=\S)"))
    return parser


class _StarPlugin(plugins.WildcardPlugin):
    """Only "*" is a wildcard: "?" ends a question ("who killed Soleimani?"), it is not
    whoosh's one-character wildcard, which made such a query find nothing."""

    qmarks = ""
    expr = r"(?P<text>[*])"




# ------------------------------------------------------------------ the parsed query


@dataclass
class ParsedQuery:
    """A user query turned into whoosh queries, with what the highlighter needs."""

    text: str
    query: query.Query  # the whole query, all words required where the user said nothing
    plain_terms: list[query.Query] = field(default_factory=list)  # for the "most words" fallback
    fallback: query.Query | None = None
    variants: dict[str, list[str]] = field(default_factory=dict)
    # surface words for did-you-mean
    words: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.query is query.NullQuery or isinstance(self.query, query.qcore._NullQuery)


def parse(text: str, settings: Settings,
          variants: Callable[[str], list[str]] | None = None) -> ParsedQuery:
    """Parse leniently. Never raises for user input: whoosh's own failures fall back to the
    words alone."""
    parser = make_parser(settings.title_boost, settings.query_stop_words)
    try:
        raw = parser.parse(text, normalize=False)
        tree = _weigh_repeats(raw).normalize()
        if _unfielded(tree):  # "( ^3 ) ^3" parses to Term(None, "^3"): not a query
            raise ValueError("a term without a field")
    except Exception:  # noqa: BLE001 - any parser failure means: search the words
        raw = tree = parser.parse(_words_only(text))
    parsed = ParsedQuery(text=text, query=tree)
    if parsed.is_empty and not _negates(raw, text):
        written = exact_words(_words_only(text))
        if written:  # only stop words ("what is it", "The Who"): the words as written
            tree = query.Or([_as_written(name, written) for name in ("title_exact", "exact")])
    rewritten = _rewrite(tree, text, variants, parsed, settings.variant_boost)
    parsed.query = rewritten
    parsed.plain_terms = _plain_clauses(rewritten)
    relaxed = _relaxed(rewritten)
    if relaxed is not None:
        proximity = _proximity(tree, settings)
        parsed.fallback = query.AndMaybe(relaxed, proximity) if proximity else relaxed
        if proximity:
            parsed.query = query.AndMaybe(rewritten, proximity)
    return parsed


def _unfielded(node: query.Query) -> bool:
    """Whether whoosh's parser left a term without a field (found by fuzzing the server)."""
    if node.is_leaf():
        return getattr(node, "fieldname", "") is None
    return any(_unfielded(child) for child in node.children())


_NEGATION = re.compile(r"(?:^|[\s(])(?:-|NOT\s)")


def _negates(node: query.Query, text: str) -> bool:
    """Whether the user negated something (then stop words alone are not searched)."""
    return bool(_NEGATION.search(text)) or isinstance(node, query.Not | query.AndNot) or any(
        _negates(child, "") for child in node.children())


def _as_written(fieldname: str, written: list[str]) -> query.Query:
    if len(written) == 1:
        return query.Term(fieldname, written[0])
    return query.Phrase(fieldname, written, slop=1)


def _words_only(text: str) -> str:
    """``text`` with all but its words blanked and the words in lower case (so no operator
    is left), each character where it was: the offsets that the rewriting, the variants and
    did-you-mean read from the parsed terms still point into ``text``."""
    out = [" "] * len(text)
    for match in re.finditer(TOKEN_PATTERN, text):
        word = match.group()
        lower = word.lower()
        out[match.start():match.end()] = lower if len(lower) == len(word) else word
    return "".join(out)


def _weigh_repeats(tree: query.Query) -> query.Query:
    """A word typed k times counts k times, as in BM25 (whoosh's normalize() keeps one):
    "lexical problems ... lexical subsystem ... lexical" is mostly about "lexical"."""
    if not isinstance(tree, query.And):
        return tree
    counts = Counter(tree.subqueries)
    if all(count == 1 for count in counts.values()):
        return tree
    return query.And([child.with_boost(child.boost * counts[child]) if counts[child] > 1
                      else child for child in counts], boost=tree.boost)


def _rewrite(node: query.Query, text: str, variants: Callable[[str], list[str]] | None,
             parsed: ParsedQuery, variant_boost: float) -> query.Query:
    """Phrases onto the exact copies, sources folded, name variants added."""
    if isinstance(node, query.Phrase):
        return _exact_phrase(node, text)
    if isinstance(node, query.Term):
        if node.fieldname == "source":
            return query.Term("source", source_key(str(node.text)), boost=node.boost)
        if node.fieldname in EXACT_OF and getattr(node, "startchar", None) is not None:
            surface = text[node.startchar:node.endchar]
            quoted = node.startchar > 0 and text[node.startchar - 1] == '"'
            exact = exact_words(surface)
            if len(exact) == 1:
                if node.fieldname == "text":
                    parsed.words.append((exact[0], node.startchar, node.endchar))
                if quoted:
                    return query.Term(EXACT_OF[node.fieldname], exact[0], boost=node.boost)
                others = variants(exact[0]) if variants else []
                if others:
                    parsed.variants[exact[0]] = others
                    field = EXACT_OF[node.fieldname]
                    alternatives = [VariantTerm(field, other, (field, exact[0]),
                                                boost=node.boost * variant_boost)
                                    for other in others]
                    return query.Or([node, *alternatives])
        return node
    if isinstance(node, query.Prefix) and node.fieldname in EXACT_OF:
        return query.Prefix(EXACT_OF[node.fieldname], node.text, boost=node.boost)
    if node.is_leaf():
        return node
    return node.apply(lambda child: _rewrite(child, text, variants, parsed, variant_boost))


def _exact_phrase(node: query.Phrase, text: str) -> query.Query:
    fieldname = EXACT_OF.get(node.fieldname)
    if fieldname is None or not node.char_ranges:
        return node
    surface = " ".join(text[start:end] for start, end in node.char_ranges)
    exact = exact_words(surface)
    if not exact:
        return query.NullQuery
    if len(exact) == 1:
        return query.Term(fieldname, exact[0], boost=node.boost)
    # "a b"~10 (Lucene; Nexis's w/10): the words within ten positions, in order.
    return query.Phrase(fieldname, exact, slop=max(1, node.slop), boost=node.boost,
                        char_ranges=node.char_ranges)


def _plain_clauses(node: query.Query) -> list[query.Query]:
    """The clauses of an implicit AND that are plain words (no operators, typed phrases or
    scopes other than title/text): what the "most words" fallback may relax."""
    if isinstance(node, query.AndNot):
        return _plain_clauses(node.a)
    children = node.subqueries if isinstance(node, query.And) else [node]
    return [child for child in children if _is_plain(child)]


def _is_plain(clause: query.Query) -> bool:
    leaves = list(clause.leaves()) if not clause.is_leaf() else [clause]
    fields = {getattr(leaf, "fieldname", None) for leaf in leaves}
    return (isinstance(clause, query.Or | query.Term)
            and fields <= {"title", "text", "exact", "title_exact"}
            and all(_one_word(leaf) for leaf in leaves))


def _relaxed(node: query.Query) -> query.Query | None:
    """The "most words" form of a query: its plain words become optional (any of them
    matches, more of them score higher) while what the user spelled out stays required:
    ``-word``, typed phrases, OR groups, scopes. None when there is nothing to relax.

    A hyphenated word ("B-52", "shock-sound") stays one word, its parts side by side:
    counting the parts as separate words raised Cranfield and CISI but lowered MED
    (docs/evaluation.md)."""
    if isinstance(node, query.AndNot):
        inner = _relaxed(node.a)
        return None if inner is None else query.AndNot(inner, node.b)
    if not isinstance(node, query.And):
        return None
    plain = [child for child in node.subqueries if _is_plain(child)]
    required = [child for child in node.subqueries if not _is_plain(child)]
    if len(plain) < (1 if required else 2):
        return None
    any_word = query.Or(plain)
    if not required:
        return any_word
    return query.AndMaybe(query.And(required) if len(required) > 1 else required[0], any_word)


def _one_word(leaf: query.Query) -> bool:
    """A term, or the phrase whoosh makes of one typed word that splits into parts
    ("real-gas", "B52"): a word for the fallback. A quoted phrase has ``char_ranges``."""
    return isinstance(leaf, query.Term) or (isinstance(leaf, query.Phrase)
                                            and not leaf.char_ranges)


def _proximity(tree: query.Query, settings: Settings) -> query.Query | None:
    """A sloppy phrase of the query's words on the stemmed text: close together ranks higher."""
    if not isinstance(tree, query.And):
        return None
    stems = [leaf.text for leaf in tree.leaves()
             if isinstance(leaf, query.Term) and leaf.fieldname == "text"]
    if len(stems) < 2:
        return None
    return query.Phrase("text", stems, slop=settings.proximity_slop,
                        boost=settings.proximity_boost)


# ------------------------------------------------------------------ what to highlight


def highlights(node: query.Query, fields: tuple[str, str] = ("text", "exact")) -> Highlights:
    """Terms, prefixes and phrases that a matching paragraph shows, ignoring negated parts
    and the proximity bonus (whose words are in the main query anyway)."""
    found = Highlights()
    stemmed, exact = fields
    for leaf in _positive_leaves(node):
        name = getattr(leaf, "fieldname", None)
        if isinstance(leaf, query.Phrase) and name in (stemmed, exact) and leaf.slop > 1 \
                and leaf.char_ranges:
            # a typed "a b"~10: the words need not be side by side, so each is marked
            (found.stems if name == stemmed else found.exact).update(map(str, leaf.words))
        elif isinstance(leaf, query.Phrase) and name in (stemmed, exact):
            found.phrases.append((tuple(leaf.words), name == stemmed))
        elif isinstance(leaf, query.Prefix) and name == exact:
            found.prefixes.add(str(leaf.text))
        elif isinstance(leaf, query.Term) and name == stemmed:
            found.stems.add(str(leaf.text))
        elif isinstance(leaf, query.Term) and name == exact:
            found.exact.add(str(leaf.text))
    return found


def _positive_leaves(node: query.Query) -> Iterator[query.Query]:
    if isinstance(node, query.Not):
        return
    if isinstance(node, query.AndNot):
        yield from _positive_leaves(node.a)
        return
    if isinstance(node, query.AndMaybe):
        yield from _positive_leaves(node.a)
        return
    if isinstance(node, query.Phrase) or node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from _positive_leaves(child)


def describe(node: query.Query) -> str:
    """The query as understood, in the user's syntax: ``(soleimani OR ~suleimani) bomber``."""
    if isinstance(node, query.AndMaybe):
        return describe(node.a)
    if isinstance(node, query.AndNot):
        return f"{describe(node.a)} -{describe(node.b)}"
    if isinstance(node, query.Not):
        return f"-{describe(node.query)}"
    if isinstance(node, query.Phrase):
        prefix = "title:" if node.fieldname.startswith("title") else ""
        near = f"~{node.slop}" if node.slop > 1 else ""
        return f'{prefix}"{" ".join(node.words)}"{near}'
    if isinstance(node, query.Prefix):
        prefix = "title:" if node.fieldname.startswith("title") else ""
        return f"{prefix}{node.text}*"
    if isinstance(node, query.Term):
        if node.fieldname == "source":
            return f'source:"{node.text}"' if " " in str(node.text) else f"source:{node.text}"
        scope = "title:" if node.fieldname.startswith("title") else ""
        return f"{scope}{'~' if getattr(node, 'variant', False) else ''}{node.text}"
    if isinstance(node, query.Or):
        parts = _dedupe(part for child in node.subqueries
                        for part in _or_parts(describe(child)))
        # An unscoped word searches title and text: "title:x OR x" is just "x".
        parts = [part for part in parts if not (part.startswith("title:") and part[6:] in parts)]
        if len(parts) == 1:
            return parts[0]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(node, query.And):
        parts = _dedupe(describe(child) for child in node.subqueries)
        return " ".join(parts) if len(parts) > 1 else (parts[0] if parts else "")
    if isinstance(node, query.qcore._NullQuery):
        return ""
    return str(node)


def _or_parts(text: str) -> list[str]:
    """Flatten a nested "(a OR b)" so the title and text branches fold into one."""
    if text.startswith("(") and text.endswith(")") and " OR " in text and text.count("(") == 1:
        return text[1:-1].split(" OR ")
    return [text]


def _dedupe(items: Iterator[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# ------------------------------------------------------------------ what a paragraph holds


def paragraph_words(node: query.Query) -> query.Query | None:
    """Any of the query's positive words, phrases and prefixes in a paragraph's text (not
    its title): what makes a paragraph of a matching article a matching paragraph. None
    when the query has none (a title-only or source-only search)."""
    leaves = [leaf for leaf in _positive_leaves(node)
              if getattr(leaf, "fieldname", None) in ("text", "exact")]
    if not leaves:
        return None
    unique = list(dict.fromkeys(leaves))
    return unique[0] if len(unique) == 1 else query.Or(unique)


def typed_words(clause: query.Query, text: str) -> str:
    """A plain clause of the query as the user typed it (for "Missing: …")."""
    for leaf in ([clause] if clause.is_leaf() else clause.leaves()):
        start = getattr(leaf, "startchar", None)
        end = getattr(leaf, "endchar", None)
        if start is not None and end is not None and not getattr(leaf, "variant", False):
            return text[start:end]
    return describe(clause)

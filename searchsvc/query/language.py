"""The query language: what a person types, as a search request's query.

The syntax is the familiar part of Elasticsearch's ``query_string``: plain words (all
must match; the "most words" tier follows when that finds too little),
``"exact phrase"``, ``"a b"~10``, ``OR``, ``AND``, ``NOT`` / ``-word``, ``+word``,
parentheses, ``prefix*``, and the scopes ``title:`` and ``source:``.

Lenient: whatever is typed gets an answer (strict checking is :mod:`searchsvc.syntax`).
whoosh's query parser reads the syntax (:func:`_syntax_tree`, the one use of whoosh
outside ``engine/whoosh/``: a parsing library, not the engine); everything after it is
the plain tree of :mod:`searchsvc.request`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import plugins

from ..analysis import TOKEN_PATTERN, exact_words
from ..fields import source_key
from ..request import (
    Bool,
    MatchAll,
    MatchNone,
    Node,
    Phrase,
    Prefix,
    Term,
    Wildcard,
    all_of,
    any_of,
    but_not,
    is_and,
    is_but_not,
    is_or,
    leaves,
    map_children,
    none_of,
    required_with_bonus,
)
from ..settings import Settings

# Which exact-copy field holds the unstemmed words of each searchable field.
EXACT_OF = {"text": "exact", "title": "title_exact"}


def _user_schema(stop_words: frozenset[str]) -> Schema:
    """Only what a user may scope to; anything else (``day:``, ``foo:``) is plain text.
    Plain words go through the stemmed copy's analysis with the query's longer stop list
    ("what", "how", "about" only phrase the question). The analyzer is the whoosh
    index's own, so the parsed words are what the index holds."""
    from ..engine.whoosh.analysis import stemming_analyzer

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
    """A user query as a request's query, with what ranking and highlighting need."""

    text: str
    query: Node  # the whole query, all words required where the user said nothing
    plain_terms: list[Node] = field(default_factory=list)  # for the "most words" fallback
    fallback: Node | None = None
    variants: dict[str, list[str]] = field(default_factory=dict)
    # surface words for did-you-mean
    words: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return isinstance(self.query, MatchNone)


def parse(text: str, settings: Settings,
          variants: Callable[[str], list[str]] | None = None) -> ParsedQuery:
    """Parse leniently. Never raises for user input: the parser's own failures fall back
    to the words alone."""
    raw, tree = _syntax_tree(text, settings)
    parsed = ParsedQuery(text=text, query=tree)
    if parsed.is_empty and not _negates(raw, text):
        written = exact_words(_words_only(text))
        if written:  # only stop words ("what is it", "The Who"): the words as written
            tree = any_of(*[_as_written(name, written) for name in ("title_exact", "exact")])
    rewritten = _rewrite(tree, text, variants, parsed, settings.variant_boost)
    parsed.query = rewritten
    parsed.plain_terms = _plain_clauses(rewritten)
    relaxed = _relaxed(rewritten)
    if relaxed is not None:
        proximity = _proximity(tree, settings)
        parsed.fallback = required_with_bonus(relaxed, proximity) if proximity else relaxed
        if proximity:
            parsed.query = required_with_bonus(rewritten, proximity)
    return parsed


def _syntax_tree(text: str, settings: Settings) -> tuple[wq.Query, Node]:
    """whoosh's reading of the syntax (normalised, repeats weighed) and the same as a plain
    tree."""
    parser = make_parser(settings.title_boost, settings.query_stop_words)
    try:
        raw = parser.parse(text, normalize=False)
        tree = _weigh_repeats(raw).normalize()
        if _unfielded(tree):  # "( ^3 ) ^3" parses to Term(None, "^3"): not a query
            raise ValueError("a term without a field")
        return raw, _plain(tree)
    except Exception:  # noqa: BLE001 - any parser failure means: search the words
        raw = parser.parse(_words_only(text))
        return raw, _plain(raw)


def _span(node: wq.Query) -> tuple[int, int] | None:
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    return (start, end) if start is not None and end is not None else None


def _plain(node: wq.Query) -> Node:
    """whoosh's parse tree as :mod:`searchsvc.request`'s."""
    if isinstance(node, wq.Phrase):
        return Phrase(node.fieldname, tuple(map(str, node.words)), slop=node.slop,
                      boost=node.boost, spans=tuple(node.char_ranges or ()), span=_span(node))
    if isinstance(node, wq.Prefix):
        return Prefix(node.fieldname, str(node.text), boost=node.boost, span=_span(node))
    if isinstance(node, wq.Wildcard):
        return Wildcard(node.fieldname, str(node.text), boost=node.boost)
    if isinstance(node, wq.Term):
        return Term(node.fieldname, str(node.text), boost=node.boost, span=_span(node))
    if isinstance(node, wq.Every):
        return MatchAll(node.fieldname or None, boost=node.boost)
    if isinstance(node, wq.qcore._NullQuery):
        return MatchNone()
    if isinstance(node, wq.AndNot):
        return but_not(_plain(node.a), _plain(node.b))
    if isinstance(node, wq.AndMaybe):
        return required_with_bonus(_plain(node.a), _plain(node.b))
    if isinstance(node, wq.Not):
        return none_of(_plain(node.query), boost=node.boost)
    if type(node) is wq.And:
        return all_of(*map(_plain, node.subqueries), boost=node.boost)
    if type(node) is wq.Or and not node.minmatch:
        return any_of(*map(_plain, node.subqueries), boost=node.boost)
    raise ValueError(f"no plain form for {type(node).__name__}")


def _unfielded(node: wq.Query) -> bool:
    """Whether whoosh's parser left a term without a field (found by fuzzing the server)."""
    if node.is_leaf():
        return getattr(node, "fieldname", "") is None
    return any(_unfielded(child) for child in node.children())


_NEGATION = re.compile(r"(?:^|[\s(])(?:-|NOT\s)")


def _negates(node: wq.Query, text: str) -> bool:
    """Whether the user negated something (then stop words alone are not searched)."""
    return bool(_NEGATION.search(text)) or isinstance(node, wq.Not | wq.AndNot) or any(
        _negates(child, "") for child in node.children())


def _as_written(fieldname: str, written: list[str]) -> Node:
    if len(written) == 1:
        return Term(fieldname, written[0])
    return Phrase(fieldname, tuple(written), slop=1)


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


def _weigh_repeats(tree: wq.Query) -> wq.Query:
    """A word typed k times counts k times, as in BM25 (whoosh's normalize() keeps one):
    "lexical problems ... lexical subsystem ... lexical" is mostly about "lexical"."""
    if not isinstance(tree, wq.And):
        return tree
    counts = Counter(tree.subqueries)
    if all(count == 1 for count in counts.values()):
        return tree
    return wq.And([child.with_boost(child.boost * counts[child]) if counts[child] > 1
                   else child for child in counts], boost=tree.boost)


def _rewrite(node: Node, text: str, variants: Callable[[str], list[str]] | None,
             parsed: ParsedQuery, variant_boost: float) -> Node:
    """Phrases onto the exact copies, sources folded, name variants added."""
    if isinstance(node, Phrase):
        return _exact_phrase(node, text)
    if isinstance(node, Term):
        if node.field == "source":
            return Term("source", source_key(node.text), boost=node.boost, span=node.span)
        if node.field in EXACT_OF and node.span is not None:
            start, end = node.span
            surface = text[start:end]
            quoted = start > 0 and text[start - 1] == '"'
            exact = exact_words(surface)
            if len(exact) == 1:
                if node.field == "text":
                    parsed.words.append((exact[0], start, end))
                if quoted:
                    return Term(EXACT_OF[node.field], exact[0], boost=node.boost)
                others = variants(exact[0]) if variants else []
                if others:
                    parsed.variants[exact[0]] = others
                    exact_field = EXACT_OF[node.field]
                    alternatives = [Term(exact_field, other, boost=node.boost * variant_boost,
                                         variant_of=exact[0]) for other in others]
                    return any_of(node, *alternatives)
        return node
    if isinstance(node, Prefix) and node.field in EXACT_OF:
        return Prefix(EXACT_OF[node.field], node.text, boost=node.boost, span=node.span)
    if not isinstance(node, Bool):
        return node
    return map_children(node, lambda child: _rewrite(child, text, variants, parsed,
                                                     variant_boost))


def _exact_phrase(node: Phrase, text: str) -> Node:
    fieldname = EXACT_OF.get(node.field)
    if fieldname is None or not node.spans:
        return node
    surface = " ".join(text[start:end] for start, end in node.spans)
    exact = exact_words(surface)
    if not exact:
        return MatchNone()
    if len(exact) == 1:
        return Term(fieldname, exact[0], boost=node.boost)
    # "a b"~10 (Lucene; Nexis's w/10): the words within ten positions, in order.
    return Phrase(fieldname, tuple(exact), slop=max(1, node.slop), boost=node.boost,
                  spans=node.spans, span=node.span)


def _plain_clauses(node: Node) -> list[Node]:
    """The clauses of an implicit AND that are plain words (no operators, typed phrases or
    scopes other than title/text): what the "most words" fallback may relax."""
    if is_but_not(node):
        assert isinstance(node, Bool)
        return _plain_clauses(node.must[0])
    clauses = node.must if is_and(node) and isinstance(node, Bool) else (node,)
    return [child for child in clauses if _is_plain(child)]


def _is_plain(clause: Node) -> bool:
    found = leaves(clause)
    fields = {getattr(leaf, "field", None) for leaf in found}
    return ((is_or(clause) or isinstance(clause, Term))
            and fields <= {"title", "text", "exact", "title_exact"}
            and all(_one_word(leaf) for leaf in found))


def _relaxed(node: Node) -> Node | None:
    """The "most words" form of a query: its plain words become optional (any of them
    matches, more of them score higher) while what the user spelled out stays required:
    ``-word``, typed phrases, OR groups, scopes. None when there is nothing to relax.

    A hyphenated word ("B-52", "shock-sound") stays one word, its parts side by side:
    counting the parts as separate words raised Cranfield and CISI but lowered MED
    (docs/evaluation.md)."""
    if is_but_not(node):
        assert isinstance(node, Bool)
        inner = _relaxed(node.must[0])
        return None if inner is None else but_not(inner, node.must_not[0])
    if not is_and(node) or not isinstance(node, Bool):
        return None
    plain = [child for child in node.must if _is_plain(child)]
    required = [child for child in node.must if not _is_plain(child)]
    if len(plain) < (1 if required else 2):
        return None
    any_word = any_of(*plain)
    if not required:
        return any_word
    return required_with_bonus(all_of(*required) if len(required) > 1 else required[0],
                               any_word)


def _one_word(leaf: Node) -> bool:
    """A term, or the phrase the analysis makes of one typed word that splits into parts
    ("real-gas", "B52"): a word for the fallback. A quoted phrase has ``spans``."""
    return isinstance(leaf, Term) or (isinstance(leaf, Phrase) and not leaf.spans)


def _proximity(tree: Node, settings: Settings) -> Node | None:
    """A sloppy phrase of the query's words on the stemmed text: close together ranks higher."""
    if not is_and(tree):
        return None
    stems = [leaf.text for leaf in leaves(tree)
             if isinstance(leaf, Term) and leaf.field == "text"]
    if len(stems) < 2:
        return None
    return Phrase("text", tuple(stems), slop=settings.proximity_slop,
                  boost=settings.proximity_boost)

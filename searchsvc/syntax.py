"""What a strict parser rejects in a query (``strict=true``): unbalanced quotes or
parentheses, a dangling operator, an unknown field, with the character position.

The syntax is the familiar part of Elasticsearch's ``query_string``; this check is the
same for every engine, so it lives outside them.
"""

from __future__ import annotations

import re

from .analysis import exact_words

USER_FIELDS = ("title", "text", "source")
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")


class QuerySyntaxError(ValueError):
    """A malformed query in strict mode. ``position`` is a 0-based character offset."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} at character {position + 1}")
        self.position = position


_SCAN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_FIELD = re.compile(r"^([A-Za-z_]\w*):(.*)$")


def check_syntax(text: str) -> None:
    """Raise :class:`QuerySyntaxError` for what a strict parser rejects."""
    depth_opened: list[int] = []
    previous: str | None = None
    previous_at = 0
    for match in _SCAN.finditer(text):
        token, at = match.group(), match.start()
        if token.startswith('"'):
            if len(token) == 1 or not token.endswith('"'):
                raise QuerySyntaxError("unclosed quote", at)
        elif token == "(":
            depth_opened.append(at)
        elif token == ")":
            if not depth_opened:
                raise QuerySyntaxError("')' without '('", at)
            if previous == "(":
                raise QuerySyntaxError("empty parentheses", previous_at)
            if previous in OPERATORS:
                raise QuerySyntaxError(f"{previous} needs something after it", previous_at)
            depth_opened.pop()
        elif token in OPERATORS:
            if token != "NOT" and (previous is None or previous in OPERATORS or previous == "("):
                raise QuerySyntaxError(f"{token} needs something before it", at)
            if token == "NOT" and previous == "NOT":
                raise QuerySyntaxError("NOT NOT", at)
        elif token in ("-", "+"):
            raise QuerySyntaxError(f"lone '{token}'", at)
        else:
            scoped = _FIELD.match(token)
            if scoped:
                name, rest = scoped.groups()
                if name not in USER_FIELDS:
                    raise QuerySyntaxError(
                        f"unknown field '{name}' (use {', '.join(f + ':' for f in USER_FIELDS)})",
                        at,
                    )
                following = text[match.end():match.end() + 1]
                if not rest and following not in ('"', "("):
                    raise QuerySyntaxError(f"'{name}:' needs a value", at)
            elif token.lstrip("+-").startswith("*"):
                raise QuerySyntaxError("a wildcard needs letters before it", at)
        previous, previous_at = token, at
    if previous in OPERATORS:
        raise QuerySyntaxError(f"{previous} needs something after it", previous_at)
    if depth_opened:
        raise QuerySyntaxError("'(' is never closed", depth_opened[-1])
    if not exact_words(text.replace('"', " ")):
        raise QuerySyntaxError("no searchable words", 0)

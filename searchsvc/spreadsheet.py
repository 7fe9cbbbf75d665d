"""CSV cells a spreadsheet opens safely (the search export's and the attention table's)."""

from __future__ import annotations


def cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text opening with = + - @ gets a leading
    apostrophe (OWASP's advice on CSV injection). Numbers pass as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

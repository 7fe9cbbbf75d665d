"""A search as an Atom feed (RFC 4287): an alert a reader adds to any feed reader.

One entry per article, newest first, with its best snippet and a link to the paragraph;
after the next rebuild, new coverage shows up as new entries. Entry ids are the article's
address, so a reader does not show an article twice across rebuilds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree import ElementTree as ET

from .labels import article_label
from .models import SearchResponse

ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


def atom_feed(response: SearchResponse, q: str, self_url: str, page_url: str,
              link_of: Callable[..., str], built_at: str | None) -> str:
    """The feed's XML. ``link_of(article_id, paragraph=0, q="")``: the absolute address of
    the article (at the paragraph, with the search marked);
    ``built_at``: the index's build time, the feed's date when no entry is dated."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", f"News archive: {q}" if q.strip() else "News archive: newest")
    _text(feed, "subtitle", f"{response.total_articles:,} articles match; the newest"
                            f" {len(response.hits)} are here")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url,
                  type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    _text(feed, "id", self_url)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "searchsvc")
    stamps = [_stamp(hit.date) for hit in response.hits if hit.date]
    _text(feed, "updated", max(stamps) if stamps else _built(built_at))
    for hit in response.hits:
        best = hit.paragraphs[0] if hit.paragraphs else None
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", article_label(hit.title, hit.source, best.text if best else ""))
        article_url = link_of(hit.article_id, 0)  # its id: the same in every feed
        href = link_of(hit.article_id, best.number if best else 0, q)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=href, type="text/html")
        _text(entry, "id", article_url)
        _text(entry, "updated", _stamp(hit.date) if hit.date else _built(built_at))
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(entry_author, "name", hit.source or "Unknown source")
        if best is not None and best.snippet:
            # The snippet is HTML (escaped text with <mark>): type="html" carries it escaped.
            summary = _text(entry, "summary", best.snippet)
            summary.set("type", "html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = value
    return element


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"  # dates are days; RFC 3339 needs a time


def _built(built_at: str | None) -> str:
    if built_at:
        try:
            when = dt.datetime.fromisoformat(built_at)
        except ValueError:
            when = None
        if when is not None:
            return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "1970-01-01T00:00:00Z"

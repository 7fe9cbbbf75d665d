"""Reading an article's text the way a news reader does.

Given the raw text of one article, split it into blocks (paragraphs), set aside the
metadata lines at its head (headline, byline, date line, dateline) and drop web-page
residue. Every rule here is about the *shape* of a line, not about particular strings,
so that it holds for the next article as well as for the seeds:

* residue: a block with no word of two letters or digits (lone bullets, separators);
  a short code-like token (letters mixed with digits, no spaces: "A1F", "X7"); a menu
  or navigation label (one or two words, no sentence punctuation, not a date) before the
  article's first paragraph (inside the article such a line is a subheading or a table
  label: "Year", "Nine mths", "Revs 11,754,251"); a call to join/subscribe/follow our
  channel, newsletter or social account; a photo caption, i.e. a short block that ends
  in a parenthesised credit ("(upyernoz/Flickr)", "(AP Photo/...)", "(Getty Images)")
  after the caption itself (a block wholly in parentheses is an editor's note).
* byline: "by NAME [DATE]" at the head, at most a dozen words.
* date line: a short block at the head that is, as a whole, a date.
* dateline: "PLACE (AGENCY) —" opening the first paragraph; the text stays.
* headline: the first block of the head that is not residue or metadata and reads
  like a headline (no sentence-final punctuation, at most 30 words), when body text
  follows it; a file's only block is its text, never a headline.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from dateutil import parser as dateparser

# Characters that render as a space but would glue words together for a tokenizer.
_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t\r\f\v"), " ")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WS_RUN = re.compile(r"\s+")
_WORD = re.compile(r"\w{2,}")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"’”»)]*$")
_CODE_LIKE = re.compile(r"(?=\S*\d)(?=\S*[A-Za-z])[A-Za-z0-9_\-]{1,8}")
_CREDIT = re.compile(
    r"\(\s*(?:[^()]*[^\W\d_]\s*/\s*[^\W\d_][^()]*"  # name/agency, not a fraction like 15/70
    r"|(?:photo|image|picture|credit|courtesy|file)\b[^()]*"
    r"|[^()]*\b(?:images|photos?|flickr|getty|wikimedia|shutterstock|afp|reuters|ap)\b[^()]*)\)\s*$",
    re.IGNORECASE,
)
_PROMOTION = re.compile(
    r"\b(?:join|subscribe|follow|sign up|download|like)(?:\s+(?:to|for|on|at|in|up))*"
    r"\s+(?:our|us|the|my)\b.{0,80}"
    r"\b(?:channel|newsletter|telegram|twitter|facebook|instagram|youtube|podcast|app|whatsapp)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+(?P<rest>.+)$", re.IGNORECASE)
_BYLINE_DATE_START = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b,?|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .,'\-]{1,40}?)\s*"
    r"\((?P<agency>[A-Za-z][A-Za-z .&\-]{0,30})\)\s*[—–\-]{1,2}\s*"
)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")

HEAD_BLOCKS = 10  # metadata and residue at the head of a page sit within its first blocks
MAX_HEADLINE_WORDS = 30
MAX_CAPTION_WORDS = 25
MAX_BYLINE_WORDS = 12
WRAPPED_LINE_MIN = 40  # a shorter line inside a block ends something: a label, a caption


def normalize(text: str) -> str:
    """What search needs and a reader would not notice: NFC, plain spaces, no runs of space."""
    text = unicodedata.normalize("NFC", text).translate(_SPACE_LIKE).translate(_ZERO_WIDTH)
    return _WS_RUN.sub(" ", text).strip()


def split_blocks(text: str) -> list[str]:
    """Blank-line-separated blocks where the text has blank lines, else one block per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    has_blank = any(not normalize(line) for line in lines[1:-1]) and len(lines) > 2
    if not has_blank:
        return [b for b in map(normalize, lines) if b]
    blocks: list[str] = []
    for raw in re.split(r"\n[ \t\u00a0\u202f\u2007]*\n", text):
        block_lines = [b for b in map(normalize, raw.split("\n")) if b]
        if _is_hard_wrapped(block_lines):
            blocks.append(" ".join(block_lines))
        else:  # lines of unlike things run together: a menu, a caption over a date
            blocks.extend(block_lines)
    return blocks


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Prose wrapped at a fixed width: every line but the last is long."""
    return all(len(line) >= WRAPPED_LINE_MIN for line in lines[:-1])


def parse_date(text: str, *, fuzzy: bool = False) -> dt.date | None:
    """A calendar date from text, or None. Needs a four-digit year: a bare "May 3" is no date."""
    if not _YEAR.search(text):
        return None
    try:
        value = dateparser.parse(text, fuzzy=fuzzy, default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    return value.date() if value else None


def residue_reason(block: str) -> str | None:
    """Why a block is web-page residue rather than article text, or None if it is text."""
    words = block.split()
    if not _WORD.search(block):
        return "no words"
    if len(words) == 1 and _CODE_LIKE.fullmatch(block):
        return "code-like token"
    if len(words) <= 2 and not _SENTENCE_END.search(block) and parse_date(block) is None:
        return "navigation label"
    if len(words) <= 40 and _PROMOTION.search(block):
        return "channel promotion"
    if len(words) <= MAX_CAPTION_WORDS:
        credit = _CREDIT.search(block)
        if credit and block[: credit.start()].strip():
            return "photo caption with credit"
    return None


def _looks_like_headline(block: str) -> bool:
    return len(block.split()) <= MAX_HEADLINE_WORDS and not _SENTENCE_END.search(block)


def _byline(block: str) -> tuple[str, dt.date | None] | None:
    match = _BYLINE.match(block)
    if not match or len(block.split()) > MAX_BYLINE_WORDS:
        return None
    rest = match.group("rest")
    date_start = _BYLINE_DATE_START.search(rest)
    name = rest[: date_start.start()] if date_start else rest
    name = name.strip(" ,|–—-")
    date = parse_date(rest[date_start.start():], fuzzy=True) if date_start else None
    return (name, date) if name else None


def _date_line(block: str) -> dt.date | None:
    if len(block.split()) > 6:
        return None
    return parse_date(block.replace("–", " ").replace("—", " "))


@dataclass
class Extracted:
    """What the text itself says about an article."""

    paragraphs: list[str]
    title: str | None = None
    source: str | None = None
    date: dt.date | None = None
    byline: str | None = None
    dateline: str | None = None
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (block, reason)


def extract(text: str, known_title: str | None = None) -> Extracted:
    """Split an article's text into metadata and paragraphs.

    ``known_title`` (from a catalog) is dropped where the text repeats it as its first block.
    """
    blocks = split_blocks(text)
    result = Extracted(paragraphs=[], title=known_title or None)
    in_head = True
    for position, block in enumerate(blocks):
        if position >= HEAD_BLOCKS:
            in_head = False
        reason = residue_reason(block)
        if reason == "navigation label" and not in_head:
            reason = None  # a subheading or table label inside the article
        if reason:
            result.dropped.append((block, reason))
            continue
        if in_head:
            if known_title and normalize(block).casefold() == normalize(known_title).casefold():
                result.dropped.append((block, "title"))
                continue
            byline = _byline(block)
            if byline:
                result.byline, byline_date = byline
                result.date = result.date or byline_date
                result.dropped.append((block, "byline"))
                continue
            date = _date_line(block)
            if date:
                result.date = result.date or date
                result.dropped.append((block, "date line"))
                continue
            if result.title is None and not result.paragraphs and _looks_like_headline(block):
                result.title = block
                result.dropped.append((block, "headline"))
                continue
            dateline = _DATELINE.match(block) if not result.paragraphs else None
            if dateline:
                result.dateline = dateline.group("place").strip(" ,")
                result.source = dateline.group("agency").strip()
            in_head = False
        result.paragraphs.append(block)
    if not result.paragraphs:
        _keep_lone_text(result, known_title)
    if result.source is None and result.byline:
        result.source = result.byline
    return result


def _keep_lone_text(result: Extracted, known_title: str | None) -> None:
    """A headline is a headline only when body text follows it: a file whose only block
    reads like one (a one-line abstract, a title-less note) keeps it as its text, and so
    does a file whose only words looked like a navigation label ("Qāsem Soleimani")."""
    if result.title is not None and result.title != known_title:
        result.dropped.remove((result.title, "headline"))
        result.paragraphs.append(result.title)
        result.title = known_title or None
        return
    worded = [(block, reason) for block, reason in result.dropped if reason != "no words"]
    if result.title is None and len(worded) == 1 and worded[0][1] == "navigation label":
        result.dropped.remove(worded[0])  # one short line and nothing else: the text
        result.paragraphs.append(worded[0][0])

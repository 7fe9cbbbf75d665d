"""Reading articles as a news reader does: the seed corpus, and the rules on invented text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from searchsvc.corpus import UNKNOWN_SOURCE, Article, read_folder
from searchsvc.extract import extract, normalize, parse_date, residue_reason, split_blocks
from tests.paths import SEEDS as SEED_DIR

CNN, ESTA, AMN, ZH = (
    "000_a2d3934c72cc6993",
    "001_6c93bd1d9ff11c7a",
    "002_2597359e734cd98a",
    "003_bf4d45bef3f202d2",
)
CNN_TITLE = ("US defense officials divided over potential for Iranian attack on eve of grim"
             " anniversary")
AMN_TITLE = ("Report: Iran-backed militias have weapons in place for planned revenge attack after"
             " nuke scientist killed")
ZH_BYLINE = "by Zero Hedge Thu, 12/10/2020 – 09:25"

# id: (source, date, title, paragraphs, first paragraph starts, last paragraph ends)
SEEDS = {
    CNN: ("CNN", dt.date(2020, 12, 31), CNN_TITLE, 19,
          "Pentagon officials say the army muscle-flexing",
          "not about conducting a preemptive strike."),
    ESTA: ("ESTA", dt.date(2020, 12, 31), "", 16,
           "SULAIMANI (ESTA) — The U.S. military is bracing",
           "No known Iran-backed groups have claimed responsibility."),
    AMN: ("AMN", dt.date(2020, 12, 11), AMN_TITLE, 10,
          "On Thursday, CNN reported U.S. officials are concerned",
          "culminated in the strike that killed Soleimani just days later."),
    ZH: ("Zero Hedge", dt.date(2020, 12, 10), "", 14,
         "The Pentagon ordered two B-52 bombers",
         "try not to get this into an escalation mode.”"),
}

RESIDUE = [
    "Navigation",
    "Join our brand new verified AMN Telegram channel and get important news uncensored!",
    "•",
    "A1F",
    "Hezbollah Flag. (upyernoz/Flickr)",
    "December 11, 2020",
    ZH_BYLINE,
    CNN_TITLE,
    AMN_TITLE,
]


def read(folder: Path) -> tuple[dict[str, Article], list]:
    problems: list = []
    articles = {a.id: a for a in read_folder(folder, problems.append)}
    return articles, problems


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    articles, problems = read(SEED_DIR)
    assert problems == []
    return articles


@pytest.fixture(scope="module")
def uncatalogued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Article]:
    """The seed texts without catalog.csv: all metadata must come from the text."""
    folder = tmp_path_factory.mktemp("no-catalog")
    for path in SEED_DIR.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    articles, problems = read(folder)
    assert problems == []
    return articles


def test_seed_corpus_has_exactly_the_four_articles(seeds) -> None:
    assert sorted(seeds) == [CNN, ESTA, AMN, ZH]


@pytest.mark.parametrize("article_id", SEEDS)
def test_seed_article_metadata_and_paragraphs(seeds, article_id: str) -> None:
    source, date, title, count, first, last = SEEDS[article_id]
    article = seeds[article_id]
    assert (article.source, article.date, article.title) == (source, date, title)
    assert article.path == f"{article_id}.txt"
    assert len(article.paragraphs) == count
    assert article.paragraphs[0].startswith(first)
    assert article.paragraphs[-1].endswith(last)


@pytest.mark.parametrize("article_id", SEEDS)
def test_every_line_of_a_seed_is_a_paragraph_or_set_aside(seeds, article_id: str) -> None:
    """No line disappears: each non-blank line is a paragraph, or residue/metadata — and the
    seed files hold one paragraph per line (CNN, ESTA) or per blank-line block (AMN, ZH)."""
    raw = (SEED_DIR / f"{article_id}.txt").read_text(encoding="utf-8")
    lines = [normalize(line) for line in raw.splitlines() if normalize(line)]
    paragraphs = seeds[article_id].paragraphs
    set_aside = [line for line in lines if line not in paragraphs]
    assert [line for line in lines if line in paragraphs] == paragraphs
    assert set(set_aside) <= set(RESIDUE)


@pytest.mark.parametrize("block", RESIDUE)
def test_residue_and_metadata_lines_are_not_paragraphs(seeds, block: str) -> None:
    for article in seeds.values():
        assert block not in article.paragraphs
        assert not any(p.startswith(block) for p in article.paragraphs)


def test_amn_head_is_read_as_residue_headline_caption_and_date() -> None:
    text = (SEED_DIR / f"{AMN}.txt").read_text(encoding="utf-8")
    assert extract(text).dropped == [
        ("Navigation", "navigation label"),
        (RESIDUE[1], "channel promotion"),
        ("•", "no words"),
        ("A1F", "code-like token"),
        (AMN_TITLE, "headline"),
        ("Hezbollah Flag. (upyernoz/Flickr)", "photo caption with credit"),
        ("December 11, 2020", "date line"),
    ]


def test_catalog_extra_columns_and_text_metadata_are_kept(seeds) -> None:
    assert seeds[AMN].extra == {"publication": "American Military News"}
    assert seeds[ZH].extra == {"publication": "Zero Hedge", "byline": "Zero Hedge"}
    assert seeds[ESTA].extra["dateline"] == "SULAIMANI"


# ---------------------------------------------------------------- without the catalog


def test_without_catalog_ids_come_from_file_names(uncatalogued) -> None:
    assert sorted(uncatalogued) == [CNN, ESTA, AMN, ZH]


def test_without_catalog_esta_source_comes_from_the_dateline(uncatalogued) -> None:
    esta = uncatalogued[ESTA]
    assert (esta.source, esta.date, esta.title) == ("ESTA", None, "")
    assert esta.extra == {"dateline": "SULAIMANI"}
    assert esta.paragraphs[0].startswith("SULAIMANI (ESTA) — The U.S. military")
    assert len(esta.paragraphs) == 16


def test_without_catalog_zero_hedge_source_and_date_come_from_the_byline(uncatalogued) -> None:
    zh = uncatalogued[ZH]
    assert (zh.source, zh.date, zh.title) == ("Zero Hedge", dt.date(2020, 12, 10), "")
    assert len(zh.paragraphs) == 14


def test_without_catalog_amn_date_comes_from_the_date_line(uncatalogued) -> None:
    amn = uncatalogued[AMN]
    assert (amn.source, amn.date, amn.title) == (UNKNOWN_SOURCE, dt.date(2020, 12, 11), AMN_TITLE)
    assert len(amn.paragraphs) == 10


def test_without_catalog_cnn_headline_is_the_title_and_cnn_is_undated(uncatalogued) -> None:
    cnn = uncatalogued[CNN]
    assert (cnn.source, cnn.date, cnn.title) == (UNKNOWN_SOURCE, None, CNN_TITLE)
    assert len(cnn.paragraphs) == 19


def test_catalog_title_repeated_as_first_line_is_not_a_paragraph() -> None:
    result = extract("Storm Hits Coast\nResidents fled on Monday.", known_title="storm hits coast")
    assert result.title == "storm hits coast"
    assert result.paragraphs == ["Residents fled on Monday."]


# ---------------------------------------------------------------- rules, on invented articles

INVENTED = """Storm hits coast

Residents were evacuated on Monday as the storm approached the coast, officials said.

Rescue workers carry a child through flood water in the town. (AP Photo/John Doe)

Subscribe to our newsletter

|

The damage was estimated at millions of dollars, according to the governor."""


def test_invented_article_drops_caption_promotion_and_separator() -> None:
    result = extract(INVENTED)
    assert result.title == "Storm hits coast"
    assert result.paragraphs == [
        "Residents were evacuated on Monday as the storm approached the coast, officials said.",
        "The damage was estimated at millions of dollars, according to the governor.",
    ]
    assert [reason for _, reason in result.dropped] == [
        "headline", "photo caption with credit", "channel promotion", "no words",
    ]
    assert result.date is None


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("A firefighter at the scene on Sunday. (AP Photo/John Doe)", "photo caption with credit"),
        ("The minister arrives in Paris. (Getty Images)", "photo caption with credit"),
        ("Subscribe to our newsletter", "channel promotion"),
        ("Follow us on Twitter for the latest updates.", "channel promotion"),
        ("|", "no words"),
        ("• • •", "no words"),
        ("X7", "code-like token"),
        ("Home", "navigation label"),
        ("Latest News", "navigation label"),
    ],
)
def test_residue_rules(block: str, reason: str) -> None:
    assert residue_reason(block) == reason


@pytest.mark.parametrize(
    "block",
    [
        "Yes.",
        "He declined to comment.",
        "December 11, 2020",  # a date line is metadata, not residue
        # Rate tables end in a parenthesised fraction, which is no photo credit.
        "FRANKFURT EXCHANGES OPENING - APRIL 7 dollar 1.8200/15 (1.8260/70)",
        "MADRID DOLLAR OPENING 127.40/70 (previous close 127.60/90)",
        "Treasury bills were quoted at 6-1/8 (6-1/8)",
        # An editor's note wholly in parentheses is no caption, whatever its slashes.
        "(Corrects dollar/mark exchange rate to 1.8250 in third paragraph)",
        # A sentence that mentions following and a channel is no promotion.
        "As a result it will follow close on the heels of the privatisation of the TF1"
        " television channel.",
        "Shares of the company, which is traded in New York (NYSE/Nasdaq), rose sharply today.",
    ],
)
def test_text_is_not_residue(block: str) -> None:
    assert residue_reason(block) is None


def test_short_lines_inside_an_article_are_kept() -> None:
    """A menu label before the text is residue; inside the text a short line is a
    subheading or a table row, and dropping it would change what the numbers mean."""
    report = ("Home\n\nACME CORP 4TH QTR NET\n\nShr 1.20 dlrs vs 1.10 dlrs\n\n"
              "Net 4,120,000 vs 3,800,000\n\nYear\n\nShr 4.00 dlrs vs 3.00 dlrs\n\n"
              "Revs 11,754,251\n")
    result = extract(report)
    assert result.title == "ACME CORP 4TH QTR NET"
    assert result.paragraphs == ["Shr 1.20 dlrs vs 1.10 dlrs", "Net 4,120,000 vs 3,800,000",
                                 "Year", "Shr 4.00 dlrs vs 3.00 dlrs", "Revs 11,754,251"]
    assert result.dropped == [("Home", "navigation label"),
                              ("ACME CORP 4TH QTR NET", "headline")]


def test_article_without_a_date_is_undated() -> None:
    result = extract("The council met to discuss the budget.\n\nA vote is expected next week.")
    assert result.date is None
    assert result.title is None
    assert len(result.paragraphs) == 2


def test_dateline_gives_the_source_and_stays_in_the_text() -> None:
    result = extract("BEIRUT (AP) — Protesters gathered on Friday.\n\nPolice watched.")
    assert (result.source, result.dateline) == ("AP", "BEIRUT")
    assert result.paragraphs[0] == "BEIRUT (AP) — Protesters gathered on Friday."


def test_byline_without_a_date() -> None:
    result = extract("by Jane Smith\n\nThe budget passed on Tuesday after a long debate.")
    assert (result.byline, result.source, result.date) == ("Jane Smith", "Jane Smith", None)
    assert result.paragraphs == ["The budget passed on Tuesday after a long debate."]


# ---------------------------------------------------------------- blocks, dates, normalising


def test_blocks_are_lines_without_blank_lines_and_blank_separated_otherwise() -> None:
    assert split_blocks("One.\nTwo.\r\nThree.") == ["One.", "Two.", "Three."]
    wrapped = ("This paragraph was wrapped at a fixed width by the\n"
               "system that exported it, and continues here.\n\nSecond paragraph.")
    assert split_blocks(wrapped) == [
        "This paragraph was wrapped at a fixed width by the system that exported it,"
        " and continues here.",
        "Second paragraph.",
    ]
    # Short lines run together in one block are separate things (a menu, a caption + date).
    assert split_blocks("Home\nWorld\n\nText of the article.") == [
        "Home", "World", "Text of the article.",
    ]


def test_parse_date_needs_a_four_digit_year() -> None:
    assert parse_date("December 11, 2020") == dt.date(2020, 12, 11)
    assert parse_date("2020-12-31") == dt.date(2020, 12, 31)
    assert parse_date("May 3") is None
    assert parse_date("not a date") is None


def test_non_breaking_spaces_become_plain_spaces_in_paragraphs(seeds) -> None:
    raw = (SEED_DIR / f"{ZH}.txt").read_text(encoding="utf-8")
    assert "the\u00a0New York Times\u00a0was" in raw  # the seed really has them
    assert "told the New York Times was intended" in seeds[ZH].paragraphs[0]
    for article in seeds.values():
        for paragraph in article.paragraphs:
            assert "\u00a0" not in paragraph
            assert "  " not in paragraph


def test_curly_quotes_are_kept_as_written(seeds) -> None:
    assert "‘show-of-force’" in seeds[ZH].paragraphs[0]
    assert "“worrisome”" in seeds[AMN].paragraphs[1]
    assert "Soleimani’s killing" in seeds[ESTA].paragraphs[9]
    assert not any("'" in p or '"' in p for a in seeds.values() for p in a.paragraphs)


def test_normalize() -> None:
    assert normalize("Iran\u00a0and\u202fIraq\u200b \t ") == "Iran and Iraq"
    assert normalize("Cafe\u0301") == "Café"  # NFC
    assert normalize("in\u00adcredible") == "incredible"  # soft hyphen


@pytest.mark.parametrize("text", [
    "Experimental investigation of the aerodynamics of a wing in a slipstream\n",
    "Qāsem Soleimani\n",
    "  Oil prices rose sharply on Monday  \n\n",
])
def test_a_lone_block_is_text_not_a_headline(text: str) -> None:
    """Untitled one-line documents (abstracts, notes) keep their words as their text."""
    found = extract(text)
    assert (found.title, found.paragraphs) == (None, [text.strip()])
    assert [reason for _, reason in found.dropped if reason != "no words"] == []


def test_a_headline_needs_body_text_after_it() -> None:
    found = extract("Oil prices rise\n\nCrude oil rose 3% on Monday, traders said.\n")
    assert found.title == "Oil prices rise"
    assert found.paragraphs == ["Crude oil rose 3% on Monday, traders said."]
    only_title = extract("Oil prices rise\n", known_title="Oil prices rise")
    assert (only_title.title, only_title.paragraphs) == ("Oil prices rise", [])

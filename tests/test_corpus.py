"""Reading corpus folders and JSON Lines: bad input is reported once and the rest is indexed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from searchsvc import indexer as index
from searchsvc.corpus import Problem, read_folder, read_jsonl

GOOD = {
    "alpha.txt": "Iranian forces seized a tanker in the Gulf on Monday.\n",
    "beta.txt": "Militia leaders met Quds Force commanders in Baghdad, officials said.\n",
}


def make_corpus(folder: Path, files: dict[str, str | bytes], catalog: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if catalog is not None:
        (folder / "catalog.csv").write_text(catalog, encoding="utf-8")
    return folder


def build(tmp_path: Path, corpus: Path | None, jsonl: Path | None = None):
    """Build an index; return the summary and the stored fields of every entry by pid."""
    root = tmp_path / "ix"
    summary = index.build(root, corpus, jsonl)
    ix = whoosh_index.open_dir(str(index.live_path(root)))
    with ix.searcher() as searcher:
        entries = {fields["pid"]: fields for fields in searcher.all_stored_fields()}
    ix.close()
    return summary, entries


def article_ids(entries: dict[str, dict]) -> set[str]:
    return {fields["article_id"] for fields in entries.values()}


# Each case: extra files, catalog text, the one problem expected, the article ids indexed.
BAD_INPUT = {
    "undecodable": (
        {"latin.txt": b"Caf\xe9 au lait is served hot in Tehran.\n"}, None,
        "latin.txt: skipped: not UTF-8 text (byte 0xe9 at offset 3)",
        {"alpha", "beta"},
    ),
    "binary": (
        {"image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, None,
        "image.txt: skipped: binary file (contains NUL bytes)",
        {"alpha", "beta"},
    ),
    "empty": (
        {"empty.txt": ""}, None,
        "empty.txt: skipped: empty file",
        {"alpha", "beta"},
    ),
    "blank": (
        {"blank.txt": " \n\u00a0\n\n"}, None,
        "blank.txt: skipped: empty file",
        {"alpha", "beta"},
    ),
    "only residue": (
        {"menu.txt": "Home\n\n•\n\nA1F\n"}, None,
        "menu.txt: skipped: no article text (only residue)",
        {"alpha", "beta"},
    ),
    "catalog names a missing file": (
        {}, "file,id\nalpha.txt,a\nmissing.txt,m\nbeta.txt,b\n",
        "catalog.csv:3: catalog names missing file 'missing.txt'",
        {"a", "b"},
    ),
    "malformed catalog date": (
        {}, "file,id,date\nalpha.txt,a,2021-01-04\nbeta.txt,b,31/31/2021\n",
        "catalog.csv:3: malformed date '31/31/2021'; article kept as undated",
        {"a", "b"},
    ),
    "duplicate id": (
        {}, "file,id\nalpha.txt,same\nbeta.txt,same\n",
        "beta.txt: skipped: duplicate article id 'same' (also alpha.txt)",
        {"same"},
    ),
    "catalog names a file twice": (
        {}, "file,id\nalpha.txt,a\nbeta.txt,b\nalpha.txt,a2\n",
        "catalog.csv:4: catalog names 'alpha.txt' again (first on line 2); this row ignored",
        {"a", "b"},
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_problem_and_the_rest_is_indexed(tmp_path: Path, case: str) -> None:
    files, catalog, expected, ids = BAD_INPUT[case]
    corpus = make_corpus(tmp_path / "corpus", {**GOOD, **files}, catalog)
    summary, entries = build(tmp_path, corpus)
    assert [str(problem) for problem in summary.problems] == [expected]
    assert article_ids(entries) == ids
    assert summary.articles == len(ids)


def test_malformed_catalog_date_leaves_the_article_undated(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", GOOD,
                         "file,id,date\nalpha.txt,a,2021-01-04\nbeta.txt,b,31/31/2021\n")
    _, entries = build(tmp_path, corpus)
    assert entries["a#1"]["day"] == "2021-01-04"
    assert entries["b#1"]["day"] == "undated"


def test_malformed_catalog_date_falls_back_to_the_text_date(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus",
                         {"dated.txt": "December 11, 2020\n\nRockets hit the embassy.\n"},
                         "file,id,date\ndated.txt,d,11/31/2020\n")
    summary, entries = build(tmp_path, corpus)
    assert [str(p) for p in summary.problems] == [
        "catalog.csv:2: malformed date '11/31/2020'; the text's date 2020-12-11 used"]
    assert entries["d#1"]["day"] == "2020-12-11"


def test_problem_names_file_and_line() -> None:
    assert str(Problem("catalog.csv", "catalog names missing file 'x.txt'", 7)) == (
        "catalog.csv:7: catalog names missing file 'x.txt'")
    assert str(Problem("a.txt", "skipped: empty file")) == "a.txt: skipped: empty file"


def test_article_without_a_date_is_undated_in_the_index(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {
        "story.txt": "The council met to discuss the budget.\n\nA vote is expected next week.\n",
    })
    summary, entries = build(tmp_path, corpus)
    assert summary.problems == []
    assert set(entries) == {"story#1", "story#2"}
    assert {e["day"] for e in entries.values()} == {"undated"}


def test_catalog_metadata_wins_and_extra_columns_are_kept(tmp_path: Path) -> None:
    corpus = make_corpus(
        tmp_path / "corpus",
        {"2021/iran-talks.txt": "Iran resumes enrichment\n\nIran said it resumed enrichment.\n"
                                "\nby Jane Roe\n\nTalks continue in Vienna.\n"},
        "file,id,source,date,title,url,desk\n"
        "2021/iran-talks.txt,reuters-0001,Reuters,2021-01-04,Iran resumes enrichment,"
        "https://example.org/a,world\n",
    )
    problems: list[Problem] = []
    [article] = read_folder(corpus, problems.append)
    assert problems == []
    assert (article.id, article.source, article.date, article.title, article.url) == (
        "reuters-0001", "Reuters", dt.date(2021, 1, 4), "Iran resumes enrichment",
        "https://example.org/a")
    # The text repeats the catalog title: it is not a paragraph. A byline after the first
    # paragraph is article text.
    assert article.paragraphs == ["Iran said it resumed enrichment.", "by Jane Roe",
                                  "Talks continue in Vienna."]
    assert article.extra == {"desk": "world"}
    assert article.path == "2021/iran-talks.txt"


def test_ids_default_to_the_path_without_txt_at_any_depth(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {
        "2021/01/iran-talks.txt": "Iran said it resumed enrichment.\n",
        "notes.md": "Not an article.\n",
    })
    assert [a.id for a in read_folder(corpus, print)] == ["2021/01/iran-talks"]


def test_bom_and_crlf_are_read(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {
        "bom.txt": "\ufeffStorm hits coast\r\n\r\nResidents fled on Monday.\r\n\r\n"
                   "Roads closed.\r\n",
    })
    [article] = read_folder(corpus, print)
    assert article.title == "Storm hits coast"
    assert article.paragraphs == ["Residents fled on Monday.", "Roads closed."]


def test_a_file_of_one_line_keeps_it_as_its_text(tmp_path: Path) -> None:
    """A headline is a headline only when text follows it: a flash of one line is an
    untitled article whose text is that line, not a title with no text."""
    corpus = make_corpus(tmp_path / "corpus", {**GOOD, "flash.txt": "IRAN SEIZES TANKER IN GULF\n"})
    summary, entries = build(tmp_path, corpus)
    assert summary.problems == []
    assert (summary.articles, summary.paragraphs, summary.title_only) == (3, 3, 0)
    assert entries["flash#1"]["title"] == ""
    assert entries["flash#1"]["text"] == "IRAN SEIZES TANKER IN GULF"
    assert "flash#0" not in entries


# ---------------------------------------------------------------- JSON Lines

EXPORT = [
    {"id": "a1", "title": "Iran resumes enrichment", "source": "AP", "date": "2021-01-04",
     "url": "https://example.org/a1", "desk": "world",
     "paragraphs": ["Iran said on Monday it had resumed enrichment.",
                    "Officials in Vienna declined to comment on the report."]},
    {"id": "a2", "source": "Reuters", "date": "January 5, 2021",
     "text": "Tanker seized in the Gulf\n\nIranian forces seized a tanker on Monday."
             "\n\nThe ship flew a\u00a0South Korean flag."},
]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_with_paragraphs_and_with_text(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "export.jsonl", [json.dumps(r) for r in EXPORT])
    summary, entries = build(tmp_path, None, jsonl)
    assert summary.problems == []
    assert sorted(entries) == ["a1#1", "a1#2", "a2#1", "a2#2"]
    a1 = entries["a1#1"]
    assert (a1["title"], a1["day"], a1["url"], a1["extra"]) == (
        "Iran resumes enrichment", "2021-01-04", "https://example.org/a1", {"desk": "world"})
    assert a1["text"] == "Iran said on Monday it had resumed enrichment."
    assert entries["a1#2"]["text"] == "Officials in Vienna declined to comment on the report."
    a2 = entries["a2#1"]
    assert (a2["title"], a2["day"]) == ("Tanker seized in the Gulf", "2021-01-05")
    assert a2["text"] == "Iranian forces seized a tanker on Monday."
    assert entries["a2#2"]["text"] == "The ship flew a South Korean flag."


def test_jsonl_articles_record_their_line(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "export.jsonl", [json.dumps(r) for r in EXPORT])
    assert [a.path for a in read_jsonl(jsonl, print)] == ["export.jsonl:1", "export.jsonl:2"]


BAD_JSONL = {
    "bad JSON": ("{not json", "export.jsonl:2: skipped line: Expecting property name enclosed"
                              " in double quotes: line 1 column 2 (char 1)"),
    "no text": (json.dumps({"id": "x", "title": "Only a title"}),
                "export.jsonl:2: skipped line: needs 'text' or 'paragraphs'"),
    "not an object": ('["a", "list"]', "export.jsonl:2: skipped line: not a JSON object"),
    "duplicate id": (json.dumps({"id": "a1", "text": "Another article with the same id."}),
                     "export.jsonl:2: skipped: duplicate article id 'a1' (also export.jsonl:1)"),
    "malformed date": (json.dumps({"id": "d", "date": "someday", "text": "Text of it."}),
                       "export.jsonl:2: malformed date 'someday'; article kept as undated"),
    "undecodable": (b'{"id": "l", "text": "Caf\xe9"}', "export.jsonl:2: skipped line: not UTF-8"
                                                       " text (byte 0xe9 at offset 24)"),
}


@pytest.mark.parametrize("case", BAD_JSONL)
def test_bad_jsonl_line_gives_one_problem_and_the_rest_is_indexed(tmp_path: Path,
                                                                  case: str) -> None:
    bad, expected = BAD_JSONL[case]
    bad_bytes = bad if isinstance(bad, bytes) else bad.encode("utf-8")
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join([json.dumps(EXPORT[0]).encode(), bad_bytes,
                                 json.dumps(EXPORT[1]).encode()]) + b"\n\n")
    summary, entries = build(tmp_path, None, path)
    assert [str(problem) for problem in summary.problems] == [expected]
    indexed = article_ids(entries) - {"a1", "a2"}
    assert {"a1", "a2"} <= article_ids(entries)
    assert indexed == ({"d"} if case == "malformed date" else set())


def test_folder_and_jsonl_together(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", GOOD)
    jsonl = write_jsonl(tmp_path / "export.jsonl", [json.dumps(EXPORT[1])])
    summary, entries = build(tmp_path, corpus, jsonl)
    assert summary.problems == []
    assert article_ids(entries) == {"alpha", "beta", "a2"}


def test_nothing_outside_the_corpus_folder_is_read(tmp_path: Path) -> None:
    """Links leading out of the folder, dangling links, FIFOs and file names that are not
    UTF-8 are each skipped with one warning; the rest is read."""
    import os

    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.txt").write_text("Rockets hit the embassy in Baghdad.\n", encoding="utf-8")
    (corpus / "sub" / "inside.txt").write_text("Talks resumed in Vienna.\n", encoding="utf-8")
    os.symlink(outside, corpus / "link_secret.txt")
    os.symlink(corpus / "sub" / "inside.txt", corpus / "link_inside.txt")
    os.symlink(tmp_path / "nowhere.txt", corpus / "dangling.txt")
    os.symlink(tmp_path, corpus / "folder_link")  # a linked folder is not walked into
    os.mkfifo(corpus / "pipe.txt")
    with open(os.fsencode(corpus) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Latin-1 named file.\n")
    problems: list[Problem] = []
    articles = list(read_folder(corpus, problems.append))
    assert sorted(a.id for a in articles) == ["good", "link_inside", "sub/inside"]
    assert sorted(str(p) for p in problems) == sorted([
        "caf\\xe9.txt: skipped: the file name is not UTF-8; rename the file",
        "dangling.txt: skipped: a link to nothing",
        "link_secret.txt: skipped: a link to a file outside the corpus folder",
        "pipe.txt: skipped: not a regular file (a FIFO, socket or device)",
    ])


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """What Windows tools save as "Unicode": decoded, not taken for a binary file."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = ("Qāsem Soleimani’s last journey ended at Baghdad airport.\n\n"
            "The general was killed in Baghdad.\n")
    (corpus / "le.txt").write_bytes(text.encode("utf-16"))  # with its BOM
    (corpus / "be.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate
    (corpus / "utf8.txt").write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    articles = {a.id: a for a in read_folder(corpus, problems.append)}
    assert sorted(articles) == ["be", "le", "utf8"]
    for name in ("le", "be"):  # read as the same text written in UTF-8 is read
        assert (articles[name].title, articles[name].paragraphs) == (
            articles["utf8"].title, articles["utf8"].paragraphs)
    assert articles["le"].paragraphs[-1] == "The general was killed in Baghdad."
    assert [str(p) for p in problems] == [
        "bad.txt: skipped: not UTF-16 text, though it starts with a UTF-16 byte-order mark"]


def test_a_huge_paragraph_is_split_at_sentence_ends_with_a_warning(tmp_path: Path) -> None:
    sentence = "Iranian officials said the talks on oil exports would resume next week. "
    huge = sentence * 400  # 28,800 characters in one paragraph
    corpus = make_corpus(tmp_path / "c", {"huge.txt": "Huge\n\n" + huge + "\n\nLast words.\n"})
    problems: list[Problem] = []
    (article,) = list(read_folder(corpus, problems.append))
    assert [str(p) for p in problems] == [
        "huge.txt: paragraph 1 is 28,799 characters long: split into 3 paragraphs of at most"
        " 10,000"]
    assert len(article.paragraphs) == 4 and article.paragraphs[-1] == "Last words."
    assert all(len(p) <= 10_000 and p.endswith("next week.") for p in article.paragraphs[:3])
    assert " ".join(article.paragraphs[:3]) == huge.strip()  # nothing lost

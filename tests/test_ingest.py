"""Reading articles: formats, metadata, and bad input reported rather than lost."""

from __future__ import annotations

import json
from pathlib import Path

from newsfigures.ingest import html_to_text, ingest

SENTENCE = "At least 902 civilians have been killed in Ukraine, the UN said.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def by_file(result):
    return {a.file: a for a in result.articles}


def test_formats_and_front_matter(tmp_path):
    write(tmp_path, "a.txt", SENTENCE)
    write(tmp_path, "sub/b.md", "---\ntitle: B title\npublisher: Wire\npublished: 2022-03-20\n---\nB " + SENTENCE)
    write(tmp_path, "c.jsonl", json.dumps({"id": "c1", "text": "C " + SENTENCE, "published": "2022-03-19"}) + "\n"
          + json.dumps({"body": SENTENCE + " Again."}) + "\n")
    result = ingest([tmp_path], progress=False)
    articles = by_file(result)
    assert set(articles) == {"a.txt", "sub/b.md", "c.jsonl:1", "c.jsonl:2"}
    assert (articles["sub/b.md"].title, articles["sub/b.md"].publisher, articles["sub/b.md"].published) == (
        "B title", "Wire", "2022-03-20")
    assert articles["sub/b.md"].text == "B " + SENTENCE    # offsets refer to the body, not the front matter
    assert articles["c.jsonl:1"].id == "c1"
    assert result.problems == []


def test_manifest_supplies_metadata_and_how_the_date_was_established(tmp_path):
    write(tmp_path, "a.txt", SENTENCE)
    write(tmp_path, "articles.csv", "file,publisher,published,url,title,published_source\n"
          "a.txt,Paper,2022-03-21,https://example.org/a,A title,inferred from content\n")
    article = ingest([tmp_path], progress=False).articles[0]
    assert (article.publisher, article.published, article.url, article.published_source) == (
        "Paper", "2022-03-21", "https://example.org/a", "inferred from content")


def test_manifest_in_cp1252_with_crlf_and_a_bom_free_utf8_tail(tmp_path):
    # Read row by row: the encoding is still that of the whole file, as for articles.
    write(tmp_path, "a.txt", SENTENCE)
    write(tmp_path, "b.txt", "B " + SENTENCE)
    body = "file,publisher,title\r\n" + "".join(f"pad{i}.txt,P,T\r\n" for i in range(600))
    body += "a.txt,Kyiv\u2019s Paper,\u201cQuoted\u201d title\r\nb.txt,B Paper,B\r\n"
    write(tmp_path, "articles.csv", body.encode("cp1252"))   # the cp1252 bytes come after the first 8 KB
    result = ingest([tmp_path], progress=False)
    articles = by_file(result)
    assert articles["a.txt"].publisher == "Kyiv\u2019s Paper" and articles["a.txt"].title == "\u201cQuoted\u201d title"
    assert articles["b.txt"].publisher == "B Paper"
    assert sum("missing file" in p.reason for p in result.problems) == 600


def test_sample_manifest_dates_every_article():
    root = Path(__file__).resolve().parent.parent
    result = ingest([root / "data" / "raw"], progress=False)
    assert len(result.articles) == 4 and result.problems == []
    for article in result.articles:
        assert article.published and article.publisher and article.published_source.startswith("inferred")


def test_bad_manifest_rows_are_reported(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt", SENTENCE)
    write(tmp_path, "outside.txt", SENTENCE)
    write(folder, "articles.csv", "file,published\nmissing.txt,2022-01-01\n../outside.txt,2022-01-01\n"
          "a.txt,31/31/2022\n")
    result = ingest([folder], progress=False)
    reasons = " | ".join(p.reason for p in result.problems)
    assert "missing file: missing.txt" in reasons
    assert "outside the input folder" in reasons
    assert "not a date" in reasons or "not a real date" in reasons
    article = result.articles[0]
    assert article.file == "a.txt" and article.published is None     # kept, bad date dropped


def test_empty_binary_and_cp1252_files(tmp_path):
    write(tmp_path, "empty.txt", "   \n")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path, "windows.txt", "Kyiv\u2019s mayor said 8 people were killed \u2013 police.".encode("cp1252"))
    result = ingest([tmp_path], progress=False)
    problems = {p.file: p.reason for p in result.problems}
    assert problems == {"binary.txt": "the file is binary, not text", "empty.txt": "the file is empty"}
    article = by_file(result)["windows.txt"]
    assert article.encoding == "cp1252" and "Kyiv\u2019s mayor" in article.text


def test_control_characters_beyond_five_percent_make_a_file_binary(tmp_path):
    """Tab, newline, form feed and carriage return are text; other bytes below 32 are not."""
    text = b"At least 5 people were killed. " * 3             # 93 bytes
    write(tmp_path, "noisy.txt", text + b"\x01\x1b\x07\x02\x1f")   # 5 of 98: over 5 %
    write(tmp_path, "fine.txt", text + b"\x01\x1b\x07\x02")        # 4 of 97: under
    write(tmp_path, "layout.txt", text + b"\t\n\x0c\r" * 10)
    result = ingest([tmp_path], progress=False)
    assert {p.file: p.reason for p in result.problems} == {"noisy.txt": "the file is binary, not text"}
    assert set(by_file(result)) == {"fine.txt", "layout.txt"}


def test_html_keeps_article_text_only(tmp_path):
    page = """<html><head><title>Mall strike</title><meta property="og:site_name" content="Paper">
    <meta property="article:published_time" content="2022-03-21T08:00:00Z"><style>p {color: red}</style>
    <script>var deaths = 999; document.write("999 killed")</script></head>
    <body><nav>Home | 24 World | 7 Sport</nav><header>Menu</header>
    <article><h1>Eight dead in Kyiv</h1><p>At least 8 people were <b>killed</b>, police said.</p></article>
    <footer>Copyright 2022, 10 Downing</footer></body></html>"""
    write(tmp_path, "page.html", page)
    article = ingest([tmp_path], progress=False).articles[0]
    assert "999" not in article.text and "Sport" not in article.text and "Copyright" not in article.text
    assert "At least 8 people were killed, police said." in article.text
    assert (article.title, article.publisher, article.published) == ("Mall strike", "Paper", "2022-03-21")


def test_html_to_text_handles_broken_markup():
    text, _ = html_to_text("<p>Unclosed <b>bold<p>Another &amp; <script>if (a < b) {</script>done")
    assert "Unclosed bold" in text and "Another & done" in text


def test_duplicate_articles_are_reported_once(tmp_path):
    write(tmp_path, "a.txt", SENTENCE)
    write(tmp_path, "copy-of-a.txt", SENTENCE)
    result = ingest([tmp_path], progress=False)
    assert [a.file for a in result.articles] == ["a.txt"]
    assert [(p.file, p.level) for p in result.problems] == [("copy-of-a.txt", "duplicate")]


def test_a_lone_surrogate_escape_is_reported_not_fatal(tmp_path, monkeypatch):
    # JSON and YAML can spell "\ud800"; it used to crash the whole ingest.
    write(tmp_path, "feed.jsonl", '{"id": "bad", "text": "Bad \\ud800 text, 300 killed."}\n'
                                  '{"id": "good", "text": "Fine: 3 killed."}\n')
    write(tmp_path, "front.md", '---\ntitle: "Bad \\ud800 title"\n---\n300 killed.\n')
    write(tmp_path, "plain.txt", SENTENCE)
    result = ingest([tmp_path], progress=False)
    assert sorted(a.id for a in result.articles) == ["good", "plain"]
    assert sorted((p.file, p.reason.split(" holds")[0]) for p in result.problems) == [
        ("feed.jsonl:1", "its text"), ("front.md", "its title")]
    from newsfigures.pipeline import run_ingest

    count, problems = run_ingest([tmp_path], tmp_path / "articles.parquet", tmp_path / "problems.csv",
                                 progress=False)
    assert count == 2 and len(problems) == 2 and (tmp_path / "articles.parquet").exists()


def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(tmp_path):
    import os

    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "w", encoding="utf-8") as handle:
        handle.write(SENTENCE)
    write(tmp_path, "ok.txt", "Fine: 3 killed.\n")
    from newsfigures.pipeline import run_ingest

    count, problems = run_ingest([tmp_path], tmp_path / "articles.parquet", tmp_path / "problems.csv",
                                 progress=False)
    assert count == 1 and [p.reason for p in problems] == ["the file name is not valid UTF-8"]
    assert problems[0].file.endswith("bad\\xff.txt") and (tmp_path / "problems.csv").exists()


def test_files_come_in_path_order_and_ids_stay_unique(tmp_path):
    # Walked one directory at a time, yet in the order of sorted Path.parts; the ledger
    # of ids already given lives in SQLite, not in memory.
    names = ["b.txt", "a/x.txt", "a.txt", "a b/c.md", "A.txt", "a-b.txt", ".hidden.txt", "d.txt/in.txt",
             "sub/deeper/q.html", "sub.txt", "a.md", "notes.csv"]
    for i, name in enumerate(names):
        write(tmp_path, name, f"Text number {i}.\n")
    result = ingest([tmp_path], progress=False)
    expected = sorted((p.relative_to(tmp_path) for p in tmp_path.rglob("*")
                       if p.is_file() and p.suffix in {".txt", ".md", ".html"} and not p.name.startswith(".")),
                      key=lambda p: p.parts)
    assert [a.file for a in result.articles] == [p.as_posix() for p in expected]
    ids = {a.file: a.id for a in result.articles}
    assert (ids["a.md"], ids["a.txt"], ids["a/x.txt"]) == ("a", "a-2", "a-x")
    assert len(set(ids.values())) == len(ids)


def test_a_broken_jsonl_line_does_not_lose_the_others(tmp_path):
    write(tmp_path, "feed.jsonl", json.dumps({"text": SENTENCE}) + "\n{not json\n" + json.dumps({"title": "x"}) + "\n")
    result = ingest([tmp_path], progress=False)
    assert [a.file for a in result.articles] == ["feed.jsonl:1"]
    assert [p.file for p in result.problems] == ["feed.jsonl:2", "feed.jsonl:3"]


def test_a_50_mb_article_is_read_and_extracted(tmp_path):
    block = ("Ukraine's health ministry said 40 civilians were injured. " * 1000 + "\n\n")
    text = "Eight people were killed in Kyiv.\n\n" + block * (50 * 1024 * 1024 // len(block) + 1)
    write(tmp_path, "big.txt", text)
    result = ingest([tmp_path], progress=False)
    article = result.articles[0]
    assert article.n_chars == len(text) >= 50 * 1024 * 1024
    from newsfigures.extract import Extractor

    rows = Extractor().figures(article.as_row())
    # The repeated sentence is one figure (ANNOTATION.md: repeats), plus the first line.
    assert [(r["value"], r["metric"]) for r in rows] == [(8, "killed"), (40, "injured")]


def test_realpath_under_is_realpath(tmp_path):
    """The shortcut gives what os.path.realpath gives: links below the root, odd parts, missing files."""
    import os

    from newsfigures.ingest import realpath_under

    root = tmp_path / "root"
    write(root, "a.txt", "x")
    write(root, "sub/deep/b.txt", "x")
    write(tmp_path, "elsewhere/c.txt", "x")
    os.symlink(tmp_path / "elsewhere", root / "linked")          # a linked folder
    os.symlink(root / "a.txt", root / "alias.txt")               # a linked file
    os.symlink(root / "sub", root / "sub" / "deep" / "up")       # a link back up
    os.symlink("missing-target", root / "dangling.txt")
    os.symlink("../a.txt", root / "sub" / "rel.txt")             # relative target
    names = ["a.txt", "sub/deep/b.txt", "linked/c.txt", "alias.txt", "sub/deep/up/deep/b.txt", "dangling.txt",
             "sub/rel.txt", "missing.txt", "missing/x.txt", "a.txt/x", "sub/../a.txt", "./a.txt", "sub//deep/b.txt",
             "sub/deep/", str(root / "a.txt"), "/etc", "linked", "sub/deep/up/rel.txt"]
    real_root = os.path.realpath(root)
    for name in names:
        assert realpath_under(real_root, name) == os.path.realpath(os.path.join(real_root, name)), name
    assert realpath_under("/", "tmp") == os.path.realpath("/tmp")


def test_manifest_matches_files_through_a_linked_folder(tmp_path):
    """Given through a symbolic link, a folder's manifest still describes its files."""
    import os

    real = tmp_path / "real"
    write(real, "a.txt", SENTENCE)
    write(real, "articles.csv", "file,title,published\na.txt,From the manifest,2022-03-18\n")
    os.symlink(real, tmp_path / "link")
    result = ingest([tmp_path / "link"])
    assert not [p for p in result.problems if p.level == "error"], result.problems
    article = by_file(result)["a.txt"]
    assert article.title == "From the manifest" and str(article.published) == "2022-03-18"


def test_the_title_guess_is_the_first_line_that_is_not_blank() -> None:
    from newsfigures.ingest import _guess_title

    assert _guess_title("\n \n  Kyiv under fire  \nBody.") == "Kyiv under fire"
    assert _guess_title("Only line") == "Only line"
    assert _guess_title("\n\n   \n") is None and _guess_title("") is None
    assert _guess_title("\n" + "x" * 400 + "\nmore") == "x" * 300


def test_text_with_a_lone_surrogate_is_not_text() -> None:
    from newsfigures.ingest import _is_text

    assert _is_text("plain") and _is_text("Київ ’") and _is_text("")
    assert not _is_text("bad \ud800 escape") and not _is_text("\udcff")


def test_line_endings_become_newlines_and_odd_names_keep_their_type(tmp_path):
    write(tmp_path, "crlf.txt", b"Title\r\n\r\nAt least 5 people were killed.\rPolice said.\r\n")
    write(tmp_path, "plain.txt", b"Title\n\nAt least 6 people were killed.\n")
    write(tmp_path, "dotted.", b"At least 7 people were killed.\n")
    write(tmp_path, "noext", b"At least 8 people were killed.\n")
    write(tmp_path, "a.b.MD", b"At least 9 people were killed.\n")
    result = ingest([tmp_path], progress=False)
    articles = by_file(result)
    assert articles["crlf.txt"].text == "Title\n\nAt least 5 people were killed.\nPolice said.\n"
    assert articles["plain.txt"].text == "Title\n\nAt least 6 people were killed.\n"
    assert articles["a.b.MD"].format == "md"
    from newsfigures.ingest import content_hash

    assert all(a.content_hash == content_hash(a.text) for a in result.articles)
    # Path(name).suffix: "dotted." and "noext" have none (and are not in SUFFIXES, so not walked).
    from newsfigures.ingest import _suffix

    for name in ["a.txt", "dir/a.TXT", "a.", ".hidden", "d.x/a", "a.tar.gz", "dir/.b.md", "a..b", "/abs/p.html"]:
        assert _suffix(name) == Path(name).suffix, name
    given = ingest([tmp_path / "dotted.", tmp_path / "noext"], progress=False)
    assert sorted(p.reason for p in given.problems) == ["unsupported file type (none)"] * 2


def test_manifest_columns_are_read_by_name_whatever_the_row_shape(tmp_path):
    """Headers are stripped and lower-cased (the last of a repeated name wins), short rows have
    empty values, extra values and blank lines are ignored, and rows are numbered as before."""
    from newsfigures.ingest import read_manifest

    write(tmp_path, "a.txt", "x 1")
    write(tmp_path, "b.txt", "y 2")
    write(tmp_path, "articles.csv", " File ,Title,title,,Published\na.txt,T1,T2,zzz,2022-03-01,extra\n\nb.txt\n")
    problems: list = []
    rows = {row.file: (row.fields["title"], row.fields["published"], row.line)
            for _, row in read_manifest(tmp_path, problems)}
    assert rows == {"a.txt": ("T2", "2022-03-01", 2), "b.txt": ("", "", 3)} and problems == []
    write(tmp_path, "articles.csv", "title;file\nT;a.txt\n")
    assert list(read_manifest(tmp_path, problems)) == [] and "no 'file' column" in problems[0].reason

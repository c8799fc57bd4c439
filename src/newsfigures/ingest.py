"""Read a folder of articles into one clean record per article.

Formats: ``.txt``, ``.md`` (both with optional YAML front matter), ``.html`` /
``.htm`` (visible text only) and ``.jsonl`` (one article per line).
Metadata comes from an ``articles.csv`` manifest beside the files, from front
matter, or from HTML ``<meta>`` tags, in that order of precedence.

Nothing is dropped silently: every file that cannot be read, and every
manifest row that cannot be used, becomes a :class:`Problem` with a reason.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import stat
import sys
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

import yaml

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
MANIFEST_NAME = "articles.csv"
MANIFEST_COLUMNS = ("file", "publisher", "published", "url", "title")
# Text fields a JSONL record may carry its body in, most specific first.
JSONL_TEXT_KEYS = ("text", "body", "content", "article")


def _is_text(value: str) -> bool:
    """False for a string holding lone surrogates (from a JSON or YAML escape, or a file name
    that is not UTF-8): Python holds them, but they are not characters and no table stores them."""
    if value.isascii():                       # no surrogate is ASCII (and the test costs nothing)
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_digest(text: str) -> str | None:
    """:func:`content_hash` of text that holds only characters; None when it holds a lone
    surrogate (the strict encoding that finds one is the one the hash needs anyway)."""
    try:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        return None


def content_hash(text: str) -> str:
    """SHA-256 of a text: what catches duplicate articles and keys the figure cache."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Article:
    """One article as read: ``text`` is what every character offset refers to."""

    id: str
    file: str
    text: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    published_source: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    format: str = "txt"
    content_hash: str = ""
    n_chars: int = 0

    def __post_init__(self) -> None:
        if not self.content_hash:                 # readers that checked the text hash it as they do
            self.content_hash = content_hash(self.text)
        self.n_chars = len(self.text)

    def as_row(self) -> dict:
        # Every field is a str, an int or None: asdict's deep copy would copy nothing.
        return {name: getattr(self, name) for name in _ARTICLE_FIELDS}


_ARTICLE_FIELDS = tuple(f.name for f in dataclass_fields(Article))


@dataclass
class Problem:
    """A file or manifest row that could not be used, and why."""

    file: str
    reason: str
    level: str = "error"  # "error": article rejected; "warning": kept, field dropped
    fix: str = ""

    def as_row(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        tail = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.level}: {self.file}: {self.reason}.{tail}"


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ArticleError(ValueError):
    """Raised by a reader when a file cannot become an article."""

    def __init__(self, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


# --------------------------------------------------------------------------
# Decoding and cleaning


# Tried in order (codec, name reported); latin-1, which decodes any bytes, is the last resort.
ENCODINGS = (("utf-8-sig", "utf-8"), ("cp1252", "cp1252"))


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))    # all but tab, LF, FF, CR


def decode(raw: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252.

    Binary files (NUL bytes or mostly control characters) are refused rather
    than turned into noise that the extractor would mine for numbers.
    """
    if not raw.strip():
        raise ArticleError("the file is empty", "delete it or add the article text")
    sample = raw[:8192]
    if b"\x00" in sample:
        raise ArticleError("the file is binary, not text", "convert it to .txt, .md or .html")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))    # counted in C, not per byte
    if controls > len(sample) * 0.05:
        raise ArticleError("the file is binary, not text", "convert it to .txt, .md or .html")
    for codec, name in ENCODINGS:
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1"), "latin-1"


def normalise_newlines(text: str) -> str:
    if "\r" not in text:                     # the usual case: one scan, no copies
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (``---`` fenced, at the very top) and the body."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ArticleError(
            f"its YAML front matter is malformed ({str(exc).splitlines()[0]})",
            "fix the YAML between the two '---' lines",
        ) from exc
    if not isinstance(meta, dict):
        return {}, text
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end():]


# --------------------------------------------------------------------------
# HTML


_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer",
              "aside", "form", "svg", "iframe", "button", "select", "head"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "blockquote", "figcaption", "figure", "tr", "table",
               "pre", "hr", "dd", "dt", "main", "caption", "title"}


class _TextExtractor(HTMLParser):
    """Visible article text plus the metadata HTML pages usually carry."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.meta: dict[str, str] = {}
        self._in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            attr = {k.lower(): (v or "") for k, v in attrs}
            key = (attr.get("property") or attr.get("name") or attr.get("itemprop") or "").lower()
            if key and attr.get("content"):
                self.meta.setdefault(key, attr["content"].strip())
            return
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.handle_starttag(tag, attrs)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth == 0:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML page (no scripts, styles or navigation) and its meta tags."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    meta = dict(parser.meta)
    title = " ".join("".join(parser.title_parts).split())
    if title:
        meta.setdefault("title", title)
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else ""), meta


def _html_metadata(meta: dict[str, str]) -> dict[str, str]:
    picks = {
        "title": ("og:title", "twitter:title", "title"),
        "publisher": ("og:site_name", "publisher", "article:publisher"),
        "published": ("article:published_time", "datepublished", "pubdate", "date",
                      "dc.date", "og:published_time"),
        "url": ("og:url", "url"),
    }
    found: dict[str, str] = {}
    for name, keys in picks.items():
        for key in keys:
            if meta.get(key):
                found[name] = meta[key]
                break
    return found


# --------------------------------------------------------------------------
# Dates


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def normalise_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a manifest or front-matter value, or None.

    Raises ArticleError for a value that is present but cannot be a date, so
    the caller can report it instead of guessing.
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "null", "unknown"}:
        return None
    match = _ISO_DATE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError as exc:
            raise ArticleError(f"published date {text!r} is not a real date",
                               "write it as YYYY-MM-DD") from exc
    import dateparser  # slow to import: only for unusual formats

    parsed = dateparser.parse(text, settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"},
                              languages=["en"])
    if parsed is None:
        raise ArticleError(f"published date {text!r} is not a date it can read",
                           "write it as YYYY-MM-DD")
    return parsed.date().isoformat()


# --------------------------------------------------------------------------
# Manifest


MANIFEST_FIELDS = ("title", "publisher", "published", "published_source", "url")   # what ingest reads


@dataclass(slots=True)
class ManifestRow:
    """One manifest row."""

    file: str
    values: tuple[str, ...]          # MANIFEST_FIELDS, in order
    line: int

    @property
    def fields(self) -> dict[str, str]:
        return dict(zip(MANIFEST_FIELDS, self.values))


def read_manifest(folder: Path, problems: list[Problem]) -> Iterator[tuple[str, ManifestRow]]:
    """The rows of ``articles.csv`` in ``folder``, streamed, each with the resolved path
    (as a string) of the file it describes.

    Rows naming a missing file, or a file outside ``folder``, are reported.
    """
    path = folder / MANIFEST_NAME
    if not path.exists():
        return
    with open(path, encoding=_file_encoding(path), newline="") as handle:
        yield from _manifest_rows(folder, path, csv.reader(handle), problems)


def _file_encoding(path: Path) -> str:
    """The encoding :func:`decode` would pick for a file, found in chunks: a 100k-row
    manifest is read row by row, never held whole."""
    import codecs

    with open(path, "rb") as handle:
        head = handle.read(8192)
        if not head.strip():
            decode(path.read_bytes())          # empty (or odd): decode's checks and errors
        else:
            decode(head)                       # binary: refused the same way
        for encoding, _ in ENCODINGS:
            decoder = codecs.getincrementaldecoder(encoding)()
            handle.seek(0)
            try:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
    return "latin-1"


def _manifest_rows(folder: Path, path: Path, reader: Iterator[list[str]],
                   problems: list[Problem]) -> Iterator[tuple[str, ManifestRow]]:
    header = next(reader, None)
    # Each column read by its name, stripped and lower-cased once (the last of a repeated name
    # wins, as in a dict of the row); a short row's missing values are empty.
    columns = {name.strip().lower(): at for at, name in enumerate(header or []) if name}
    if "file" not in columns:
        problems.append(Problem(str(path), "the manifest has no 'file' column",
                                fix=f"give it the header {','.join(MANIFEST_COLUMNS)}"))
        return
    wanted = [columns.get(field) for field in ("file", *MANIFEST_FIELDS)]
    root = os.path.realpath(folder)
    inside = root.rstrip(os.sep) + os.sep
    rows = (row for row in reader if row)             # blank lines skipped, as DictReader does
    for number, raw in enumerate(rows, start=2):
        values = [raw[at].strip() if at is not None and at < len(raw) else "" for at in wanted]
        name = values[0]
        where = f"{path}:{number}"
        if not name:
            problems.append(Problem(where, "manifest row has an empty 'file'", fix="name the article file"))
            continue
        plain = _plain_file(root, name)                         # the usual row: one lstat
        if plain is not None:
            yield plain, ManifestRow(name, tuple(values[1:]), number)
            continue
        target = realpath_under(root, name)                         # what Path.resolve() gives, as a string
        if target != root and not target.startswith(inside):
            problems.append(Problem(where, f"manifest row points outside the input folder: {name}",
                                    fix="move the file into the folder or correct the path"))
            continue
        if not os.path.isfile(target):
            problems.append(Problem(where, f"manifest row points at a missing file: {name}",
                                    fix="add the file or delete the row"))
            continue
        yield target, ManifestRow(name, tuple(values[1:]), number)


# --------------------------------------------------------------------------
# Readers


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")
    return slug or "article"


def _meta_value(meta: dict, *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if value not in (None, ""):
            return str(value).strip() if not isinstance(value, date) else value.isoformat()
    return None


def _guess_title(text: str) -> str | None:
    """The first line that is not blank, cut to 300 characters (read line by line, not split:
    an article's first line is usually its first)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        if line:
            return line[:300]
        start = end + 1
    return None


def read_file(path: str | Path, rel: str) -> Iterator[Article]:
    """Articles in one file (several for JSONL). Raises ArticleError for unusable files."""
    suffix = _suffix(os.fspath(path)).lower()
    with open(path, "rb") as handle:
        raw = handle.read()
    text, encoding = decode(raw)
    text = normalise_newlines(text)
    if suffix == ".jsonl":
        yield from _read_jsonl(text, rel, encoding)
        return
    meta: dict = {}
    fmt = "md" if suffix in {".md", ".markdown"} else suffix.lstrip(".")
    if suffix in {".html", ".htm"}:
        text, html_meta = html_to_text(text)
        meta = _html_metadata(html_meta)
        fmt = "html"
    else:
        meta, text = split_front_matter(text)
    if not text or text.isspace():
        raise ArticleError("the file has no article text", "add the article text")
    yield _make_article(rel, text, meta, encoding, fmt)


def _make_article(rel: str, text: str, meta: dict, encoding: str, fmt: str,
                  ident: str | None = None) -> Article:
    published = normalise_date(meta.get("published") or meta.get("date"))
    fields = {
        "text": text,
        "title": _meta_value(meta, "title", "headline") or _guess_title(text),
        "publisher": _meta_value(meta, "publisher", "source", "site"),
        "published_source": _meta_value(meta, "published_source") or ("metadata" if published else None),
        "url": _meta_value(meta, "url", "link"),
    }
    # JSON and YAML escapes can spell a lone surrogate ("\ud800"): Python holds it, but it is
    # not a character, and no table can store it. The text is checked as it is hashed.
    digest = _text_digest(text)
    for name, value in fields.items():
        if not (digest is not None if name == "text" else _is_text(value or "")):
            raise ArticleError(f"its {name} holds a lone surrogate escape (such as \\ud800), which is not text",
                               "remove or correct that escape")
    return Article(id=ident or _slug(rel.rsplit(".", 1)[0]), file=rel, published=published, encoding=encoding,
                   format=fmt, content_hash=digest or "", **fields)


def _read_jsonl(text: str, rel: str, encoding: str) -> Iterator[Article]:
    stem = _slug(rel.rsplit(".", 1)[0])
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{rel}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _LineProblem(where, f"line is not valid JSON ({exc.msg})")  # type: ignore[misc]
            continue
        if not isinstance(record, dict):
            yield _LineProblem(where, "line is not a JSON object")  # type: ignore[misc]
            continue
        meta = {str(k).lower(): v for k, v in record.items()}
        body = next((meta[k] for k in JSONL_TEXT_KEYS if isinstance(meta.get(k), str)), None)
        if not body or not body.strip():
            yield _LineProblem(where, f"record has no text in any of {', '.join(JSONL_TEXT_KEYS)}")  # type: ignore[misc]
            continue
        try:
            yield _make_article(where, normalise_newlines(body), meta, encoding, "jsonl",
                                ident=_slug(str(meta.get("id") or f"{stem}-L{number}")))
        except ArticleError as exc:
            yield _LineProblem(where, exc.reason, exc.fix)  # type: ignore[misc]


@dataclass
class _LineProblem:
    """A JSONL line that failed; yielded in-band so the other lines still count."""

    where: str
    reason: str
    fix: str = "correct or remove that line"


# --------------------------------------------------------------------------
# Folders


def discover(paths: Iterable[Path]) -> Iterator[tuple[str, Path]]:
    """(file, base folder) for every article file under the given paths, sorted as paths sort.

    Folders are walked one directory at a time, each sorted by name (which is
    the order of ``Path.parts``): only one directory's names are in memory at once.
    """
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for name in _walk(str(given)):
                yield name, given
        else:
            yield str(given), given.parent


def _walk(folder: str) -> Iterator[str]:
    """Article files under ``folder``, sorted; hidden files are skipped, symlinked folders not entered."""
    with os.scandir(folder) as entries:
        # is_file() as os.path.isfile answers it, but from the directory listing for plain files.
        names = sorted((entry.name, entry.is_dir(follow_symlinks=False), entry.is_file()) for entry in entries)
    for name, is_dir, is_file in names:
        full = os.path.join(folder, name)
        if is_dir:
            yield from _walk(full)
        elif not name.startswith(".") and os.path.splitext(name)[1].lower() in SUFFIXES and is_file:
            yield full


class _Ledger:
    """What ingest must remember across a whole archive (manifest rows, the texts and ids
    already seen), kept in a private temporary SQLite database rather than in memory:
    SQLite holds a few MB of it in its page cache and spills the rest to a temporary file
    it deletes on close, so memory stays flat however many articles stream through."""

    def __init__(self) -> None:
        import sqlite3

        self.db = sqlite3.connect("")          # "": a private on-disk temporary database
        self.db.executescript(f"""
            CREATE TABLE manifest (path TEXT PRIMARY KEY, file TEXT, line INTEGER, {', '.join(MANIFEST_FIELDS)});
            CREATE TABLE texts (digest BLOB PRIMARY KEY, file TEXT);
            CREATE TABLE ids (id TEXT PRIMARY KEY);
        """)
        self.has_manifest = False

    def add_manifest(self, rows: Iterable[tuple[str, ManifestRow]]) -> None:
        marks = ", ".join("?" * (3 + len(MANIFEST_FIELDS)))
        self.db.executemany(f"INSERT OR REPLACE INTO manifest VALUES ({marks})",
                            ((key, row.file, row.line, *row.values) for key, row in rows))
        self.has_manifest = self.has_manifest or self.db.execute("SELECT 1 FROM manifest LIMIT 1").fetchone() is not None

    def manifest_row(self, path: str) -> ManifestRow | None:
        found = self.db.execute("SELECT * FROM manifest WHERE path = ?", (path,)).fetchone()
        return ManifestRow(found[1], found[3:], found[2]) if found else None

    def add_text(self, digest: bytes, file: str) -> str | None:
        """Note that ``file`` has this text; None, or the file that had it first."""
        if self.db.execute("INSERT OR IGNORE INTO texts VALUES (?, ?)", (digest, file)).rowcount == 1:
            return None
        return self.db.execute("SELECT file FROM texts WHERE digest = ?", (digest,)).fetchone()[0]

    def claim_id(self, article_id: str) -> bool:
        """True, and the id is taken, if no earlier article had it."""
        return self.db.execute("INSERT OR IGNORE INTO ids VALUES (?)", (article_id,)).rowcount == 1

    def close(self) -> None:
        self.db.close()


def iter_ingest(paths: Iterable[Path], progress: bool | None = None) -> Iterator[Article | Problem]:
    """Articles and problems, one at a time, in file order: nothing holds the corpus."""
    ledger = _Ledger()
    try:
        yield from _ingest_files(paths, ledger, progress)
    finally:
        ledger.close()


def _ingest_files(paths: Iterable[Path], ledger: _Ledger, progress: bool | None) -> Iterator[Article | Problem]:
    from tqdm import tqdm

    bases: set[Path] = set()                    # folders whose manifest is in the ledger
    resolved: dict[Path, Path] = {}             # each given folder resolved once, not once per file
    paths = list(paths)
    disable = _quiet(progress)
    shown = not disable if disable is not None else sys.stderr.isatty()      # tqdm's own rule for None
    # Walked twice for a bar's total (a count is cheaper to hold than the list); once without a bar.
    total = sum(1 for _ in discover(paths)) if shown else None
    for name, base in tqdm(discover(paths), total=total, desc="ingest", unit="file", disable=disable):
        base_key = resolved.get(base) or resolved.setdefault(base, base.resolve())
        if base_key not in bases:
            bases.add(base_key)
            manifest_problems: list[Problem] = []
            ledger.add_manifest(read_manifest(base, manifest_problems))
            yield from manifest_problems
        if not _is_text(name):
            # A name that is not UTF-8 reaches Python as lone surrogates: no table can hold it.
            yield Problem(os.fsencode(name).decode("utf-8", "backslashreplace"), "the file name is not valid UTF-8",
                          fix="rename the file")
            continue
        inside = _inside(name, base)
        rel = _relative(Path(name), base, inside) if inside is None else inside
        if not os.path.exists(name):
            yield Problem(name, "no such file", fix="check the path")
            continue
        suffix = _suffix(name)
        if suffix.lower() not in SUFFIXES:
            yield Problem(rel, f"unsupported file type {suffix or '(none)'}", fix="use .txt, .md, .html or .jsonl")
            continue
        try:
            articles = list(read_file(name, rel))
        except ArticleError as exc:
            yield Problem(rel, exc.reason, fix=exc.fix)
            continue
        except OSError as exc:
            yield Problem(rel, f"cannot be read ({exc.strerror})", fix="check its permissions")
            continue
        row = ledger.manifest_row(_real(name, base_key, inside)) if ledger.has_manifest else None
        for article in articles:
            if isinstance(article, _LineProblem):
                yield Problem(article.where, article.reason, fix=article.fix)
                continue
            if row is not None:
                field_problems: list[Problem] = []
                _apply_manifest(article, row, field_problems)
                yield from field_problems
            first = ledger.add_text(bytes.fromhex(article.content_hash), article.file)
            if first is not None:
                yield Problem(article.file, f"duplicate of {first} (same text)",
                              level="duplicate", fix="remove one copy, or ignore: only the first is used")
                continue
            base_id, n = article.id, 2
            while not ledger.claim_id(article.id):
                article.id = f"{base_id}-{n}"
                n += 1
            yield article


def ingest(paths: Iterable[Path], progress: bool | None = None) -> IngestResult:
    """Read every article under ``paths``; collect problems instead of stopping."""
    result = IngestResult()
    for item in iter_ingest(paths, progress):
        (result.problems if isinstance(item, Problem) else result.articles).append(item)
    return result


def _apply_manifest(article: Article, row: ManifestRow, problems: list[Problem]) -> None:
    """Manifest values win over front matter; a bad date is dropped and reported."""
    fields = row.fields
    for name in ("title", "publisher", "url"):
        if fields.get(name):
            setattr(article, name, fields[name])
    if fields.get("published"):
        try:
            article.published = normalise_date(fields["published"])
            article.published_source = fields.get("published_source") or "manifest"
        except ArticleError as exc:
            problems.append(Problem(f"{row.file} (manifest line {row.line})", exc.reason,
                                    level="warning", fix=exc.fix))
    elif fields.get("published_source") and not article.published:
        article.published_source = fields["published_source"]


def _suffix(name: str) -> str:
    """``Path(name).suffix`` for the names ``discover`` gives and for a Path's own name (both
    already as pathlib writes them), without making a Path."""
    last = name.rsplit("/", 1)[-1] if os.sep == "/" else os.path.basename(name)
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


def _inside(name: str, base: Path) -> str | None:
    """The part of ``name`` below its base folder, found by string prefix for the names
    ``discover`` makes (on POSIX); None for anything else."""
    prefix = str(base) + "/"
    return name[len(prefix):] if os.sep == "/" and name.startswith(prefix) else None


def _relative(path: Path, base: Path, inside: str | None) -> str:
    """A file's name relative to its base folder, in POSIX form (the file name alone when it is
    not inside): ``inside`` when :func:`_inside` found it, pathlib for anything else."""
    if inside is not None:
        return inside
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name


def realpath_under(root: str, name: str) -> str:
    """``os.path.realpath(os.path.join(root, name))`` for a ``root`` that is already resolved.

    realpath reads every part of the whole path from "/" down (an lstat each, in Python). Below
    a resolved root, a plain relative name (no "", "." or ".." parts) whose parts are no symbolic
    links resolves to the joined name: only those parts are read. Anything else is realpath's."""
    parts = name.split("/")
    if os.sep != "/" or not name or "" in parts or "." in parts or ".." in parts:
        return os.path.realpath(os.path.join(root, name))
    top = root.rstrip("/")
    path = top
    for part in parts:
        path = f"{path}/{part}"
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            break                        # realpath takes a missing part as it is, and the rest after it
        if stat.S_ISLNK(mode):
            return os.path.realpath(os.path.join(root, name))
    return f"{top}/{name}"


def _plain_file(root: str, name: str) -> str | None:
    """``realpath_under(root, name)`` when ``name`` is a regular file (not a symbolic link) right
    in the resolved folder ``root``, else None: one lstat says both that the joined name is its
    real path and that it is a file, where the general path takes an lstat and a stat."""
    if os.sep != "/" or not name or "/" in name or name in (".", ".."):
        return None
    joined = f"{root.rstrip('/')}/{name}"
    try:
        return joined if stat.S_ISREG(os.lstat(joined).st_mode) else None
    except (OSError, ValueError):
        return None


def _real(name: str, base_key: Path, inside: str | None) -> str:
    """``os.path.realpath(name)`` for a name ``discover`` gave with its base folder (resolved
    as ``base_key``): read below the base only, when the name is ``inside`` it."""
    return realpath_under(str(base_key), inside) if inside is not None else os.path.realpath(name)


def _quiet(progress: bool | None) -> bool | None:
    """tqdm's ``disable``: None lets tqdm go quiet when stderr is not a terminal."""
    if progress is None:
        return None
    return not progress

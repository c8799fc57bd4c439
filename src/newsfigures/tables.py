"""The published tables: their columns, their data dictionary, their checks.

Every table is validated before it is written (BuzzFeed News style), and
every column is described here once; ``newsfigures dictionary`` and the
report print these descriptions, so docs and data cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:                      # pandas takes seconds to import: only the code that needs it does
    import pandas as pd

METRICS = ("killed", "injured", "casualties", "evacuated", "fled_abroad", "displaced",
           "trapped", "missing", "deported", "rescued", "captured")
QUALIFIERS = ("exact", "at_least", "more_than", "about", "nearly", "up_to", "range", "vague")

# name -> (dtype, description)
ARTICLE_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("string", "Stable article id, from the file name (JSONL: the record's id or file-line)."),
    "file": ("string", "Path of the article file relative to the input folder (JSONL: file:line)."),
    "title": ("string", "Headline, from the manifest, front matter, HTML <title>, or the first line."),
    "publisher": ("string", "Publisher, from the manifest, front matter or HTML meta tags."),
    "published": ("string", "Publication date, ISO YYYY-MM-DD; empty when unknown."),
    "published_source": ("string", "How the publication date was established (metadata, or the reasoning from the article's content)."),
    "url": ("string", "Address of the article, when known."),
    "encoding": ("string", "Text encoding the file was read with (utf-8, cp1252 or latin-1)."),
    "format": ("string", "Input format: txt, md, html or jsonl."),
    "text": ("string", "The article text as read: every char_start/char_end in figures points into this."),
    "content_hash": ("string", "SHA-256 of text; identical texts are reported as duplicates."),
    "n_chars": ("int64", "Length of text in characters."),
}

FIGURE_COLUMNS: dict[str, tuple[str, str]] = {
    "article": ("string", "The article's file name (as in articles.file)."),
    "article_id": ("string", "The article's id (articles.id)."),
    "publisher": ("string", "The article's publisher."),
    "published": ("string", "The article's publication date, ISO YYYY-MM-DD."),
    "sentence_index": ("int64", "Index of the sentence in the article (0-based; headlines, captions and list items are sentences)."),
    "char_start": ("int64", "Offset of the first character of surface in the article text."),
    "char_end": ("int64", "Offset just past the last character: text[char_start:char_end] == surface."),
    "surface": ("string", "The number as written, with its qualifier: 'at least 600', '3.4 million', 'several thousand'."),
    "quote": ("string", "The sentence the figure is in, verbatim."),
    "metric": ("string", "What happened to the people counted: " + ", ".join(METRICS) + "."),
    "value": ("Int64", "The number as an integer; empty for ranges and vague quantities."),
    "value_low": ("Int64", "Lower bound of a range or vague quantity (ANNOTATION.md bounds table)."),
    "value_high": ("Int64", "Upper bound of a range or vague quantity."),
    "qualifier": ("string", "How the number is hedged: " + ", ".join(QUALIFIERS) + "."),
    "population": ("string", "Who is counted, a lower-case plural noun: people, civilians, children, soldiers, ..."),
    "location": ("string", "The place the figure is about, common English name; empty if none is stated."),
    "as_of": ("string", "ISO date the figure refers to when the sentence states or implies it."),
    "attributed_to": ("string", "Who the article says gave the figure; empty if unattributed."),
    "rate": ("string", "per_day (or per_week, per_month) for figures like '1,000 soldiers a day'."),
    "event": ("string", "Named event the figure belongs to (rules/events.yaml slug, e.g. drama-theatre); empty if none."),
    "title": ("string", "The article's headline."),
    "url": ("string", "The article's address, when known."),
    "figure_id": ("string", "Stable id of the figure: hash of article id and character offsets."),
    "extractor_version": ("string", "Extractor version, a digest of the extractor's code and a digest of the rules that produced the row (the cache key uses it)."),
}

PROBLEM_COLUMNS: dict[str, tuple[str, str]] = {
    "file": ("string", "The file (or file:line, or manifest line) concerned."),
    "reason": ("string", "What is wrong, in plain words."),
    "level": ("string", "error: article rejected; warning: article kept, a field dropped; duplicate: same text as an earlier article."),
    "fix": ("string", "What to do about it."),
}

def all_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Every published table's columns (the series tables live with the code that builds them)."""
    from .series import SERIES_COLUMNS, SUMMARY_COLUMNS

    return {"articles": ARTICLE_COLUMNS, "figures": FIGURE_COLUMNS, "problems": PROBLEM_COLUMNS,
            "series": SERIES_COLUMNS, "series_summary": SUMMARY_COLUMNS}


class ValidationError(ValueError):
    """A table broke its own contract; nothing was written."""


def frame(rows: Iterable[dict[str, Any]], columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A DataFrame with exactly the contract's columns, in order and typed."""
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for name in columns:
        if name not in df.columns:
            df[name] = None
    df = df[list(columns)]
    for name, (dtype, _) in columns.items():
        if dtype == "string":
            df[name] = df[name].astype("string")
        else:
            df[name] = pd.to_numeric(df[name], errors="coerce").astype(dtype)
    return df


def arrow_schema(columns: dict[str, tuple[str, str]]) -> Any:
    """The Arrow schema of a table, with the pandas metadata ``frame`` would give it
    (so ``pd.read_parquet`` restores the nullable dtypes), built without importing pandas."""
    import json
    from importlib.metadata import version

    import pyarrow as pa

    # contract dtype -> (Arrow type, pandas_type in the metadata)
    kinds = {"string": (pa.large_string(), "object"), "int64": (pa.int64(), "int64"), "Int64": (pa.int64(), "int64"),
             "float64": (pa.float64(), "float64"), "bool": (pa.bool_(), "bool")}
    fields, described = [], []
    for name, (dtype, _) in columns.items():
        arrow_type, pandas_type = kinds[dtype]
        fields.append(pa.field(name, arrow_type))
        described.append({"name": name, "field_name": name, "pandas_type": pandas_type,
                          "numpy_type": dtype, "metadata": None})
    meta = {"index_columns": [], "column_indexes": [], "columns": described, "attributes": {},
            "creator": {"library": "pyarrow", "version": pa.__version__}, "pandas_version": version("pandas")}
    return pa.schema(fields, metadata={b"pandas": json.dumps(meta).encode()})


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write by suffix: .parquet or .csv (anything else is refused)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        raise ValueError(f"{path}: output must end in .csv or .parquet")


def dictionary_markdown(name: str) -> str:
    """The data dictionary of one table as a Markdown table."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for column, (dtype, text) in all_tables()[name].items():
        lines.append(f"| `{column}` | {dtype} | {text} |")
    return "\n".join(lines)

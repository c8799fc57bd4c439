"""Score extracted figures against a hand-made gold file (ANNOTATION.md).

Rows are matched inside one article on the value (for vague quantities, on
the vague words; for ranges, on both bounds). Among candidates with the same
key, the one from the same sentence wins, so "at least eight" in a headline
and in a caption are matched to the right rows. Detection precision and
recall count matched rows; each field's agreement is the share of matched
rows where extractor and gold agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

FIELDS = ("metric", "qualifier", "population", "location", "as_of", "attributed_to")
_QUALIFIER_WORDS = re.compile(
    r"^(?:at least|no fewer than|more than|over|about|around|some|roughly|approximately|an estimated|"
    r"estimated|nearly|almost|up to|as many as|just|only|the|a)\s+", re.I)


def _norm(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = str(value).strip()
    return "" if text.lower() in ("nan", "none", "<na>") else text


def _num(value: Any) -> int | None:
    text = _norm(value)
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def match_key(row: dict[str, Any]) -> tuple:
    value = _num(row.get("value"))
    if value is not None:
        return ("value", value)
    qualifier = _norm(row.get("qualifier"))
    low, high = _num(row.get("value_low")), _num(row.get("value_high"))
    if qualifier == "vague" or (low is not None and qualifier != "range"):
        words = _norm(row.get("surface")).lower().strip("'\"‘’“” ")
        while True:
            stripped = _QUALIFIER_WORDS.sub("", words)
            if stripped == words:
                break
            words = stripped
        return ("vague", " ".join(words.split()))
    return ("range", low, high)


def _sentence(text: Any) -> str:
    return " ".join(_norm(text).split()).lower()


# Demonyms and possessives name the same source: "Russia's defence ministry"
# is the "Russian defence ministry".
_DEMONYMS = {"russian": "russia", "ukrainian": "ukraine", "british": "britain", "polish": "poland",
             "american": "us", "u": "us", "un": "un", "united": "un"}


def _source_tokens(text: str) -> set[str]:
    text = text.lower().replace("u.n.", "un").replace("u.s.", "us").replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return {_DEMONYMS.get(t, t) for t in text.split() if t not in ("the", "a", "an", "s", "of")}


def field_agrees(name: str, gold: Any, predicted: Any) -> bool:
    g, p = _norm(gold), _norm(predicted)
    if name == "attributed_to":
        # Sources are written many ways ("UN", "the U.N. human rights office"):
        # agree when one name's words are all in the other's.
        gt, pt = _source_tokens(g), _source_tokens(p)
        if not gt or not pt:
            return not gt and not pt
        return gt <= pt or pt <= gt
    return g.lower() == p.lower()


def evaluate(figures: pd.DataFrame, gold: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame]:
    """Scores and a table of every miss, false alarm and field disagreement."""
    pred_rows = figures.to_dict("records")
    gold_rows = gold.to_dict("records")
    errors: list[dict[str, Any]] = []
    matches: list[tuple[dict, dict]] = []
    by_article: dict[str, list[dict]] = {}
    for row in pred_rows:
        by_article.setdefault(_norm(row.get("article")), []).append(row)
    used: set[int] = set()
    matched_gold: set[int] = set()
    # Two passes: pairs from the same sentence first, then any same-key pair,
    # so one gold row cannot take the match another row needs.
    for same_sentence in (True, False):
        for g in gold_rows:
            if id(g) in matched_gold:
                continue
            key = match_key(g)
            for p in by_article.get(_norm(g.get("article")), []):
                if id(p) in used or match_key(p) != key:
                    continue
                if same_sentence and _sentence(p.get("quote")) != _sentence(g.get("quote")):
                    continue
                used.add(id(p))
                matched_gold.add(id(g))
                matches.append((g, p))
                break
    for g in gold_rows:
        if id(g) not in matched_gold:
            errors.append({"kind": "miss", "article": g.get("article"), "surface": g.get("surface"),
                           "field": "", "gold": _norm(g.get("metric")), "predicted": "", "quote": g.get("quote")})
    for p in pred_rows:
        if id(p) not in used:
            errors.append({"kind": "false_alarm", "article": p.get("article"), "surface": p.get("surface"),
                           "field": "", "gold": "", "predicted": _norm(p.get("metric")), "quote": p.get("quote")})
    agreement: dict[str, float] = {}
    for name in FIELDS:
        agree = 0
        for g, p in matches:
            if field_agrees(name, g.get(name), p.get(name)):
                agree += 1
            else:
                errors.append({"kind": "field", "article": g.get("article"), "surface": g.get("surface"),
                               "field": name, "gold": _norm(g.get(name)), "predicted": _norm(p.get(name)),
                               "quote": g.get("quote")})
        agreement[name] = agree / len(matches) if matches else 0.0
    tp = len(matches)
    precision = tp / len(pred_rows) if pred_rows else 0.0
    recall = tp / len(gold_rows) if gold_rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    scores = {
        "detection": {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                      "true_positives": tp, "false_alarms": len(pred_rows) - tp, "misses": len(gold_rows) - tp},
        "agreement": {k: round(v, 4) for k, v in agreement.items()},
        "counts": {"gold": len(gold_rows), "extracted": len(pred_rows)},
    }
    columns = ["kind", "article", "surface", "field", "gold", "predicted", "quote"]
    return scores, pd.DataFrame(errors, columns=columns)


def read_any(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def evaluate_files(figures: Path, gold: Path, metrics_out: Path | None = None,
                   errors_out: Path | None = None) -> dict[str, Any]:
    scores, errors = evaluate(read_any(figures), read_any(gold))
    if metrics_out:
        metrics_out.parent.mkdir(parents=True, exist_ok=True)
        metrics_out.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    if errors_out:
        errors_out.parent.mkdir(parents=True, exist_ok=True)
        errors.to_csv(errors_out, index=False)
    return scores

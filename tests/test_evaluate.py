"""Scoring against gold: matching rules, field agreement, and the sample targets."""

from __future__ import annotations

import pandas as pd

from conftest import GOLD, RAW
from newsfigures.evaluate import evaluate, field_agrees, match_key


def rows(*dicts):
    return pd.DataFrame(list(dicts))


def test_rows_match_on_value_or_vague_words():
    assert match_key({"value": "600", "surface": "at least 600"}) == ("value", 600)
    assert match_key({"value": "", "qualifier": "vague", "surface": "Several hundred"}) == ("vague", "several hundred")
    assert match_key({"qualifier": "vague", "surface": "just a few thousand"}) == ("vague", "few thousand")


def test_same_value_in_two_sentences_matches_the_right_rows():
    gold = rows({"article": "a", "value": 8, "quote": "Headline: eight dead", "metric": "killed"},
                {"article": "a", "value": 8, "quote": "Police said eight died", "metric": "killed"})
    pred = rows({"article": "a", "value": 8, "quote": "Police said eight died", "metric": "killed"},
                {"article": "a", "value": 8, "quote": "Headline: eight dead", "metric": "injured"})
    scores, errors = evaluate(pred, gold)
    assert scores["detection"]["f1"] == 1.0
    assert scores["agreement"]["metric"] == 0.5
    assert list(errors["quote"]) == ["Headline: eight dead"]


def test_misses_and_false_alarms_are_listed():
    gold = rows({"article": "a", "value": 8, "quote": "q", "metric": "killed"})
    pred = rows({"article": "a", "value": 9, "quote": "q", "metric": "killed"},
                {"article": "b", "value": 8, "quote": "q", "metric": "killed"})
    scores, errors = evaluate(pred, gold)
    assert scores["detection"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "true_positives": 0,
                                   "false_alarms": 2, "misses": 1}
    assert sorted(errors["kind"]) == ["false_alarm", "false_alarm", "miss"]


def test_sources_agree_when_one_name_contains_the_other():
    assert field_agrees("attributed_to", "UN human rights office", "the UN human rights office")
    assert field_agrees("attributed_to", "Russian defence ministry", "Russia's Defence Ministry")
    assert not field_agrees("attributed_to", "police", "")
    assert not field_agrees("attributed_to", "UN", "Polish border guard")
    assert field_agrees("location", "Kyiv", "kyiv") and not field_agrees("location", "Kyiv", "Mariupol")


def test_sample_gold_scores_meet_the_targets(extractor):
    """The extractor against hand-made gold on the four sample articles (issue #3 targets)."""
    articles = pd.read_csv(RAW / "articles.csv").set_index("file")
    figures = []
    for path in sorted(RAW.glob("*.txt")):
        meta = articles.loc[path.name]
        figures += extractor.figures({"id": path.stem, "file": path.name, "published": meta["published"],
                                      "text": path.read_text(encoding="utf-8")})
    scores, _ = evaluate(pd.DataFrame(figures), pd.read_csv(GOLD, dtype=str, keep_default_na=False))
    assert scores["detection"]["f1"] >= 0.95
    assert scores["agreement"]["metric"] >= 0.95
    assert scores["agreement"]["qualifier"] >= 0.9
    assert scores["agreement"]["as_of"] >= 0.8
    assert scores["agreement"]["attributed_to"] >= 0.8

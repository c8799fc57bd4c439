"""Property-based tests: the parser and extractor never raise, and offsets always hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfigures.extract import Extractor
from newsfigures.numbers import find_numbers
from newsfigures.rules import load_rules
from newsfigures.sentences import split_sentences

RULES = load_rules()
EXTRACTOR = Extractor()

# Arbitrary text, plus text built from the words the rules react to, so the
# interesting paths (qualifiers, ranges, vague words, cues, places) are hit.
WORDS = st.sampled_from([
    "at least", "more than", "about", "nearly", "up to", "between", "and", "to", "-", "of", "hundreds",
    "tens of thousands", "a few dozen", "dozens", "Ten million", "a dozen", "3.4 million", "1.8million", "1,459",
    "600", "2022", "March 19", "on Sunday", "yesterday", "killed", "wounded", "evacuated", "trapped",
    "refugees", "fled to Poland", "civilians", "people", "soldiers", "children", "in Mariupol", "Kyiv's",
    "the city", "said", "according to the UN", "'", '"', ",", ".", "\n", "\n\n", "(", ")", "–", "a day",
    "nine-year-old", "£5", "per cent", "0207 123 4567", "Sort code 60-00-01", "whom", "including",
])
NEWSY = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
TEXT = st.one_of(st.text(max_size=400), NEWSY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_number_parser_never_raises_and_spans_are_exact(text):
    for mention in find_numbers(text, RULES):
        assert text[mention.start:mention.end] == mention.text
        assert mention.value is not None or (mention.value_low is not None and mention.value_high is not None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([None, "2022-03-21", "not a date"]))
def test_extractor_never_raises_and_offsets_hold(text, published):
    article = {"id": "h", "file": "h.txt", "text": text, "published": published}
    for row in EXTRACTOR.figures(article):
        assert text[row["char_start"]:row["char_end"]] == row["surface"]
        assert row["surface"] in row["quote"]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_sentences_cover_their_offsets(text):
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text

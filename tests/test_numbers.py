"""The number parser: what is a number, its value, bounds and qualifier, and what is never a count."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfigures.numbers import find_numbers
from newsfigures.rules import load_rules

RULES = load_rules()


def one(text: str):
    found = find_numbers(text, RULES)
    assert len(found) == 1, [m.text for m in found]
    return found[0]


@pytest.mark.parametrize("text, surface, value", [
    ("At least 1,459 were wounded", "At least 1,459", 1459),
    ("nearly 3.4 million who fled", "nearly 3.4 million", 3_400_000),
    ("More than 1.8million Ukrainians", "More than 1.8million", 1_800_000),
    ("Ten million people have been displaced", "Ten million", 10_000_000),
    ("a dozen soldiers", "a dozen", 12),
    ("more than a thousand people", "more than a thousand", 1000),
    ("two hundred and fifty civilians", "two hundred and fifty", 250),
    ("forty-five children", "forty-five", 45),
    ("some 400 people", "some 400", 400),
    ("up to 1,000 troops", "up to 1,000", 1000),
])
def test_values_and_surfaces(text, surface, value):
    mention = one(text)
    assert mention.text == surface
    assert mention.value == value


@pytest.mark.parametrize("text, qualifier", [
    ("at least 600 killed", "at_least"), ("no fewer than 600 killed", "at_least"),
    ("more than 600 killed", "more_than"), ("over 1,200 civilians", "more_than"),
    ("about 100 were evacuated", "about"), ("around 100 fled", "about"),
    ("an estimated 400 people", "about"), ("nearly 300,000 people", "nearly"),
    ("almost 40 people", "nearly"), ("as many as 50 people", "up_to"), ("600 people", "exact"),
])
def test_qualifiers(text, qualifier):
    assert one(text).qualifier == qualifier


@pytest.mark.parametrize("text, low, high", [
    ("dozens of others", 24, 99), ("a few dozen who escaped", 24, 60),
    ("hundreds of civilians", 200, 999), ("Several hundred people", 200, 999),
    ("tens of thousands of civilians", 20_000, 99_999),
    ("Hundreds of thousands of people", 200_000, 999_999),
    ("a few thousand troops", 2000, 5000), ("millions displaced", 2_000_000, 9_999_999),
])
def test_vague_quantities_take_the_bounds_table(text, low, high):
    mention = one(text)
    assert (mention.qualifier, mention.value, mention.value_low, mention.value_high) == ("vague", None, low, high)


@pytest.mark.parametrize("text, low, high", [
    ("2,000 to 3,000 people", 2000, 3000), ("between 40 and 60 people", 40, 60),
    ("2-3 million refugees", 2_000_000, 3_000_000),
])
def test_ranges(text, low, high):
    mention = one(text)
    assert (mention.qualifier, mention.value_low, mention.value_high) == ("range", low, high)


@pytest.mark.parametrize("text", [
    "in 2014 the peninsula was seized", "since 1991", "on March 24", "since 24 February",
    "Feb. 24", "a nine-year-old boy", "Seventeen-year-old Bogdan", "aged 27", "aged between 4 and 61",
    "the 36th Separate Marine Brigade", "225km north west", "about 11 square kilometres",
    "almost ten per cent", "a 35-hour curfew", "until 5am", "at 11 am EST", "£5,000 was raised",
    "$2 billion in aid", "a BTR-4 30mm cannon", "a T-72B3 tank", "TOS-1A rockets", "3.4 metres",
    "Sort code 40-11-60", "Account number 12345678", "call 0207 123 4567", "London SW1A 1AA",
    "outnumbering us 10 to one", "the 27-nation bloc",
])
def test_never_counts(text):
    assert find_numbers(text, RULES) == []


# The guards that spare a regex call stand for the regexes they guard, character for character.
_EDGES = ["", " ", "  ", "\u00a0", "\t", "\n", "1", "٣", "-", "–", "+", ":", "to", "To", "TO", "t", "one", "1",
          "m", "M", "k", "K", "\u212a", "bn", "mln", "Million", "thousand", "h", "hundred", "b", "plus", "Plus",
          "or more", "or so", "OR MORE", "Or so", "or", "x", "é", ".", "/", "including", "INCLUDING", "among them",
          "of whom", "of Which", "\u00a0\u00a0"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_EDGES), max_size=8).map("".join))
def test_number_guards_agree_with_their_patterns(text):
    for pos in range(len(text) + 1):
        _guards_agree(text, pos)


@pytest.mark.parametrize("text", ["outnumbered 10:1", "10 : 1", "3 to 1", "5 To one", "killed 40, INCLUDING 12",
                                  "40, Of Whom\u00a0 12", "among them 3", "300Plus", "40 OR MORE", "40\tor so",
                                  "5K", "5 \u212a", "2 Million", "1 2", "1\u00a02", "12-1-2", "10 plus"])
def test_number_guards_agree_on_their_own_cases(text):
    for pos in range(len(text) + 1):
        _guards_agree(text, pos)


def _guards_agree(text: str, pos: int) -> None:
    import re

    from newsfigures import numbers

    if numbers._SUFFIX.match(text, pos):
        assert numbers._may_be_scaled(text, pos), (text, pos)
    if numbers._RATIO_AFTER.match(text, pos):
        assert numbers._may_be_ratio(text, pos), (text, pos)
    if numbers._OR_MORE.match(text, pos):
        assert numbers._may_be_or_more(text, pos), (text, pos)
    if numbers._PLUS_AFTER.match(text, pos):
        assert numbers._may_be_plus(text, pos), (text, pos)
    if numbers._RATIO_BEFORE.search(text[:pos]):
        assert numbers._may_end_in_ratio(text[:pos]), (text, pos)
    _appositive_agrees(text, pos)
    spaced = (re.compile(r"[ \u00a0]\d").match(text, pos) is not None
              or re.compile(r"\d[ \u00a0]$").search(text[max(0, pos - 2):pos]) is not None)
    assert numbers._spaced_digits(text, pos, pos) == spaced, (text, pos)
    # Matched in place, the same as at the start of a copy of the rest.
    for anchored, in_place in ((r"^-?plus\b|^\+", numbers._PLUS_AFTER), (r"^\s+or (?:more|so)\b", numbers._OR_MORE)):
        copy = re.compile(anchored, re.I).match(text[pos:])
        here = in_place.match(text, pos)
        assert (copy and copy.end()) == (here and here.end() - pos), (text, pos)


def _appositive_agrees(text: str, pos: int) -> None:
    from newsfigures import extract
    from newsfigures.numbers import Mention, search_at_end

    window = text[max(0, pos - 20):pos]
    plain = bool(search_at_end(extract._APPOSITIVE_END, window, extract._APPOSITIVE_LONGEST))
    assert extract._appositive(text, Mention(pos, pos, pos, 1, None, None, "exact", "digits", "")) == plain, (text, pos)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(["At least", "about", "ABOUT", "approx.", "up to", "some", "x", " ", "  ", "\n",
                                        "\u00a0", "(", "'", "é", "more", "than", "of", "a minimum"]), max_size=8))
def test_a_qualifier_is_looked_for_only_where_one_can_end(pieces: list[str]) -> None:
    from newsfigures.numbers import _may_end_in_qualifier

    window = "".join(pieces)[-24:]
    if RULES.qualifier_before_re.search(window):
        assert _may_end_in_qualifier(window, RULES), window


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(list("aZ%_9 .'’-\u00a0\t\n,é\u0663(") + ["km", "per", "Feb."]), max_size=12).map("".join),
       pos=st.integers(0, 14))
def test_the_next_word_is_what_the_word_after_pattern_captures(text: str, pos: int) -> None:
    from newsfigures.numbers import _WORD_AFTER, _next_word

    pos = min(pos, len(text))
    match = _WORD_AFTER.match(text, pos)
    want = (match.group(1).lower().strip(".'’"), match.start(1), match.end(1)) if match else ("", pos, pos)
    assert _next_word(text, pos) == want, (text, pos)


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(list("0159 ,.-/:£$#+a_é\u0663\u00a0") + ["1,459", "3.4", "12,5", "2022"]),
                     max_size=14).map("".join), data=st.data())
def test_digit_matches_read_without_sre_are_what_digits_finds(text: str, data: st.DataObject) -> None:
    """_digits_at reads a plain run of ASCII digits itself and leaves the rest to DIGITS: the
    same matches as trying DIGITS at each start."""
    from newsfigures import caseless
    from newsfigures.numbers import DIGITS, _digits_at

    starts = sorted(data.draw(st.sets(st.integers(0, max(0, len(text) - 1)), max_size=8))) if text else []
    want = [(m.start(), m.end(), m.group(1), m.group(2)) for m in caseless.all_matches_at(DIGITS, text, starts)]
    assert _digits_at(text, starts) == want, (text, starts)
    runs = [i for i in range(len(text)) if text[i] in "0123456789" and (i == 0 or not text[i - 1].isalnum())]
    assert _digits_at(text, runs) == [(m.start(), m.end(), m.group(1), m.group(2))
                                      for m in caseless.all_matches_at(DIGITS, text, runs)]

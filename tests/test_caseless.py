"""Every fast pattern finds exactly what its original finds (spans, groups, original case)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfigures import caseless, extract, fields, numbers, places, sentences
from newsfigures.caseless import Caseless, lowered
from newsfigures.rules import _tails, has_digit, load_rules, numberish
from newsfigures.sentences import split_sentences

from conftest import RAW

RULES = load_rules()


def _patterns() -> dict[str, Caseless]:
    """Every Caseless pattern the extractor uses: module constants and the rules' own."""
    found: dict[str, Caseless] = {}
    for module in (fields, numbers, places, extract, sentences):
        for name, value in vars(module).items():
            if isinstance(value, Caseless):
                found[f"{module.__name__}.{name}"] = value
    for name in dir(RULES):                 # not vars(): compiled, Rules has no __dict__
        value = getattr(RULES, name)
        if isinstance(value, Caseless):
            found[f"rules.{name}"] = value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, Caseless):
                        found[f"rules.{name}[{i}]"] = part
    return found


PATTERNS = _patterns()


def _same(pattern: Caseless, text: str, pos: int = 0, endpos: int = sys.maxsize) -> None:
    want = [(m.span(), m.groups()) for m in pattern.slow.finditer(text, pos, endpos)]
    got = [(m.span(), m.groups()) for m in pattern.finditer(text, pos, endpos)]
    assert got == want, (pattern.pattern[:80], text)
    slow, fast = pattern.slow.search(text, pos, endpos), pattern.search(text, pos, endpos)
    assert (fast.span(), fast.groups()) == (slow.span(), slow.groups()) if slow else fast is None


def test_the_extractor_has_fast_patterns() -> None:
    assert {"newsfigures.fields.HARD_BOUNDARY", "newsfigures.fields._DATE_RE"} <= set(PATTERNS)
    assert len(PATTERNS) >= 5


def test_safe_characters_have_no_case() -> None:
    """Lowering text made of 'safe' characters is one character for one, and IGNORECASE
    never pairs a safe non-ASCII character with anything but itself."""
    safe = [chr(c) for c in range(0x80, 0x2100) if lowered(chr(c)) is not None]
    assert "’" in safe and "“" in safe and "\u00a0" in safe
    assert "é" not in safe and "µ" not in safe and "\u0130" not in safe and "\u017f" not in safe
    for char in safe:
        assert char.lower() == char == char.upper()
        assert not any(re.fullmatch(re.escape(chr(a)), char, re.I) for a in range(128))
    assert caseless.WHITESPACE == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if re.match(r"\s", c))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_same_matches_on_the_sample_articles(name: str) -> None:
    pattern = PATTERNS[name]
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _same(pattern, text)
        for sentence in split_sentences(text):
            _same(pattern, sentence.text)
            _same(pattern, sentence.text.upper())
            _same(pattern, sentence.text, len(sentence.text) // 3, len(sentence.text) * 2 // 3)


def _vocabulary(pattern: Caseless) -> list[str]:
    return sorted(set(re.findall(r"[a-z]+(?: [a-z]+)?", pattern.pattern.replace("\\", " "))))


# Tokens that sit at the edges of the fast patterns: word characters that are not
# letters, hyphens, apostrophes, digits, spaces of every kind, and letters whose
# case IGNORECASE treats specially (the text then takes the slow path).
EDGES = ["_", "-", "'", "’", "“", ",", ";", ".", " ", "  ", "\n", "\u00a0", "\u2009", "0", "7", "12", "1st", "é",
         "\u0130", "\u0131", "\u017f", "\u212a", "²", "—", "–", " - ", "of", "the", "U.S.", "Kyiv"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_same_matches_on_generated_text(name: str, data: st.DataObject) -> None:
    pattern = PATTERNS[name]
    words = _vocabulary(pattern) + EDGES
    token = st.tuples(st.sampled_from(words), st.sampled_from([str.lower, str.upper, str.title])).map(
        lambda pair: pair[1](pair[0]))
    glue = st.sampled_from(["", " ", " ", "-", ", "])
    pieces = data.draw(st.lists(st.tuples(token, glue), max_size=12))
    text = "".join(word + sep for word, sep in pieces)
    _same(pattern, text)
    if text:
        pos = data.draw(st.integers(0, len(text)))
        _same(pattern, text, pos, data.draw(st.integers(pos, len(text))))


# Case-sensitive patterns rewritten to start with what they match (so that sre can skip
# ahead), against the patterns as first written. _GLUE now consumes the capital it used to
# look ahead at: compare where matches start. Both sentence patterns now run over whole texts,
# where they used to run line by line.
ORIGINALS = {
    "DIGITS": (numbers.DIGITS, r"(?<![\w.,/:£$€#+])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d]|,\d|\.\d)"),
    "CAPS": (places._CAPS,
             r"(?<![\w'’])((?:U\.[SKN]\.)|[A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)*(?:\s+(?:region|oblast))?)"),
    "GLUE": (sentences._GLUE, r"(?<=[a-z]{2}[.!?)’'\"”a-z])(?=[A-Z][a-z]*\s)"),
    "END": (sentences._END, r"[.!?]+['\"’”)\]]*(?=\s+['\"‘“(\[]?[A-Z0-9•])"),
    "numberish": (None, r"\b(?:" + caseless.alternation(list(RULES.units) + list(RULES.scales)
                                                      + [w.split()[-1] for w in RULES.vague]) + ")"),
}


def _same_as_original(name: str, text: str) -> None:
    pattern, original = ORIGINALS[name]
    if pattern is None:
        assert numberish(RULES, text) == bool(re.search(r"\d", text) or re.search(original, text.lower())), text
        return
    if name in ("GLUE", "END"):
        starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        want = [(start + m.start(), start + m.end()) for start, line in zip(starts, text.split("\n"))
                for m in re.finditer(original, line)]
        found = sentences._ends(text) if name == "END" else pattern.finditer(text)     # _ends: END found by str.find
        got = [(m.start(), m.end() if name == "END" else m.start()) for m in found]
        assert got == [(a, b if name == "END" else a) for a, b in want], text
        return
    want = [(m.span(), m.groups()) for m in re.finditer(original, text)]
    assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == want, text


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_rewritten_patterns_on_the_sample_articles(name: str) -> None:
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _same_as_original(name, text)
        for line in text.split("\n"):
            _same_as_original(name, line)
        for sentence in split_sentences(text):
            _same_as_original(name, sentence.text)


PIECES = ["...", "?!", "!", "1,459", "400", "1234,567", "12,34", "1,2345", "7", ",000", "3.4", "2022", "12:30", "£5", "#3", "a1", "1.5.2022", "U.S.", "U.K.", "US", "Kyiv",
          "Kyiv region", "Bank of England", "of", "O'Neill", "’", "'", "morning", "A", "The", "People", "iPhone",
          "ten", "Hundreds", "dozens", "million", "é", "\u0130", ".", "!", ")", "”", "-", ",", " ", "\n", "_", "x",
          "\r", "\u2028", "\t", ". The", "?", "morningA", "Mr.", "e.g.", "\u0663", "\u00b2", "1\u0663"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " ", " ", ", "])), max_size=14))
@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_rewritten_patterns_on_generated_text(name: str, pieces: list[tuple[str, str]]) -> None:
    _same_as_original(name, "".join(word + sep for word, sep in pieces))


def test_sentence_ends_of_every_kind() -> None:
    for text in ["Stop! Now go.", "What? Yes.", "Wait... Then 3 left.", "Yes!? No", "(Really.) Next", "He said ‘no.’ The end",
                 "a.b. C", "3.4 million. 12 died", "!!! A", "end.\nStart. Go", "x. y. Z", "e.g. Kyiv", ".", "?! ", "A. B. C."]:
        _same_as_original("END", text)


# Characters right before a word that decide \b: word characters outside ASCII (², ª, é),
# ASCII ones, a hyphen, and non-word ones.
BEFORE = ["²", "ª", "é", "_", "1", "-", "’", " ", "(", "\u2009"]


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_word_starts_after_every_kind_of_character(name: str) -> None:
    pattern = PATTERNS[name]
    for word in _vocabulary(pattern):
        for char in BEFORE:
            _same(pattern, f"{char}{word} {char}{word.upper()}{char}")


def test_numberish_after_every_kind_of_character() -> None:
    for word in list(RULES.units) + list(RULES.scales):
        for char in BEFORE:
            _same_as_original("numberish", f"{char}{word}")
            _same_as_original("numberish", f"x{char}{word.title()}")


def test_a_vocabulary_with_a_word_that_does_not_start_with_a_letter() -> None:
    """'\\b' before "'s" means a word character behind it: no gate fits, the twin is the pattern itself."""
    pattern = caseless.words(["'s", "said", "SAYS"])
    for text in ["Kyiv's mayor said", "a 's b", "He SAYS", "x'S Said'S"]:
        _same(pattern, text)
    assert [m.group(0) for m in pattern.finditer("Kyiv's mayor SAID")] == ["'s", "SAID"]


# Shortcuts that skip a scan when its answer is known: each must give what the scan gives.

def _sample_sentences() -> list[str]:
    return [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]


def _all_cues(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The cue scan before the word-start index: every cue, in order, gated by substring only."""
    lower = text.lower()
    return [(metric, m.span()) for metric, anchor, pattern in RULES.metric_anchored
            if not anchor or anchor in lower for m in pattern.finditer(text)]


CUE_WORDS = sorted({w for _, _, pattern in RULES.metric_anchored for w in re.findall(r"[a-z]+", pattern.pattern)}
                   - {"b"} | {"killed", "dead"})


def test_cues_opening_with_a_choice_are_filed_under_each_start() -> None:
    from newsfigures.rules import _starts

    assert RULES.cues_always == []
    assert _starts(r"\b(?:(?:have |had )?fled to)\b") == {"hav", "had", "fle"}
    assert _starts(r"\b(?:(?:were|was|been) able to)\b") == {"wer", "was", "bee"}
    for unspelled in (r"\b[a-z]+\b", r"\ba\b", r"\b(?:an?|the)\b", r"\bk\w+", r"(?:ab)*c"):
        assert _starts(unspelled) is None, unspelled
    assert _starts(r"\bKills?\b") == {"kil"} and _starts(r"\b(?:an?|the) x\b") == {"a x", "an ", "the"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.tuples(st.sampled_from(CUE_WORDS + EDGES), st.sampled_from([str.lower, str.title]),
                                  st.sampled_from(["", " ", "-", ", "])), max_size=10))
def test_cues_indexed_by_word_start_are_every_cue(pieces: list[tuple[str, Callable[[str], str], str]]) -> None:
    text = "".join(case(word) + sep for word, case, sep in pieces)
    assert [(metric, m.span()) for metric, m in fields._cues_in(text, RULES)] == _all_cues(text), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.tuples(st.sampled_from(CUE_WORDS + EDGES), st.sampled_from([str.lower, str.title]),
                                  st.sampled_from(["", " ", "-", ", "])), max_size=10))
def test_first_cue_ahead_is_the_first_cue(pieces: list[tuple[str, Callable[[str], str], str]]) -> None:
    text = "".join(case(word) + sep for word, case, sep in pieces)
    first = fields._first_cue(text, RULES)
    assert fields._first_cue_ahead(text, RULES) == (first[0] if first else None), text


def test_first_cue_ahead_takes_the_longest_cue_at_the_first_word_start() -> None:
    # "buried" (killed) and "buried under" (trapped) start together; the longer one wins.
    assert fields._first_cue_ahead(" were buried under rubble, killed", RULES) == "trapped"
    assert fields._first_cue_ahead(" were buried, then evacuated", RULES) == "killed"
    assert fields._first_cue_ahead(" who were later evacuated", RULES) == "evacuated"
    assert fields._first_cue_ahead(" of the city", RULES) is None


def test_first_cue_ahead_on_the_sample_articles() -> None:
    for sentence in _sample_sentences():
        for text in (sentence, sentence[len(sentence) // 3:], sentence[len(sentence) // 2:len(sentence) // 2 + 90],
                     sentence.upper()):
            first = fields._first_cue(text, RULES)
            assert fields._first_cue_ahead(text, RULES) == (first[0] if first else None), text


def test_places_of_finds_every_start_of_every_key_in_order() -> None:
    assert fields._places_of("a a a kil", ("a a",)) == [0, 2]            # overlapping starts too
    assert fields._places_of("fled, left, fled", ("fle", "lef")) == [0, 6, 12]
    assert fields._places_of("nothing here", ("kil",)) == []


def test_cues_indexed_by_word_start_on_the_sample_articles() -> None:
    for sentence in _sample_sentences():
        for text in (sentence, sentence[len(sentence) // 3:], sentence.upper()):
            assert [(metric, m.span()) for metric, m in fields._cues_in(text, RULES)] == _all_cues(text), text


@settings(max_examples=300, deadline=None)
@given(head=st.text(alphabet=st.sampled_from(list("ab’'. ,\n1é_-²ª\u0663\u00a0\u2019\u2018`")), max_size=160)
       | st.lists(st.sampled_from(["said", "a" * 30, " ", "’", "'", ".", "\u00a0"]), max_size=40).map("".join))
def test_last_word_is_what_the_search_captures(head: str) -> None:
    match = fields._LAST_WORD.search(head)
    assert fields.last_word(head) == (match.group(1) if match else None)


def test_last_word_of_a_long_word_and_of_punctuation_only() -> None:
    for head in ["x" * 100, "a " + "’" * 60 + " ", " " * 70 + "’ ", "word" + "." * 80, "y" * 47 + "’" * 3]:
        match = fields._LAST_WORD.search(head)
        assert fields.last_word(head) == (match.group(1) if match else None), head


def test_a_word_start_gate_finds_words_only_where_a_sentence_can_start_a_match() -> None:
    index = caseless.ArticleIndex([caseless.Gate.word_starts(["one", "ten", "dozens"])])
    found = {text: bool(index.scan(text)) for text in [
        "someone often stays", "Putin's attention", "one", "x-one", "Ten", "\u00e9one", "killedTen people",
        "TEN", "fifty_one", "5ten", "killedten", "kille.Dozens", "2 DOZENS"]}
    assert found == {"someone often stays": False, "Putin's attention": False, "one": True, "x-one": True, "Ten": True,
                     "\u00e9one": True, "killedTen people": True, "TEN": True, "fifty_one": False, "5ten": False,
                     "killedten": False, "kille.Dozens": True, "2 DOZENS": True}
    plain = caseless.Gate.word_starts(["one", "(dozens)"])     # a word not starting with a letter
    assert plain.words_only and plain.expressions == ["\\x28dozens\\x29", "one"]


def test_number_words_that_do_not_start_with_a_letter_are_found_under_an_index(tmp_path: Path) -> None:
    (tmp_path / "numbers.yaml").write_text("vague:\n  '(dozens)': [24, 99]\n", encoding="utf-8")
    rules = load_rules(tmp_path)
    text = "(dozens) of people"
    assert rules.vague_re.search(text)
    index = caseless.ArticleIndex(rules.gates)
    previous = index.begin([text])
    try:
        assert [m.text for m in numbers.find_numbers(text, rules)] == ["(dozens)"]
    finally:
        index.end(previous)


def test_war_words_in_one_scan() -> None:
    gazetteer = places.Gazetteer(RULES)
    assert gazetteer.war_words
    windows = _sample_sentences() + [w + s for w in gazetteer.war_words for s in ("", "s", " in", "-time")]
    for window in windows + ["x" + w for w in gazetteer.war_words]:
        low = window.lower()
        assert bool(gazetteer.war_words_re.search(low)) == any(
            re.search(rf"\b{re.escape(word)}\b", low) for word in gazetteer.war_words), window


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab 7\n.,\u00a0\u0663\uff15\u00b2\u00bd_é’")), max_size=60))
def test_has_digit_is_the_digit_scan(text: str) -> None:
    """Arabic-Indic and full-width digits are \\d too (the slow path); superscripts and fractions are not."""
    assert has_digit(text) == bool(re.search(r"\d", text)), text


def test_has_digit_finds_each_ascii_digit_anywhere() -> None:
    for digit in "0123456789":
        for text in (digit, f"no {digit}", f"{digit} yes", "x" * 200 + digit):
            assert has_digit(text) and has_digit(text + "é"), text
    assert not has_digit("no digits at all") and not has_digit("²½ é")


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("aB1 _.'’$£€#%-\n\t\u00a0\u2009é٣,;(") + ["\u0301", "ª"]),
                    max_size=70), cut=st.integers(0, 70))
def test_previous_word_is_what_the_search_captures(text: str, cut: int) -> None:
    pos = min(cut, len(text))
    match = numbers._WORD_BEFORE.search(text[max(0, pos - 40):pos])
    assert numbers._prev_word(text, pos) == (match.group(1).lower() if match else ""), (text, pos)


TIME_WORDS = sorted(set(re.findall(r"[a-z]+", fields._TIME_TAIL.pattern)) - {"s"})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.tuples(st.sampled_from(TIME_WORDS + EDGES + ["said", "Mr Smith", "onward"]),
                                  st.sampled_from([str.lower, str.upper, str.title]),
                                  st.sampled_from(["", " ", "\n", "  ", "\t", ", "])), max_size=8))
def test_time_tail_is_stripped_as_the_pattern_strips_it(pieces: list[tuple[str, Callable[[str], str], str]]) -> None:
    text = "".join(case(word) + sep for word, case, sep in pieces)
    assert fields.strip_time_tail(text) == fields._TIME_TAIL.sub("", text), text


def _clean_source_as_written(text: str) -> str | None:
    """fields._clean_source as it was, with _SPEECH_CUT run on every subject."""
    text = text.strip(" ,'\"“”‘’()")
    text = fields.strip_time_tail(text).strip(" ,")
    text = fields._SPEECH_CUT.sub("", text).strip(" ,")
    words = text.split()
    while words and words[0].lower() in RULES.attr_strip:
        words = words[1:]
    if not words or len(words) > 9:
        return None
    if any(w.lower().strip(".,'’") in RULES.first_person for w in words):
        return None
    name = " ".join(words)
    if not any(ch.isalpha() for ch in name):
        return None
    return fields._POSSESSIVE_END.sub("", name) if name.endswith(("'", "’")) else name


CUT_WORDS = sorted(set(re.findall(r"[a-z]+", fields._SPEECH_CUT.pattern)) - {"s"})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.tuples(st.sampled_from(CUT_WORDS + EDGES + ["ın", "\u0130n", "Mr Smith", "officials", "into"]),
                                  st.sampled_from([str.lower, str.upper, str.title]),
                                  st.sampled_from(["", " ", "\n", "  ", "\t", ", ", "\x1c", "\u00a0"])), max_size=8))
def test_a_source_is_cleaned_as_when_every_subject_was_cut(pieces: list[tuple[str, Callable[[str], str], str]]) -> None:
    assert fields._SPEECH_CUT_WORDS == set(CUT_WORDS)
    text = "".join(case(word) + sep for word, case, sep in pieces)
    assert fields._clean_source(text, RULES) == _clean_source_as_written(text), text


def test_time_tail_on_every_word_and_the_sample_articles() -> None:
    assert set(TIME_WORDS) >= fields._TIME_TAIL_LAST
    for word in TIME_WORDS:
        for text in (f"officials {word}", f"officials {word}\n", f"officials{word}", word, f"x {word.upper()}",
                     f"x {word}\u212a", f"x {word.replace('s', chr(0x17f))}"):
            assert fields.strip_time_tail(text) == fields._TIME_TAIL.sub("", text), text
    for sentence in _sample_sentences():
        for cut in range(0, len(sentence), 7):
            head = sentence[:cut]
            assert fields.strip_time_tail(head) == fields._TIME_TAIL.sub("", head), head


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(["between", "BETWEEN", "From", "from", "rom", "etween", "x", "a", " ", "  ", "\n",
                                        "\t", "\u00a0", "\u2009", "-", "_", "é", "\u212a", "\u017f", "\u0130", "2"]),
                       max_size=10))
def test_a_word_before_a_number_is_what_the_search_finds(pieces: list[str]) -> None:
    head = "".join(pieces)
    for word in (numbers._BETWEEN, numbers._FROM):
        pattern = word[0]
        want = pattern.search(head)
        got = numbers._word_before(word, head + "12 people", len(head))
        assert (got.span() if got else None) == (want.span() if want else None), (pattern.pattern, head)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(["at least", "AT LEAST", "more than", "about", "nearly", "up to", "some", "including",
                                        "among them", "of whom", "Of Which", "least", "x", "a", " ", "  ", "\n", "\t",
                                        "\u00a0", "\u2009", "(", "'", "‘", "-", "é", "\u212a", "\u017f", "\u0130"]),
                       max_size=10))
def test_a_phrase_at_the_end_is_what_the_search_finds(pieces: list[str]) -> None:
    """search_at_end against the every-position search: the qualifier before a number, an appositive."""
    from newsfigures.extract import _APPOSITIVE_END, _APPOSITIVE_LONGEST

    text = "".join(pieces)
    for pattern, longest in ((RULES.qualifier_before_re, RULES.qualifier_longest), (_APPOSITIVE_END, _APPOSITIVE_LONGEST)):
        for head in (text, text[-24:], text[-20:]):
            want, got = pattern.search(head), numbers.search_at_end(pattern, head, longest)
            assert (got.span(1) if got and got.groups() else got and got.span()) == \
                (want.span(1) if want and want.groups() else want and want.span()), (pattern.pattern, head)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(["the", "The", "city", "CITY", "port", "capital", "plant", "besieged", "a day",
                                        "per week", "daily", "DAILY", "month", "war", "invasion", "conflict", "x", " ",
                                        "-", "\n", "\u00a0", "é", "\u212a", "\u017f", "\u0130", "\u0131"]), max_size=10),
       data=st.data())
def test_word_checks_let_through_every_match(pieces: list[str], data: st.DataObject) -> None:
    """A span _may_hold rules out holds no match of the rate or place-anaphora patterns."""
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    if fields._ANAPHORA.search(text, start, end):
        assert fields._may_hold(text, (start, end), fields._ANAPHORA_NOUNS), (text, start, end)
    if fields._RATE.match(text[start:start + 60]):
        assert fields._may_hold(text, (start, start + 60), fields._RATE_WORDS), (text, start)
    gazetteer = places.Gazetteer(RULES)
    window = text.lower()
    assert fields._frames_war(text, (0, len(text)), gazetteer) == bool(gazetteer.war_words_re.search(window))


def test_every_phrase_at_the_end_and_every_checked_word_at_a_span_end() -> None:
    from newsfigures.extract import _APPOSITIVE_END, _APPOSITIVE_LONGEST, _APPOSITIVE_WORDS

    for pattern, longest, phrases in ((RULES.qualifier_before_re, RULES.qualifier_longest, list(RULES.qualifiers)),
                                      (_APPOSITIVE_END, _APPOSITIVE_LONGEST, _APPOSITIVE_WORDS)):
        for phrase in phrases:
            for head in (f"x {phrase} ", f"({phrase.upper()}\u00a0\n", f"{phrase}  ", f"x{phrase} "):
                want, got = pattern.search(head), numbers.search_at_end(pattern, head, longest)
                assert (got and got.span()) == (want and want.span()), (phrase, head)
            assert pattern.search(f"x {phrase} "), phrase
    for noun in fields._ANAPHORA_NOUNS:
        text = f"in the besieged {noun.title()}, they said"
        end = text.index(",")
        assert fields._ANAPHORA.search(text, 0, end) and fields._may_hold(text, (0, end), fields._ANAPHORA_NOUNS)
    for word in fields._RATE_WORDS:
        text = f"400 a {word}" if word != "daily" else "400 daily"
        assert fields._RATE.match(text[3:]) and fields._may_hold(text, (3, 63), fields._RATE_WORDS), word


def _words_after(sentence: str, pos: int, limit: int) -> list[tuple[str, int, int]]:
    from itertools import islice

    return [(m.group(0), *m.span()) for m in islice(fields._WORD.finditer(sentence, pos), limit)]


def _words_before(sentence: str, pos: int, limit: int) -> list[tuple[int, int]]:
    return [m.span() for m in list(fields._WORD.finditer(sentence, max(0, pos - 200), pos))[-limit:]]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(["killed", "U.S.", "3,000", "2.5", "ab-cd", "’s", "-", ".", ",", " ", "  ", "x",
                                      "\u00a0", "é", "(", ")", "9", "a" * 120]), max_size=30).map("".join),
       data=st.data())
def test_words_around_a_position_are_what_the_scan_finds(text: str, data: st.DataObject) -> None:
    for _ in range(4):
        pos = data.draw(st.integers(0, len(text)))
        limit = data.draw(st.integers(1, 16))
        assert fields.words_before(text, pos, limit) == _words_before(text, pos, limit), (text, pos)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["killed", "U.S.", "3,000", "ab-cd", "’s", "-", ".", " ", "x", "é", "("]),
                     max_size=20).map("".join), data=st.data())
def test_tokens_made_as_asked_are_the_scans_first_tokens(text: str, data: st.DataObject) -> None:
    """noun_phrase's tokens, made one by one as it asks (in any order), are the scan's first ones."""
    pos = data.draw(st.integers(0, len(text)))
    limit = data.draw(st.integers(1, 16))
    want = _words_after(text, pos, limit)
    ahead = fields._Ahead(text, pos, limit)
    for k in data.draw(st.lists(st.integers(0, 18), max_size=6)) + [limit - 1]:
        assert ahead.has(k) == (k < len(want)), (text, pos, k)
        assert ahead.words == want[:len(ahead.words)]
    assert ahead.words == want


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(["killed", "U.S.", "3,000", "2.5", "ab-cd", "’s", "-", ".", ",", " ", "  ", "x",
                                      "\u00a0", "\t", "\n", "é", "(", "9", "a" * 30]), max_size=40).map("".join),
       data=st.data())
def test_sixteen_tokens_in_one_match_end_where_the_sixteenth_does(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    tokens = _words_after(text, pos, 16)
    match = fields._WORDS_16.match(text, pos)
    assert (match.end() if match else None) == (tokens[-1][2] if tokens else None), (text, pos)


def test_words_around_every_number_of_the_sample_articles() -> None:
    long = "a" * 150 + " 40 people killed " + "b" * 150
    for pos in range(len(long) + 1):                  # the 200-character window starts inside a word
        assert fields.words_before(long, pos, 12) == _words_before(long, pos, 12), pos
    for sentence in _sample_sentences():
        for pos in range(0, len(sentence) + 1, 3):
            assert fields.words_before(sentence, pos, 12) == _words_before(sentence, pos, 12)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab ,", max_size=30), starts=st.lists(st.integers(0, 32), max_size=12),
       pos=st.integers(0, 10), endpos=st.integers(0, 40))
def test_the_list_and_first_forms_of_matches_at_find_what_it_finds(text: str, starts: list[int], pos: int,
                                                                    endpos: int) -> None:
    """all_matches_at and first_match_at: the matches a pattern whose every match starts at one
    of ``starts`` finds there, each after the last one's end, from pos and up to endpos."""
    pattern = re.compile(r"a+b?|b a")
    starts = sorted(set(starts))
    want = []
    at = pos
    for start in starts:
        if start >= at:
            found = pattern.match(text, start, endpos)
            if found is not None:
                want.append(found.span())
                at = found.end()
    assert [m.span() for m in caseless.all_matches_at(pattern, text, starts, pos, endpos)] == want
    first = caseless.first_match_at(pattern, text, starts, pos, endpos)
    assert (first.span() if first else None) == (want[0] if want else None)


def test_patterns_found_from_their_literals_are_among_those_compared() -> None:
    """The patterns that try ``slow`` only where a literal is (``finds``) go through the
    comparisons above: on the sample articles and on generated text with dashes, semicolons
    and the letters IGNORECASE pairs with ASCII ones."""
    with_finds = {name for name, pattern in PATTERNS.items() if pattern.finds}
    assert {"newsfigures.fields._CLAUSE_CUT", "newsfigures.fields._CLAUSE_START",
            "newsfigures.fields.HARD_BOUNDARY", "newsfigures.fields._ACCORDING",
            "newsfigures.fields._BY_COUNT"} <= with_finds


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab -;\u2014", max_size=30), pos=st.integers(0, 32), endpos=st.integers(0, 40))
def test_literal_starts_are_every_place_a_literal_allows(text: str, pos: int, endpos: int) -> None:
    finds = (("ab", 0), ("-", 1), (";", 0), ("\u2014", 0), ("b\u2014", 1))
    want = sorted(i - back for literal, back in finds for i in range(len(text))
                  if text.startswith(literal, i) and i - back >= pos and i + len(literal) <= min(endpos, len(text)))
    assert caseless.literal_starts(text, finds, pos, endpos) == want


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(alphabet="ab -;\u2014", max_size=30), min_size=1, max_size=3),
       asks=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 32), st.integers(0, 40)), max_size=8))
def test_literal_starts_remembered_for_the_last_text_are_literal_starts(texts: list[str],
                                                                        asks: list[tuple[int, int, int]]) -> None:
    """A pattern works out where its finds are once per text and answers each stretch from
    that: the same starts as looking for them in the stretch, whatever texts come in between
    (in ASCII text, from its finds that are ASCII alone)."""
    pattern = Caseless(r"\bab|-|;|\u2014", r"ab|-|;|\u2014", finds=(("ab", 0), ("-", 1), (";", 0), ("\u2014", 0)))
    assert pattern.ascii_finds == (("ab", 0), ("-", 1), (";", 0))
    for which, pos, endpos in asks:
        text = texts[which % len(texts)]
        assert pattern._literal_starts(text, text, pos, endpos) == caseless.literal_starts(text, pattern.finds, pos, endpos)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("kilbe tdaw’'. ,\n1_-²ª\u0663\u00a0")), max_size=40))
def test_cues_filed_at_word_starts_are_those_the_word_start_scan_finds(text: str) -> None:
    """_filed_at_word_starts reads code points where it used ``\\W(?=(\\w..))`` and the text's
    first word: the same cues, for keys that start with a letter a-z (as every key does)."""
    keys = {"kil": [0], "be ": [1], "dea": [2], "k1_": [3], "a a": [4], "tw’": [5]}
    lower = text.lower()
    want: set[int] = set()
    found = re.findall(r"\W(?=(\w..))", lower) + ([lower[:3]] if len(lower) >= 3 and re.match(r"\w", lower) else [])
    for key in found:
        want.update(keys.get(key, ()))
    got: set[int] = set()
    fields._filed_at_word_starts(lower, keys, got)
    assert got == want
    assert all("a" <= key[0] <= "z" for key in RULES.cues_by_start)


TOKEN_PIECES = ["killed", "U.S.", "3,000", "2.5", "1,", "ab-cd", "’s", "'", "-", ".", ",", " ", "  ", "x", "Z",
                "\u00a0", "\t", "\n", "\u2009", "é", "(", "9", "\u0663", "²", "_", "a.", "b’", "--", "\x1c",
                "\x85", "\u3000", "\x0b"]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(TOKEN_PIECES), max_size=30).map("".join), data=st.data())
def test_tokens_read_by_code_point_are_the_scans(text: str, data: st.DataObject) -> None:
    """fields.tokens find what _WORD.finditer finds, between any two positions and up to any
    count."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text) + 2))
    want = [m.span() for m in fields._WORD.finditer(text, start, end)]
    assert fields.tokens(text, start, end) == want, (text, start, end)
    limit = data.draw(st.integers(1, 16))
    assert fields.tokens(text, start, end, limit) == want[:limit]


CAPS_PIECES = ["Kyiv", "U.S.", "U.S", "U.K.", "U.N.", "U.X.", "of", " ", "  ", "\n", "\u00a0", "\u2009", "region",
               "oblast", "Region", "the", "A", "b", "-", "'", "’", "_", "1", "é", "É", "Of", ".", ",", "x", "\u0663"]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(CAPS_PIECES), max_size=16).map("".join))
def test_capitalised_runs_read_by_code_point_are_the_patterns(text: str) -> None:
    assert places.caps_runs(text) == [m.span(1) for m in places._CAPS.finditer(text)], text


def test_capitalised_runs_of_the_sample_articles() -> None:
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert places.caps_runs(text) == [m.span(1) for m in places._CAPS.finditer(text)]


def test_war_frames_and_amid_claims_hold_the_words_checked_first() -> None:
    """rank() and attribution_for() search only windows that hold one of these words."""
    for war in fields._WAR_WORDS:
        for prep in ("in", "of", "on", "against"):
            text = f"killed in the {war.upper()} {prep} "
            assert fields._WAR_FRAME_END.search(text) and fields._may_hold(text, (0, len(text)), fields._WAR_WORDS)
    for claim in ("fears", "reports", "claims", "concerns", "rumours"):
        text = f"but Amid {claim}, "
        assert fields._AMID.search(text) and fields._may_hold(text, (0, len(text)), ("amid",))
    assert fields._may_hold("Amid \u017fears", (0, 10), ("amid",))     # beyond exact lower-casing: always searched


@settings(max_examples=300, deadline=None)
@given(text=st.text(min_size=1, max_size=8))
def test_word_at_is_what_backslash_w_matches(text: str) -> None:
    for at in range(len(text)):
        assert caseless.word_at(text, at) == bool(re.match(r"\w", text[at])), repr(text[at])


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.tuples(st.integers(0, 12), st.sampled_from([1, 2, 4, 8, 3])), max_size=8))
def test_by_start_merges_each_start_once_in_order(words: list[tuple[int, int]]) -> None:
    """_by_start sorts only when the starts are out of order: the same list as sorting always."""
    want: dict[int, int] = {}
    for start, bits in words:
        want[start] = want.get(start, 0) | bits
    assert caseless._by_start(list(words)) == sorted(want.items())


def test_lowers_exactly_asked_again_gives_the_same_answer() -> None:
    safe, unsafe = "He said \u2019no\u2019 \u2013 twice", "Caf\u00e9 K\u212a"
    for text in (safe, unsafe, safe, safe, unsafe, unsafe, "plain ascii"):
        assert caseless.lowers_exactly(text) == (caseless._SAFE_TEXT.fullmatch(text) is not None)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(["post", "POST", "statement", "Tweet", "message", "update", "video", "report",
                                       "from", "FROM", "by", "By", "\u017fome", "\u212a", "the", "ministry", "said",
                                       "\u0130", "\u0131", " ", "\u00a0", "-"]), max_size=8))
def test_post_from_is_asked_only_of_sentences_that_may_hold_it(words: list[str]) -> None:
    """find_sources skips _POST_FROM for a sentence _may_post rules out: never one it matches."""
    text = " ".join(words)
    if fields._POST_FROM.search(text):
        assert fields._may_post(text.lower()), text


def test_post_from_checks_on_the_sample_sentences() -> None:
    texts = [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]
    texts += ["In a statement from the ministry, officials said 12 died.", "A VIDEO BY the mayor said 3 died.",
              "a post\u00a0from Kyiv", "in an update  by the UN"]
    matched = [t for t in texts if fields._POST_FROM.search(t)]
    assert len(matched) >= 4 and all(fields._may_post(t.lower()) for t in matched)
    assert sum(not fields._may_post(t.lower()) for t in texts) > len(texts) // 2     # most are ruled out


def test_the_hard_boundary_keep_refuses_only_commas_no_pronoun_clause_opens_at() -> None:
    keep, refused = fields._may_open_pronoun_clause, 0
    for space in ["", " ", "  ", "\u00a0", "\n", "\u2009"]:
        for word in ["he", "She", "THEY", "we", "I", "it", "hey", "the", "its", "x", "h\u00e9"]:
            for after in ["", " ", "\u00a0", "\t", "x", "\u3000"]:
                for tail in ["killed", "said", ""]:
                    text = "Ten died," + space + word + after + tail
                    comma = text.index(",")
                    if fields.HARD_BOUNDARY.slow.match(text, comma):
                        assert keep(text, comma, len(text)), text
                    refused += not keep(text, comma, len(text))
    assert refused > 500 and keep("but", 0, 3) and keep("x; y", 1, 4)


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.sampled_from(["since", "from", "until", "till", "before", "ahead of", "by", "ahead", "of",
                                       "x" * 20, "a", ",", ".", ";", " ", "\n", "bypass", "_by", "2"]), max_size=14))
def test_since_end_is_the_search_it_replaces(words: list[str]) -> None:
    lead = " ".join(words)[-60:]
    assert fields._since_end(lead) == bool(fields._SINCE_END.search(lead)), lead


def test_since_end_at_the_edges_of_its_reach() -> None:
    for lead in ["x ahead of " + "y" * 44, "ahead of " + "y" * 44 + "\n", "by " + "z" * 44, "by " + "z" * 45,
                 "since, " + "w" * 10, "until;", "before" + "q" * 5, "till . " + "b" * 3]:
        assert fields._since_end(lead) == bool(fields._SINCE_END.search(lead)), lead


def _hard_segment(sentence: str, start: int) -> tuple[int, int]:
    """What hard_segments replaced: the boundaries scanned again for each start."""
    left, right = 0, len(sentence)
    for match in fields.HARD_BOUNDARY.finditer(sentence):
        if match.end() <= start:
            left = match.end()
        elif match.start() >= start:
            right = match.start()
            break
    return left, right


def test_hard_segments_are_each_start_s_own_segment() -> None:
    texts = [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]
    texts += ["12 died; but 30 were hurt, although 4 fled, he said, while 2, she added, were missing",
              "a;b;;c but", "", "but"]
    split = 0
    for text in texts:
        starts = [m.start() for m in re.finditer(r"\S+", text)] + [len(text)]
        segments = fields.hard_segments(text, starts)
        assert segments == [_hard_segment(text, start) for start in starts], text
        split += len(set(segments)) > 1
    assert split > 20


def test_a_window_lowers_to_its_slice_of_the_sentence_s_lowering() -> None:
    """The cue readers take a window's lowering from its sentence's: the same as lowering the
    window itself, wherever the sentence lowers exactly (None otherwise: the window is read
    itself)."""
    texts = [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]
    texts += ["Kyiv\u2019s \u201cmayor\u201d said\u00a012 died", "\u0130stanbul said 3 died", "K\u212a 4 killed", ""]
    beyond_ascii = 0
    for text in texts:
        beyond_ascii += not text.isascii() and lowered(text) is not None
        for start in range(0, len(text) + 1, 7):
            for end in (start, start + 5, start + 40, len(text) + 3):
                window = fields._window_lower(text, start, end)
                if lowered(text) is None:
                    assert window is None
                else:
                    assert window == caseless.exact_lower(text[start:end]), (text, start, end)
                    given = [(metric, m.span()) for metric, m in fields._cues_in(text[start:end], RULES, window)]
                    assert given == [(metric, m.span()) for metric, m in fields._cues_in(text[start:end], RULES)]
    assert beyond_ascii > 10


def test_white_space_digits_letters_and_capitals_read_by_code_point_are_str_s() -> None:
    text = "".join(map(chr, range(0x3100))) + "\U0001d7ce\U000e0020\U0001d400\U0001d41a"
    assert all(caseless.space_at(text, i) == text[i].isspace() for i in range(len(text)))
    assert all(caseless.decimal_at(text, i) == text[i].isdecimal() for i in range(len(text)))
    assert all(caseless.alpha_at(text, i) == text[i].isalpha() for i in range(len(text)))
    assert all(caseless.upper_at(text, i) == text[i].isupper() for i in range(len(text)))


CUES = [(metric, str(cue)) for metric, cues in RULES.metrics["metrics"].items() for cue in cues]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_cue_match_ends_with_one_of_the_cue_tails(data: st.DataObject) -> None:
    """adjacent_cue looks for a cue only in a window whose last three characters end some cue:
    whatever a cue matches (drawn from its own regex) ends with one of them."""
    assert RULES.cue_tails is not None
    _, cue = data.draw(st.sampled_from(CUES))
    text = data.draw(st.from_regex(re.compile(cue, re.I), fullmatch=True))
    assert text.lower()[-3:] in RULES.cue_tails, (cue, text)


def test_adjacent_cues_are_the_same_without_the_tails_check() -> None:
    sentences = _sample_sentences()
    tails, checked = RULES.cue_tails, 0
    try:
        for sentence in sentences:
            mentions = numbers.find_numbers(sentence, RULES)
            RULES.cue_tails = tails
            quick = [fields.adjacent_cue(sentence, m, 0, RULES) for m in mentions]
            RULES.cue_tails = None
            assert quick == [fields.adjacent_cue(sentence, m, 0, RULES) for m in mentions], sentence
            checked += sum(1 for cue in quick if cue)
    finally:
        RULES.cue_tails = tails
    assert checked > 10
    assert _tails(["kills?", "[a-z]+"]) is None and _tails(["ab"]) is None and _tails(["kills?"]) == {"ill", "lls"}


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(TOKEN_PIECES), max_size=40).map("".join), data=st.data())
def test_the_window_limit_is_where_16_tokens_end_cut_at_stop(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(0, len(text)))
    match = fields._WORDS_16.match(text, pos)
    want = min(stop, match.end()) if match else stop
    assert fields._window_limit(text, pos, stop) == want, (text, pos, stop)


def test_the_window_limit_on_the_sample_sentences() -> None:
    for sentence in _sample_sentences() + [" ".join(["ab"] * 20) + "  "]:
        for pos in range(0, len(sentence) + 1, 4):
            for stop in (len(sentence), pos + 20, pos + 60, pos + 100, pos - 1):
                match = fields._WORDS_16.match(sentence, pos)
                want = min(stop, match.end()) if match else stop
                assert fields._window_limit(sentence, pos, stop) == want, (sentence, pos, stop)

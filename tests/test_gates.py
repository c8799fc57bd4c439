"""The article index (caseless.ArticleIndex) only ever rules out sentences a pattern cannot match.

A gate may let through text its pattern does not match (that costs one scan), but must never
stop text its pattern matches: that would lose a figure. These tests hold every gate the
extractor uses against its pattern, on the sample articles and on generated text made of the
patterns' own words and the characters at their edges, and check that extraction gives the
same rows with the index and without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfigures import caseless, fields, numbers, sentences
from newsfigures.caseless import ArticleIndex, Caseless, Gate, lowers_exactly
from newsfigures.corpus import generate
from newsfigures.extract import Extractor
from newsfigures.rules import _number_words_in, load_rules, numberish
from newsfigures.sentences import split_sentences

from conftest import RAW

RULES = load_rules()
hyperscan = pytest.importorskip("hyperscan", reason="the article index needs hyperscan (the native extra)")


def _gated() -> dict[str, tuple[Gate, Callable[[str], bool]]]:
    """Every gate the extractor's index holds, with what it stands for: does the text match?"""
    found: dict[str, tuple[Gate, Callable[[str], bool]]] = {
        "number words": (RULES.number_gate, lambda text: _number_words_in(RULES, text.lower())),
        "population before": (RULES.population_before_gate, lambda text: bool(RULES.population_before_re.search(text))),
        "age": (RULES.age_gate, lambda text: bool(RULES.age_before_re.search(text))),
        "population cues": (RULES.population_cue_gate, lambda text: bool(RULES.population_cue_re.slow.search(text))),
        "digits": (numbers.DIGIT_GATE, lambda text: bool(numbers.DIGITS.search(text))),
        "glue": (sentences.GLUE_GATE, lambda text: bool(sentences._GLUE.search(text))),
        "spaces": (sentences.SPACES_GATE, lambda text: "  " in text or not sentences._no_ascii_whitespace(
            text.replace("\n", " "))),
        "source words": (fields.SOURCE_WORDS_GATE, lambda text: any(
            p.search(text) is not None for p in (fields._ACCORDING, fields._BY_COUNT, fields._DATA_SHOW))),
    }
    patterns: dict[str, Caseless] = {"speech": RULES.speech_re, "any event": RULES.any_event_re,
                                     "word numbers": RULES.word_number_re, "vague": RULES.vague_re,
                                     "event anaphora": RULES.event_anaphora,
                                     "hard boundary": fields.HARD_BOUNDARY, "dates": fields._DATE_RE}
    patterns.update({f"event {slug}": pattern for slug, pattern in RULES.event_cues})
    for name, pattern in patterns.items():
        assert pattern.gate is not None, name
        found[name] = (pattern.gate, lambda text, slow=pattern.slow: slow.search(text) is not None)
    return found


GATED = _gated()


def test_the_index_holds_every_gate() -> None:
    index = Extractor().index
    assert index.active
    assert {gate.bit for gate, _ in GATED.values()} == {gate.bit for gate in index.gates}
    assert all(gate.expressions for gate in index.gates)


INDEXES: dict[str, ArticleIndex] = {}


# Gates only ever asked about whole sentences. The digit gate marks where a digit run starts
# after what DIGITS allows before it; a part that starts inside a run ("1|2") has a match there.
# DIGITS is scanned over whole sentences only. The glue expression is read over whole articles
# (split_sentences).
WHOLE_TEXT_ONLY = {"digits", "glue"}


def _check(name: str, texts: list[str], step: int = 1) -> None:
    """A text the gate closes on holds no match, and neither does any part of it (callers scan
    windows of an indexed sentence: the 40 characters before a number, a clause)."""
    gate, matches = GATED[name]
    index = INDEXES.get(name) or INDEXES.setdefault(name, ArticleIndex([gate]))
    present = index.presence(texts)
    for text in texts:
        if text not in present or present[text] & gate.bit:
            continue
        assert not matches(text), (name, text)
        if name in WHOLE_TEXT_ONLY:
            continue
        for end in range(0, len(text) + 1, step):
            for start in {0, max(0, end - 40), max(0, end - 12)}:
                assert not matches(text[start:end]), (name, text, start, end)


def _sample_sentences() -> list[str]:
    return [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("name", sorted(GATED))
def test_gates_let_through_every_sample_sentence_their_pattern_matches(name: str) -> None:
    sentences = _sample_sentences()
    _check(name, sentences + [s.upper() for s in sentences] + [s[len(s) // 3:] for s in sentences], step=3)


_EXC, _EVENTS = RULES.exclusions, RULES.events
_CUES = {e["slug"]: [str(c) for c in e["cues"]] for e in _EVENTS.get("events", [])}
_NUMBER_WORDS = list(RULES.units) + list(RULES.scales)
# Each pattern's words, from the rules and modules they are built from (not from the gates,
# which are what is tested).
SOURCES: dict[str, list[str]] = {
    "number words": _NUMBER_WORDS + [w.split()[-1] for w in RULES.vague],
    "population before": [str(w) for w in _EXC.get("population_before", [])] + ["the", "some", "about"],
    "age": [str(w) for w in _EXC.get("age_before", [])] + ["and", "to", "or"],
    "population cues": [str(w) for w in _EXC["population_cues"]],
    "speech": sorted(RULES.speech_verbs),
    "any event": [c for cues in _CUES.values() for c in cues],
    "word numbers": _NUMBER_WORDS + ["a", "an", "and", "dozen"],
    "vague": list(RULES.vague),
    "event anaphora": [str(a) for a in _EVENTS.get("anaphora", [])] + ["the", "that", "this", "these", "those"],
    "hard boundary": fields._HARD_WORDS + ["he", "she", "they", "we", "i", "it", "said", "added"],
    "glue": ["morningA ", "rubblePeople ", "xy.Z ", "ab’C ", "ab”C ", "iPhone ", "McD", "aB", "ab)C", "ab'C "],
    "digits": ["1", "12", "1,459", "3.4", "07", "a1", "£5", "$5", "€5", "#5", "+5", "/5", ":5", ".5", ",5", "٣", "²"],
    "spaces": ["  ", "a  b", "\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f"],
    "source words": ["according to", "by the UN's own estimates", "by Kyiv's count", "by the tally", "officials' figures",
                     "UN data show", "city figures suggested", "by their counts", "estimate"],
    "dates": fields._MONTH_WORDS + fields.WEEKDAYS + fields._RELATIVE_WORDS + ["of", "1st", "24"],
} | {f"event {slug}": cues for slug, cues in _CUES.items()}


def _words(name: str) -> list[str]:
    """The pattern's words and phrases, their words, and pieces of them."""
    words = set()
    for phrase in SOURCES[name]:
        for word in [phrase] + phrase.split():
            words |= {word, word[:-1], word + "s"}
    return sorted(w for w in words if w)


# Characters at the gates' edges: word characters beyond ASCII (ª ² ½), letters IGNORECASE
# pairs with ASCII ones (ſ K İ ı: such text takes no gate), every kind of space, the
# index's own separator and stand-in ("\n", "?"), hyphens, apostrophes, digits.
EDGES = ["", " ", "  ", "\n", "\u00a0", "\u2009", "\x1c", "\t", "?", "-", "'", "’", ",", ", ", ";", ".", "_", "ª", "²",
         "½", "é", "\u017f", "\u212a", "\u0130", "\u0131", "0", "7", "a", "an", "and", "of", "the", "he", "it", "said"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(GATED))
def test_gates_let_through_every_generated_text_their_pattern_matches(name: str, data: st.DataObject) -> None:
    piece = st.tuples(st.sampled_from(_words(name) + EDGES), st.sampled_from([str.lower, str.upper, str.title]))
    texts = [data.draw(st.lists(piece, max_size=10).map(lambda ps: "".join(case(p) for p, case in ps)))
             for _ in range(3)]
    _check(name, texts)


@pytest.mark.parametrize("name", sorted(GATED))
def test_gates_let_through_each_of_their_patterns_words(name: str) -> None:
    texts = [text for word in SOURCES[name] for text in (
        word, f"the {word} ", f"Officials said the {word} of 40", f"{word.title()} x", f"a {word} 40 ", f"12 {word} ",
        f"He said, {word} ")]
    assert any(GATED[name][1](text) for text in texts), name
    _check(name, texts)


def test_a_sentence_without_the_words_is_ruled_out_and_one_with_them_is_not() -> None:
    index = Extractor().index
    quiet, spoken = "The convoy reached the port at dawn.", "Officials said 40 people were killed."
    churn, inhabited = "The butter churn", "The town had 20,000 inhabitants before the war."
    previous = index.begin([quiet, spoken, churn, inhabited])
    try:
        assert RULES.speech_re.search(quiet) is None and RULES.speech_re.gate.absent(quiet)
        assert not RULES.speech_re.gate.absent(spoken) and RULES.speech_re.search(spoken).group(0) == "said"
        assert not numberish(RULES, quiet) and RULES.word_number_re.gate.absent(quiet) and RULES.vague_re.gate.absent(quiet)
        assert not RULES.speech_re.gate.absent("Officials said so.")      # not indexed: scanned as ever
        # A scan that stops short of the text's end finds what it finds in that part.
        assert [m.group(0) for m in fields.HARD_BOUNDARY.finditer(churn, 0, 7)] == ["but"]
        assert fields.HARD_BOUNDARY.search(churn, 0, 7).group(0) == "but"
        # A pattern whose gate this index does not hold is never ruled out by it.
        other = caseless.words(["inhabitants"])
        assert other.gate not in index.gates
        assert other.search(inhabited).group(0) == "inhabitants"
    finally:
        index.end(previous)
    assert not RULES.speech_re.gate.absent(quiet)                       # outside an article: no gate


def test_word_patterns_under_the_index_find_what_a_scan_finds_from_every_position() -> None:
    """Patterns made by caseless.words are tried only where the index saw their words start:
    the same matches as the plain pattern, from any ``pos`` and to any ``endpos``."""
    patterns = [RULES.speech_re, RULES.any_event_re, RULES.vague_re, RULES.population_cue_re, RULES.word_number_re,
                fields._DATE_RE] + [p for _, p in RULES.event_cues]
    assert all(p.at_words for p in patterns) and RULES.word_number_re.lead == 2
    sentences = [s for s in _sample_sentences() if any(p.slow.search(s) for p in patterns)][:40]
    sentences += ["Officials said, SAID and said again", "said", "Dozens, dozens of dozens",
                  "A hundred, an \u00a0 thousand and a\tdozen: ban hundred, a-hundred, two hundred and fifty",
                  "an hundred", "a hundred", " a  Million", "twenty-one, someone often weighed one",
                  # the character before a word, as the look-behinds read it: \\w beyond ASCII, "_", "-"
                  "x_one, 2one, \u00b2six, \u2014one, x ten-fold, said_ SAID-said, \u00aaone",
                  "On 24 Feb. 2022, Mar 3 and 1st of April; the 12 March strike, Monday, this morning."]
    index = Extractor().index
    previous = index.begin(sentences)
    tried = 0
    try:
        for sentence in sentences:
            for pattern in patterns:
                if pattern.gate.starts(sentence) is None:
                    continue
                tried += 1
                for pos in range(len(sentence) + 1):
                    for endpos in (len(sentence), pos + 12, pos + 30):
                        want = [m.span() for m in pattern.slow.finditer(sentence, pos, endpos)]
                        assert [m.span() for m in pattern.finditer(sentence, pos, endpos)] == want, (sentence, pos)
                        first = pattern.search(sentence, pos, endpos)
                        assert (first.span() if first else None) == (want[0] if want else None), (sentence, pos)
    finally:
        index.end(previous)
    assert tried > 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_numbers_under_the_index_are_the_digit_runs_a_scan_finds(data: st.DataObject) -> None:
    """DIGITS is tried only where the digit gate marks a run's first digit: the same matches."""
    texts = [data.draw(st.lists(st.sampled_from(_words("digits") + EDGES), max_size=12).map("".join)) for _ in range(3)]
    texts += ["At least 1,459 (12%) of 3.4 million, £5, 2022-03-16, 40-11-60, 07700 900123: 12 died."]
    index = ArticleIndex([numbers.DIGIT_GATE])
    previous = index.begin(texts)
    try:
        for text in texts:
            starts = numbers.DIGIT_GATE.starts(text)
            if starts is None:
                continue
            want = [m.span() for m in numbers.DIGITS.finditer(text)]
            assert [m.span() for m in caseless.all_matches_at(numbers.DIGITS, text, starts)] == want, text
    finally:
        index.end(previous)
    assert numbers.DIGIT_GATE.starts(texts[-1]) is None                  # outside the article: cannot tell


def _holds_numbers_where_numbers_are_found(texts: list[str]) -> int:
    """Under the extractor's index, ``holds_numbers`` says no only where no number is found; it
    says what ``numberish`` says where the index cannot tell. Returns how many it ruled out."""
    index = Extractor().index
    previous = index.begin(texts)
    ruled_out = 0
    try:
        for text in texts:
            if not numbers.holds_numbers(text, RULES):
                assert not numbers._raw_numbers(text, RULES), text
                ruled_out += 1
            if numbers.DIGIT_GATE.present(text) is None:
                assert numbers.holds_numbers(text, RULES) == numberish(RULES, text), text
    finally:
        index.end(previous)
    for text in texts:                                   # outside the article: numberish itself
        assert numbers.holds_numbers(text, RULES) == numberish(RULES, text), text
    return ruled_out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_holds_numbers_rules_out_only_text_without_numbers(data: st.DataObject) -> None:
    piece = st.tuples(st.sampled_from(_words("number words") + _words("word numbers") + SOURCES["digits"]
                                      + ["A1", "H2O", "x5"] + EDGES),
                      st.sampled_from([str.lower, str.upper, str.title]))
    texts = [data.draw(st.lists(piece, max_size=10).map(lambda ps: "".join(case(p) for p, case in ps)))
             for _ in range(4)]
    _holds_numbers_where_numbers_are_found(texts)


def test_holds_numbers_on_the_sample_sentences() -> None:
    sentences = _sample_sentences()
    crafted = ["Seat A1 was empty.", "The A1 road and the M4 were shut.", "Someone phoned.",
               "None of the tents held.", "Ten people were hurt.", "Hundreds fled.", "It cost \u00a35."]
    ruled_out = _holds_numbers_where_numbers_are_found(sentences + [s.upper() for s in sentences] + crafted)
    assert ruled_out > len(sentences) // 2          # most sentences hold no number, and are ruled out


def test_the_pronoun_clause_after_every_kind_of_space() -> None:
    texts = [f"Homes burned,{space}{pronoun} claimed, {space}" for space in caseless.WHITESPACE
             for pronoun in ("he", "She", "IT")]
    assert sum(1 for t in texts if fields.HARD_BOUNDARY.slow.search(t)) > 60
    _check("hard boundary", texts)


def test_the_month_gate_at_the_end_of_the_text_and_before_a_digit() -> None:
    """A month counts wherever its letters are: at the very end of the index's text, before a
    digit ("24 Mar7"), and inside a longer word, where the date pattern is tried and fails."""
    matched = 0
    for word in fields._MONTH_WORDS:
        for text in (f"On 24 {word}", f"on 24 {word}7", f"24 {word.upper()}.", f"{word.title()} 24", f"24 of {word}",
                     f"{word}\u00a024", f"Mariupol {word}\u017f"):
            matched += bool(fields._DATE_RE.slow.search(text))
            _check("dates", [text])                  # alone: the text ends the index's input
            _check("dates", [text, "Nothing else."])
    assert matched > 3 * len(fields._MONTH_WORDS)
    index = ArticleIndex([fields.DATE_GATE])
    mayor = "The mayor of Mariupol"
    previous = index.begin([mayor, "1st apri"])
    try:
        assert fields.DATE_GATE.starts(mayor) == [4, 13]         # "may", "Mar": tried there, and no date
        assert list(fields._DATE_RE.finditer(mayor)) == []
        # A scan cut short inside "1st apri" finds the date a scan to the end would not.
        assert fields._DATE_RE.search("1st apri") is None and fields._DATE_RE.search("1st apri", 0, 7).group(0) == "1st apr"
    finally:
        index.end(previous)


def test_a_gate_with_a_word_beyond_ascii_is_never_closed() -> None:
    gate = Gate(["said", "déclaré"])
    assert gate.expressions == []
    assert ArticleIndex([gate]).gates == []


def test_version_and_benchmark_say_the_index_runs() -> None:
    from click.testing import CliRunner

    from newsfigures import native
    from newsfigures.bench import machine
    from newsfigures.cli import main

    assert native.index_status() == f"hyperscan {hyperscan.__version__}"
    assert f"article index: hyperscan {hyperscan.__version__}" in CliRunner().invoke(main, ["--version"]).output
    assert machine()["article_index"] == native.index_status()


def test_an_article_with_a_text_that_does_not_lower_exactly_still_indexes_the_others() -> None:
    index = ArticleIndex([RULES.speech_re.gate])
    texts = ["Officials said 40 were killed.", "İstanbul talks", "The convoy reached the port.", "Officials said 40 were killed."]
    present = index.presence(texts)
    assert set(present) == {texts[0], texts[2]}                        # "İ" lowers to two characters
    assert present[texts[0]] & RULES.speech_re.gate.bit and not present[texts[2]] & RULES.speech_re.gate.bit
    assert index.presence(texts[:1] + texts[2:]) == present


def test_without_hyperscan_nothing_is_indexed() -> None:
    index = ArticleIndex([RULES.number_gate], enabled=False)
    assert not index.active and index.presence(["Nothing here."]) == {}


def test_the_index_of_one_thread_is_not_another_threads() -> None:
    import threading

    index = Extractor().index
    seen: list[bool] = []
    previous = index.begin(["The convoy reached the port at dawn."])
    try:
        worker = threading.Thread(target=lambda: seen.append(
            RULES.speech_re.gate.absent("The convoy reached the port at dawn.")))
        worker.start()
        worker.join()
    finally:
        index.end(previous)
    assert seen == [False]


def test_threads_that_take_turns_each_read_their_own_index() -> None:
    """Each thread sees the index it began, however the threads' begins, asks and ends interleave
    (asking right after its own step, and after the other thread's)."""
    import threading

    index = Extractor().index
    gate = RULES.speech_re.gate
    # Each thread indexes its own quiet sentence: the gate is shut for that sentence, in that thread.
    text = {"a": "The convoy reached the port at dawn.", "b": "The bridge was closed at noon."}
    turns = ["a begin", "a ask", "b begin", "a ask", "b ask", "b end", "b ask", "a ask", "a end", "a ask",
             "b begin", "b ask", "a begin", "b ask", "a ask", "a end", "b end"]
    seen: list[tuple[str, bool, bool]] = []
    turn = threading.Condition()
    at = [0]

    def run(name: str) -> None:
        previous = None
        for step, what in enumerate(turns):
            if not what.startswith(name):
                continue
            with turn:
                turn.wait_for(lambda: at[0] == step)
                if what.endswith("begin"):
                    previous = index.begin([text[name]])
                elif what.endswith("end"):
                    index.end(previous)
                else:
                    seen.append((name, gate.absent(text["a"]), gate.absent(text["b"])))
                at[0] += 1
                turn.notify_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    a, b, none = (True, False), (False, True), (False, False)
    assert seen == [("a", *a), ("a", *a), ("b", *b), ("b", *none), ("a", *a), ("a", *none), ("b", *b), ("b", *b),
                    ("a", *a)]


def test_same_figures_with_and_without_the_index(tmp_path: Path) -> None:
    generate(120, tmp_path, RAW, seed=5)
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt")) + sorted(tmp_path.glob("*.txt"))]
    indexed, plain = Extractor(), Extractor()
    plain._index = plain._number_words = ArticleIndex([], enabled=False)
    assert indexed.index.active and not plain.index.active and not plain.number_words.active
    ruled_out = 0
    for text in texts:
        assert indexed.core_figures(text, "2022-04-01") == plain.core_figures(text, "2022-04-01")
        sentences = [s.text for s in split_sentences(text)]
        present = indexed.index.presence(sentences)
        ruled_out += sum(1 for s in sentences if not present.get(s, -1) & RULES.speech_re.gate.bit)
    assert ruled_out > len(texts)            # the index does rule sentences out


def test_a_text_with_no_number_anywhere_gives_what_reading_it_gives() -> None:
    """core_figures returns at once for a text the index shows with no digit run and no number
    word: the same rows as reading it sentence by sentence, with the index and without. A text
    with no digit at all is asked of the number words' own small index first. That one finds a
    word only where a sentence's number_word_re match can start it (not "one" in "someone"), so
    it rules out at least what the whole index does, and never a text with a sentence that
    holds a number."""
    indexed, plain = Extractor(), Extractor()
    plain._index = plain._number_words = ArticleIndex([], enabled=False)
    sentences = _sample_sentences()
    crafted = ["Police said the shelter was hit in the morningTen people were killed there.",
               "Rescuers dug all nightHundreds were still missing in Mariupol.",
               "Someone phoned: none of the tents held.", "Seat A1 was hit and 3 died.", "\u0663 killed.",
               "Dozens killed.", "TEN PEOPLE DIED.", "Kyiv\u2019s mayor said nobody died.", ""]
    ruled_out = ruled_out_first = 0
    for text in sentences + crafted + [" ".join(sentences[:40])]:
        hits = indexed.index.scan(text)
        quick = not indexed.index.hit(hits, [numbers.DIGIT_GATE, RULES.number_gate])
        ruled_out += quick
        if not any(digit in text for digit in "0123456789"):
            first = not indexed.number_words.scan(text)
            assert first or not quick, text
            if first and lowers_exactly(text):        # core_figures' test ("\u0663" is a digit)
                ruled_out_first += 1
                assert not any(numbers.holds_numbers(s.text, RULES) for s in split_sentences(text)), text
        assert indexed.core_figures(text, "2022-04-01") == plain.core_figures(text, "2022-04-01"), text
    assert indexed.core_figures(crafted[0], None) and indexed.core_figures(crafted[1], None)   # glued: found
    assert ruled_out > len(sentences) // 3
    assert ruled_out_first > ruled_out              # "someone", "often", "Putin": ruled out at once


def test_a_caption_run_into_the_next_sentence_is_read_as_two_sentences_by_the_index_too() -> None:
    """The index reads the whole article: at a seam with no space ("…24 MarchThe…") the month
    still ends its sentence, a word never starts before its sentence, and the figures are the
    plain scan's."""
    texts = ["At least 40 people were killed on 24 MarchThe city was shelled again, officials said.",
             "Rescuers found the bodies in the rubble on SundayThe toll rose to 12 people killed in Kharkiv.",
             "Pictured: the theatre in Mariupol on 16 marchThe strike killed 300 people, the mayor said.",
             "Some 1,200 civilians fled the city on Monday, FebruaryThe convoy of 40 buses left at dawn.",
             "At least 40 people were killed on 24 March"]
    indexed, plain = Extractor(), Extractor()
    plain._index = ArticleIndex([], enabled=False)
    for text in texts:
        assert len(split_sentences(text)) == (2 if "The" in text else 1), text
        figures = indexed.core_figures(text, "2022-04-01")
        assert figures == plain.core_figures(text, "2022-04-01"), text
        assert figures, text
    first = indexed.core_figures(texts[0], "2022-04-01")[0]
    assert (first["value"], first["as_of"]) == (40, "2022-03-24")
    # Read as an article: the month at the seam counts for the first sentence.
    first_sentence = split_sentences(texts[0])[0].text
    index = indexed.index
    hits = index.scan(texts[0])
    spans = [(s.start, s.end) for s in split_sentences(texts[0])]
    read = index.read_article([texts[0][a:b] for a, b in spans], spans, hits)
    assert read.present[first_sentence] & fields.DATE_GATE.bit



def test_the_article_index_reads_hits_in_any_order() -> None:
    """Hits are walked in order of end, and one out of order is looked up: any order of the
    same hits gives the same index (hyperscan does not promise an order)."""
    import random

    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt")))
    index = Extractor().index
    hits = index.scan(text)
    sentences = split_sentences(text)
    spans, texts = [(s.start, s.end) for s in sentences], [s.text for s in sentences]
    expected = index.read_article(texts, spans, sorted(hits, key=lambda hit: hit[1]))
    assert len(expected.present) > 100
    for seed in range(3):
        shuffled = random.Random(seed).sample(hits, len(hits))
        read = index.read_article(texts, spans, shuffled)
        assert (read.present, read.starts) == (expected.present, expected.starts)


def test_an_article_of_one_sentence_is_read_as_the_general_path_reads_it() -> None:
    """read_article takes a one-sentence article apart: the same index as when a second
    sentence, beyond every hit, makes it take the general path."""
    index = Extractor().index
    texts = [s.text for path in sorted(RAW.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]
    for sentence in texts + ["  " + t + " " for t in texts[:40]] + ["Caf\u00e9 K\u212a 12 killed", ""]:
        text = sentence.strip()
        first = sentence.find(text) if text else 0
        hits = index.scan(sentence)
        one = index.read_article([text], [(first, first + len(text))], hits)
        far = len(sentence) + 10
        two = index.read_article([text, "\x00"], [(first, first + len(text)), (far, far + 1)], hits)
        two.present.pop("\x00", None), two.starts.pop("\x00", None)
        assert (one.present, one.starts) == (two.present, two.starts), sentence


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(list("abzAZ .!?)(’'\"”“\n\t\u00a0éß_1-") + ["The ", "Pictured "]),
                    max_size=40).map("".join))
def test_glue_candidates_hold_every_seam(text: str) -> None:
    from newsfigures import sentences

    seams = {m.start() for m in sentences._GLUE.finditer(text)}
    assert seams <= {end - 1 for end in sentences._glue_ends(text)}, text


def test_glue_candidates_on_the_sample_articles() -> None:
    from newsfigures import sentences

    for mark in ".!?)’'\"”a":
        text = f"the rubble{mark}People gather"
        seams = [m.start() for m in sentences._GLUE.finditer(text)]
        assert seams == [11] and 11 in {end - 1 for end in sentences._glue_ends(text)}, text

    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        seams = [m.start() for m in sentences._GLUE.finditer(text)]
        candidates = {end - 1 for end in sentences._glue_ends(text)}
        assert set(seams) <= candidates and len(candidates) < len(text) // 50
    assert sum(1 for p in RAW.glob("*.txt") for _ in sentences._GLUE.finditer(p.read_text(encoding="utf-8"))) > 0


def test_indexes_made_and_dropped_one_after_another_each_scan_with_their_own_scratch() -> None:
    """A scratch space is valid for its own database only; a new index at a freed one's
    address must not be handed the old scratch (hyperscan refuses it: "error code -1")."""
    for n in range(300):
        gate = Gate(["said", f"w{n}x"] + [f"v{k}y" for k in range(n % 7)])
        assert ArticleIndex([gate]).presence(["Officials said so."])["Officials said so."] & gate.bit


def test_the_compiled_index_is_kept_on_disk_and_a_bad_copy_is_compiled_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gates = RULES.gates + [numbers.DIGIT_GATE]
    text = "At least 12 people were killed in Mariupol, officials said on Sunday."
    first = ArticleIndex(gates)
    stored = list((tmp_path / "newsfigures").glob("index-*.hsdb"))
    assert len(stored) == 1 and stored[0].stat().st_size > 0
    compile_database = caseless._hs.Database

    def no_compiling() -> None:
        raise AssertionError("compiled, not loaded")

    monkeypatch.setattr(caseless._hs, "Database", no_compiling)
    again = ArticleIndex(gates)                                   # loaded, not compiled
    assert again.scan(text) == first.scan(text) and first.scan(text)
    monkeypatch.setattr(caseless._hs, "Database", compile_database)
    stored[0].write_bytes(b"not a database")
    mended = ArticleIndex(gates)                                  # compiled again, and stored again
    assert mended.scan(text) == first.scan(text)
    assert stored[0].read_bytes() != b"not a database"
    other = ArticleIndex(RULES.gates)                             # other expressions, another file
    assert len(list((tmp_path / "newsfigures").glob("index-*.hsdb"))) == 2 and other.scan(text)
    small = ArticleIndex([numbers.DIGIT_GATE])                    # one expression: compiled, not kept
    assert len(list((tmp_path / "newsfigures").glob("index-*.hsdb"))) == 2 and small.scan(text)
    (tmp_path / "blocked").write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert ArticleIndex(gates).scan(text) == first.scan(text)     # nowhere to keep it: compiled each time


_DATE_INDEX: list[ArticleIndex] = []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(["12", "1", "300", "2,000", "1st", "3rd", "21St", " ", "  ", "March", "mar",
                                        "of", "May", ".", ",", "-", "\u0663", "Monday", "today", "th", "2022", "\n",
                                        "x", "\u00a0", "Sept."]), max_size=12))
def test_dates_under_the_index_are_what_the_scan_finds(pieces: list[str]) -> None:
    """_DATE_RE passes over the index's digit runs that cannot open a day and month (its keep:
    three digits, or one or two before a comma, a point or the end): the same matches as the
    pattern's scan."""
    if not _DATE_INDEX:
        _DATE_INDEX.append(Extractor().index)
    index = _DATE_INDEX[0]
    text = "".join(pieces)
    previous = index.begin([text])
    try:
        assert fields.DATE_GATE.starts(text) is not None or not caseless.lowers_exactly(text)
        got = [m.span() for m in fields._DATE_RE.finditer(text)]
    finally:
        index.end(previous)
    assert got == [m.span() for m in fields._DATE_RE.slow.finditer(text)], text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(["a", "an", "A", "AN", "hundred", "Hundreds", "thousands", "tens", "ten", "one",
                                        "someone", "twenty", "-", " ", "  ", "and", "of", "million", "2", ",", "dozen",
                                        "\u00a0", "x", "Often", "by", "_", "three", "\u00e9"]), max_size=12),
       cut=st.integers(0, 40))
def test_written_numbers_under_the_index_are_what_the_scan_finds(pieces: list[str], cut: int) -> None:
    """word_number_re passes over the index's number words that are not one of its words whole,
    or that follow a word character or "-" (its keep: "hundreds", "someone", "twenty-one"), and
    the "a" or "an" before them: the same matches as the pattern's scan."""
    if not _DATE_INDEX:
        _DATE_INDEX.append(Extractor().index)
    index = _DATE_INDEX[0]
    text = "".join(pieces)
    pattern = RULES.word_number_re
    previous = index.begin([text])
    try:
        assert pattern.gate.starts(text) is not None or not caseless.lowers_exactly(text)
        got = [(m.span(), m.group(0)) for m in pattern.finditer(text)]
        first = pattern.search(text)
        short = [m.span() for m in pattern.finditer(text, 0, cut)]     # a stretch that may end mid-word
    finally:
        index.end(previous)
    want = [(m.span(), m.group(0)) for m in pattern.slow.finditer(text)]
    assert got == want, text
    assert (first.span() if first else None) == (want[0][0] if want else None), text
    assert short == [m.span() for m in pattern.slow.finditer(text, 0, cut)], (text, cut)


def test_the_written_numbers_keep_passes_over_plurals_and_parts_of_words() -> None:
    keep = RULES.word_number_re.keep
    assert keep is not None
    text = "someone said hundreds, not a hundred or twenty-one or ten_ or Ten"
    assert [keep(text, text.find(w), len(text)) for w in ["one", "hundreds", "hundred or", "one or", "Ten"]] == [
        False, False, True, False, True]
    assert keep(text, text.find("ten_"), len(text))  # the letters are a word: sre refuses what follows
    hundreds = text.find("hundreds")
    assert keep(text, hundreds, hundreds + len("hundred"))   # a stretch that ends there: "hundred" matches


def test_passed_bits_are_each_gates_own_answer() -> None:
    """caseless.passed reads the index once for many gates: a gate's bit is clear there exactly
    where Gate.present says it is not there (Gate.absent asks passed itself), and every bit is
    set for text the index has not read."""
    index = Extractor().index
    texts = _sample_sentences()[:120] + ["The convoy reached the port at dawn.", "Caf\u00e9 owners said 12 fled."]
    previous = index.begin(texts)
    try:
        for text in texts + ["A text the index has not read."]:
            passed = caseless.passed(text)
            for gate in index.gates + [Gate(["zzz-not-in-the-index"])]:
                assert bool(passed & gate.bit) == (gate.present(text) is not False), (text, gate.expressions[:2])
                assert gate.absent(text) == (gate.present(text) is False), (text, gate.expressions[:2])
        assert caseless.passed("A text the index has not read.") == -1
    finally:
        index.end(previous)
    assert caseless.passed(texts[0]) == -1                                  # no article begun


@settings(max_examples=200, deadline=None)
@given(hits=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40)), max_size=12))
def test_a_gates_ends_are_its_hits_ends_in_order_each_once(hits: list[tuple[int, int]]) -> None:
    index = ArticleIndex([Gate(["alpha", "beta"]), Gate(["gamma", "delta", "epsilon", "zeta"])])
    gate = index.gates[0]
    hits = [(number % len(index.bits), end) for number, end in hits]
    assert index.ends(gate, hits) == sorted({end for number, end in hits if index.bits[number] & gate.bit})

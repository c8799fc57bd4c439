"""Find numbers in a sentence and read their value, bounds and qualifier.

This module answers "what number is written here?" and throws out what can
never be a count (years, dates, ages, times, units, money, codes, phone and
account numbers). Whether a number counts *people* is decided later, by
:mod:`newsfigures.extract`, from the words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from . import caseless
from .rules import Rules, numberish

DIGITS: Final = re.compile(
    r"([0-9\u0100-\U0010ffff](?<=\d)"           # a digit (0-9 first: a bitmap test for sre)
    r"(?<![\w.,/:£$€#+]\d)"                     # not glued to a word, decimal, date or code
    r"(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(\d+))?"  # 1,459 | 400 | 3.4
    r"(?![\d]|,\d|\.\d)"
)   # The look-behinds follow the first digit so that sre can skip straight to digits.
# Where a DIGITS match can start: the first digit of a run, after no word character and none of
# ".,/:£$€#+"; marked more widely, as a digit after no word character (the date gate marks the
# same, so the index calls back once for both). In the article index's text (ASCII, every other
# character as "?") a character beyond ASCII is "?", no word character; in text it indexes,
# every \d is an ASCII digit (see caseless.exact_lower). DIGITS is only ever scanned over a whole
# sentence here, so the gate is asked about whole sentences only.
DIGIT_RUN: Final = r"(?:^|[^0-9A-Za-z_])[0-9]"
DIGIT_GATE: Final = caseless.Gate.marks(DIGIT_RUN, 1)
_SUFFIX: Final = re.compile(r"[ \u00a0]?(million|billion|thousand|hundred|mln|mn|bn|m|k)(?![\w])", re.I)
_WORD_AFTER: Final = re.compile(r"[\s\u00a0]*([A-Za-z%][\w.'’%-]*)")
_WORD_BEFORE: Final = re.compile(r"([\w.'’$£€#%-]+)[\s\u00a0]*$")
_RANGE_JOIN: Final = re.compile(r"^\s*(?:to|-|–|—)\s*$", re.I)
# Matched at a number's end, not at the start of a copy of the rest (a slice each time).
_PLUS_AFTER: Final = re.compile(r"-?plus\b|\+", re.I)
_OR_MORE: Final = re.compile(r"\s+or (?:more|so)\b", re.I)
_HYPHEN_TAIL: Final = re.compile(r"[-–]\s?([A-Za-z]+)")
_PER_CENT: Final = re.compile(r"\s*cent\b", re.I)
_RATIO_AFTER: Final = re.compile(r"\s*(?:to|:)\s*(?:one|1)\b", re.I)
_RATIO_BEFORE: Final = re.compile(r"\b\d+\s*(?:to|:)\s*$")


# Both dataclasses here have init=False and an __init__ of their own: mypyc compiles that (a
# dataclass's generated __init__ runs as Python; slots=True would replace the compiled class).
@dataclass(init=False)
class Mention:
    """A number in a sentence. Offsets are relative to the sentence text."""

    start: int          # start of the surface, qualifier included
    end: int
    num_start: int      # start of the number itself
    value: int | None
    value_low: int | None
    value_high: int | None
    qualifier: str
    kind: str           # digits | words | vague | range
    text: str           # the surface

    def __init__(self, start: int, end: int, num_start: int, value: int | None, value_low: int | None,
                 value_high: int | None, qualifier: str, kind: str, text: str) -> None:
        self.start, self.end, self.num_start = start, end, num_start
        self.value, self.value_low, self.value_high = value, value_low, value_high
        self.qualifier, self.kind, self.text = qualifier, kind, text

    @property
    def is_vague(self) -> bool:
        return self.kind == "vague"


@dataclass(init=False)
class _Raw:
    start: int
    end: int
    value: float | None
    low: int | None = None
    high: int | None = None
    kind: str = "digits"
    scaled: bool = False
    frac: str | None = None      # digits: what follows the decimal point
    grouped: bool = False        # digits: written with thousands separators

    def __init__(self, start: int, end: int, value: float | None, low: int | None = None, high: int | None = None,
                 kind: str = "digits", scaled: bool = False, frac: str | None = None, grouped: bool = False) -> None:
        self.start, self.end, self.value, self.low, self.high = start, end, value, low, high
        self.kind, self.scaled, self.frac, self.grouped = kind, scaled, frac, grouped


def _word_value(text: str, rules: Rules) -> int | None:
    """'two hundred and fifty' → 250; 'a dozen' → 12; 'Ten million' → 10000000."""
    total, current = 0, 0
    seen = False
    for word in _WORD_SPLIT.split(text.lower()):
        if word in ("and", ""):
            continue
        if word in ("a", "an"):
            current = max(current, 1)
            continue
        if word in rules.units:
            if word == "dozen":
                current = (current or 1) * 12
            else:
                current += rules.units[word]
            seen = True
        elif word in rules.scales:
            scale = rules.scales[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


_SCALE_INITIALS: Final = frozenset("mbthkMBTHK\u212a")     # what _SUFFIX's words start with, under re.I


def _may_be_scaled(sentence: str, end: int) -> bool:
    """Can ``_SUFFIX`` match at ``end``? Only with a scale word's first letter there, or after
    one space (or no-break space)."""
    if end < len(sentence) and sentence[end] in " \u00a0":
        end += 1
    return end < len(sentence) and sentence[end] in _SCALE_INITIALS


def _may_be_ratio(sentence: str, end: int) -> bool:
    """Can ``_RATIO_AFTER`` match at ``end``? Only with "to" or ":" after the white space there."""
    at = caseless.space_end(sentence, end)
    return at < len(sentence) and sentence[at] in ":tT"


def _may_be_plus(sentence: str, end: int) -> bool:
    """Can ``_PLUS_AFTER`` match at ``end``? Only at "-", "+" or a "p" in any case."""
    return end < len(sentence) and sentence[end] in "-+pP"


def _may_end_in_ratio(window: str) -> bool:
    """Can ``_RATIO_BEFORE`` match in ``window``? Only if it ends in "to" or ":", and white space."""
    return window.rstrip().endswith(("to", ":"))


def _may_be_or_more(sentence: str, end: int) -> bool:
    """Can ``_OR_MORE`` match at ``end``? Only with white space, then "or" in any case."""
    at = caseless.space_end(sentence, end)
    return at > end and sentence[at:at + 2].lower() == "or"


def _spaced_digits(sentence: str, start: int, end: int) -> bool:
    """A digit group spaced from the next or the last one: a digit after one space (or no-break
    space) right after the number, or right before it, as in phone numbers and sort codes."""
    if end + 1 < len(sentence) and sentence[end] in " \u00a0" and sentence[end + 1].isdecimal():
        return True
    return start >= 2 and sentence[start - 1] in " \u00a0" and sentence[start - 2].isdecimal()


_WORD_AFTER_PUNCT: Final = frozenset(".'’%-")       # with \w, the rest of _WORD_AFTER's group


def _next_word(sentence: str, pos: int) -> tuple[str, int, int]:
    """The word ``_WORD_AFTER.match(sentence, pos)`` captures (lower-cased, less the dots and
    apostrophes around it) and where it is: ("", pos, pos) with none. Read code point by code
    point: white space (``\s`` is ``str.isspace``, the no-break space too), then an ASCII letter
    or "%", then word characters (see :func:`caseless.word_at`) and the group's punctuation."""
    size = len(sentence)
    start = caseless.space_end(sentence, pos)
    if start >= size:
        return "", pos, pos
    first = ord(sentence[start])
    if not (65 <= first <= 90 or 97 <= first <= 122 or first == 37):
        return "", pos, pos
    end = start + 1
    while end < size and (caseless.word_at(sentence, end) or sentence[end] in _WORD_AFTER_PUNCT):
        end += 1
    return sentence[start:end].lower().strip(".'’"), start, end


_WORD_BEFORE_PUNCT: Final = frozenset(".'’$£€#%-_")     # with str.isalnum, the class of _WORD_BEFORE's group


def _prev_word(sentence: str, pos: int) -> str:
    """What ``_WORD_BEFORE.search`` captures in the 40 characters before ``pos``, lower-cased.

    That search tries every start position and backtracks through each word, so the
    same answer is read backwards instead: past the trailing whitespace (``\\s`` is
    ``str.isspace``, which ``rstrip`` strips), then over the run of word characters
    (``\\w`` is ``str.isalnum`` or "_") and the group's punctuation."""
    window = sentence[max(0, pos - 40):pos]
    end = len(window.rstrip())
    start = end
    while start and (window[start - 1].isalnum() or window[start - 1] in _WORD_BEFORE_PUNCT):
        start -= 1
    return window[start:end].lower()


def _raw_numbers(sentence: str, rules: Rules) -> list[_Raw]:
    """Every written number, vague quantities first so they are not split."""
    found: list[_Raw] = []                  # a later number never overlaps one found before it

    # Each word scan is skipped where the article index shows none of its words (its gate),
    # both told in one read of the index (in sentences of digits alone, as often as not).
    passed = caseless.passed(sentence)
    vague_gate, word_gate = rules.vague_re.gate, rules.word_number_re.gate
    for match in (rules.vague_re.finditer(sentence) if vague_gate is None or passed & vague_gate.bit else ()):
        words = " ".join(match.group(0).lower().split())
        low, high = rules.vague[words]
        found.append(_Raw(match.start(), match.end(), None, low, high, kind="vague"))

    starts = DIGIT_GATE.starts(sentence)
    digits = ([(m.start(), m.end(), m.group(1), m.group(2)) for m in DIGITS.finditer(sentence)] if starts is None
              else _digits_at(sentence, starts))
    for start, end, whole, frac in digits:
        if _overlaps(found, start, end):
            continue
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        scaled = False
        # Only where a scale word can start (re.I: "K" is also the Kelvin sign): most numbers
        # are followed by a space and a noun, and need no match.
        suffix = _SUFFIX.match(sentence, end) if _may_be_scaled(sentence, end) else None
        if suffix:
            word = suffix.group(1).lower()
            glued = suffix.group(0)[0] not in " \u00a0"
            if word in ("m", "k") and not glued:
                suffix = None
            elif word == "hundred":
                value *= 100
                end, scaled = suffix.end(), True
            else:
                value *= rules.suffix_scales.get(word, 1)
                end, scaled = suffix.end(), True
        found.append(_Raw(start, end, value, kind="digits", scaled=scaled, frac=frac, grouped="," in whole))

    for match in (rules.word_number_re.finditer(sentence) if word_gate is None or passed & word_gate.bit else ()):
        if _overlaps(found, match.start(), match.end()):
            continue
        text = match.group(0)
        if text.lower() in rules.scales:
            continue                                      # a bare "billion" ("$2 billion"): no count
        word_value = _word_value(text, rules)
        if word_value is None:
            continue
        found.append(_Raw(match.start(), match.end(), float(word_value), kind="words"))

    if len(found) > 1:
        found.sort(key=lambda r: r.start)
    return found


_NOT_BEFORE_DIGITS: Final = frozenset(".,/:£$€#+")     # with \w, what DIGITS's look-behind refuses


def _digits_at(sentence: str, starts: list[int]) -> list[tuple[int, int, str, str | None]]:
    """(start, end, group 1, group 2) of what ``caseless.all_matches_at(DIGITS, sentence, starts)``
    finds. A run of ASCII digits after no character the look-behind refuses, and followed by
    none of ",", "." or another digit, is the match itself, read without sre (most numbers
    are); any other start is matched by DIGITS."""
    found: list[tuple[int, int, str, str | None]] = []
    size = len(sentence)
    pos = 0
    for start in starts:
        if start < pos:
            continue
        end = -1
        if 48 <= ord(sentence[start]) <= 57 and not (
                start and (caseless.word_at(sentence, start - 1) or sentence[start - 1] in _NOT_BEFORE_DIGITS)):
            end = start + 1
            while end < size and 48 <= ord(sentence[end]) <= 57:
                end += 1
            if end < size and (sentence[end] in ",." or caseless.decimal_at(sentence, end)):
                end = -1                       # a group, a fraction or another digit: sre decides
        if end >= 0:
            found.append((start, end, sentence[start:end], None))
            pos = end
            continue
        match = DIGITS.match(sentence, start)
        if match is not None:
            found.append((start, match.end(), match.group(1), match.group(2)))
            pos = match.end()
    return found


def _overlaps(found: list[_Raw], start: int, end: int) -> bool:
    """Does start:end share a character with a number already found?"""
    for raw in found:
        if raw.start < end and start < raw.end:
            return True
    return False


def _excluded(sentence: str, raw: _Raw, rules: Rules) -> bool:
    """True when the number is a year, date, age, time, unit, money or code."""
    before = sentence[raw.start - 1] if raw.start else " "
    after = sentence[raw.end] if raw.end < len(sentence) else " "

    # Glued to letters or codes: "BTR-4", "T-72B3", "36th", "5am", "30mm", "1A".
    if before == "-" and raw.start >= 2 and caseless.alpha_at(sentence, raw.start - 2):
        return True
    if raw.kind == "digits" and raw.end < len(sentence) and caseless.alpha_at(sentence, raw.end):
        return True
    if raw.kind == "digits" and before in "£$€¥₴#":
        return True
    # Hyphenated modifiers: "nine-day siege", "27-year-old", "35-hour curfew".
    if after in "-–" and raw.kind != "vague":
        tail = _HYPHEN_TAIL.match(sentence, raw.end)
        if tail and not _PLUS_AFTER.match(sentence, raw.end):
            return True
    # Digit groups chained by hyphens: sort codes, phone numbers, dates (40-11-60).
    left_start = raw.start                       # the run of [\d-] ending at the number (\d is isdecimal)
    while left_start and (sentence[left_start - 1] == "-" or caseless.decimal_at(sentence, left_start - 1)):
        left_start -= 1
    right_end = raw.end                          # and the run that follows it
    while right_end < len(sentence) and (sentence[right_end] == "-" or caseless.decimal_at(sentence, right_end)):
        right_end += 1
    chain = sentence[left_start:raw.start] + sentence[raw.end:right_end]
    if chain.count("-") >= 2 and any(ch.isdecimal() for ch in chain):
        return True
    # "3/4", "12:30", "1.5.2022", "+44 20 ..."
    if after in "/:" or before in "/:+":
        return True

    word, w_start, w_end = _next_word(sentence, raw.end)
    if raw.kind == "digits":
        frac = raw.frac
        if frac and not raw.scaled:
            return True                                   # 3.4 with no million: a measure
        value = 0 if raw.value is None else int(raw.value)
        if not raw.scaled and not raw.grouped:
            if 1800 <= value <= 2100 and word not in rules.populations:
                return True                               # a year
            digits_only = sentence[raw.start:raw.end]
            if len(digits_only) >= 6:
                return True                               # account, phone or reference number
            # Runs of digit groups separated by spaces: phone numbers, sort codes.
            if _spaced_digits(sentence, raw.start, raw.end):
                return True
            if digits_only.startswith("0") and len(digits_only) > 1:
                return True
    if word in rules.unit_words:
        return True
    if word == "per" and _PER_CENT.match(sentence, w_end):
        return True
    if word in rules.month_names and raw.kind == "digits":
        return True                                       # 24 February
    prev = _prev_word(sentence, raw.start)
    if prev.rstrip(".") in rules.month_names and raw.kind == "digits":
        return True                                       # February 24, Feb. 24
    if prev.rstrip(".,") in rules.before_words:
        return True
    if not rules.age_gate.absent(sentence) and rules.age_before_re.search(sentence[max(0, raw.start - 40):raw.start]):
        return True                                       # aged 27, aged between 4 and 61
    # "outnumbering us 10 to one": a ratio, not a count.
    if raw.kind != "vague" and _may_be_ratio(sentence, raw.end) and _RATIO_AFTER.match(sentence, raw.end):
        return True
    if (raw.value or 0) <= 1:
        window = sentence[max(0, raw.start - 12):raw.start]
        if _may_end_in_ratio(window) and _RATIO_BEFORE.search(window):
            return True
    return False


def _word_at_end(word: str) -> tuple[re.Pattern[str], int]:
    """``\\bword\\s+$`` under IGNORECASE, with the word's length (see :func:`_word_before`)."""
    return re.compile(rf"\b{word}\s+$", re.I), len(word)


_BETWEEN: Final = _word_at_end("between")
_FROM: Final = _word_at_end("from")
_AND_GAP: Final = re.compile(r"^\s*and\s*$", re.I)
_WORD_SPLIT: Final = re.compile(r"[\s-]+")


def _word_before(word: tuple[re.Pattern[str], int], sentence: str, end: int) -> re.Match[str] | None:
    """``pattern.search(sentence[:end])`` for a pattern from :func:`_word_at_end`."""
    pattern, size = word
    return search_at_end(pattern, sentence[:end], size)


def search_at_end(pattern: re.Pattern[str], text: str, longest: int) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern whose every match is some X of at most ``longest``
    characters, then ``\\s+$``. What follows X is all white space, so X ends at or after the
    start of the text's trailing white space (``\\s`` is ``str.isspace``, which ``rstrip``
    strips) and starts at most ``longest`` before it: the search starts there, not at every
    position (look-behinds and ``\\b`` still see the characters before it)."""
    return pattern.search(text, max(0, len(text.rstrip()) - longest))


def holds_numbers(sentence: str, rules: Rules) -> bool:
    """:func:`rules.numberish`, answered from the article index when it has read the sentence,
    and False only where :func:`find_numbers` finds nothing.

    Every DIGITS match starts at a digit run the digit gate marks. Every vague quantity and
    written-out number holds a number word after a \\b, and the index tells where the number
    words start (in text it indexes, IGNORECASE reads them as lower-casing would). Digits glued
    to a word ("A1") make ``numberish`` true, but give find_numbers nothing."""
    digits = DIGIT_GATE.present(sentence)
    if digits is None:
        return numberish(rules, sentence)
    if digits:
        return True
    starts = rules.number_gate.starts(sentence)
    if starts is None:
        return numberish(rules, sentence)
    return caseless.first_match_at(rules.number_word_re, sentence, starts) is not None


def find_numbers(sentence: str, rules: Rules) -> list[Mention]:
    """Numbers in ``sentence`` that could be counts, with qualifiers and ranges."""
    raws = [r for r in _raw_numbers(sentence, rules) if not _excluded(sentence, r, rules)]
    mentions: list[Mention] = []
    i = 0
    while i < len(raws):
        raw = raws[i]
        nxt = raws[i + 1] if i + 1 < len(raws) else None
        # Ranges: "2,000 to 3,000", "2,000-3,000", "between 2,000 and 3,000".
        if nxt is not None and raw.kind != "vague" and nxt.kind != "vague":
            gap = sentence[raw.end:nxt.start]
            between = _word_before(_BETWEEN, sentence, raw.start)
            is_range = bool(_RANGE_JOIN.match(gap)) or (between and _AND_GAP.match(gap))
            from_to = _word_before(_FROM, sentence, raw.start)
            if is_range and not from_to:
                low, high = raw.value or 0, nxt.value or 0
                if nxt.scaled and not raw.scaled and low < high:
                    scale = high / max(1, _unscaled(sentence, nxt))
                    low *= scale
                if 0 < low < high:
                    start = between.start() if between else raw.start
                    mentions.append(Mention(start, nxt.end, raw.start, None, int(low), int(high), "range",
                                            "range", sentence[start:nxt.end]))
                    i += 2
                    continue
        mentions.append(_single(sentence, raw, rules))
        i += 1
    return mentions


def _unscaled(sentence: str, raw: _Raw) -> float:
    match = DIGITS.match(sentence, raw.start)
    if not match:
        return 1.0
    return float(match.group(1).replace(",", "") + ("." + match.group(2) if match.group(2) else ""))


def _may_end_in_qualifier(window: str, rules: Rules) -> bool:
    """False only where ``rules.qualifier_before_re`` cannot match ``window``: every match is a
    qualifier (spelled as listed, in any case) then white space to the end. An ASCII window is
    checked for that ending (IGNORECASE pairs no other character with an ASCII letter)."""
    head = window.rstrip()
    if len(head) == len(window):
        return False
    if not head.isascii():
        return True
    return head[-rules.qualifier_longest:].lower().endswith(rules.qualifier_words)


def _single(sentence: str, raw: _Raw, rules: Rules) -> Mention:
    start = raw.start
    qualifier = "vague" if raw.kind == "vague" else "exact"
    window = sentence[max(0, raw.start - 24):raw.start]
    match = (search_at_end(rules.qualifier_before_re, window, rules.qualifier_longest)
             if _may_end_in_qualifier(window, rules) else None)
    if match:
        start = raw.start - (len(window) - match.start(1))
        if raw.kind != "vague":
            qualifier = rules.qualifiers[" ".join(match.group(1).lower().split())]
    end = raw.end
    if raw.kind != "vague":
        plus = _PLUS_AFTER.match(sentence, raw.end) if _may_be_plus(sentence, raw.end) else None
        more = _OR_MORE.match(sentence, raw.end) if plus is None and _may_be_or_more(sentence, raw.end) else None
        if plus is not None:
            qualifier = "more_than"
            end = plus.end()
        elif more is not None:
            qualifier = "at_least" if "more" in more.group(0).lower() else "about"
            end = more.end()
    value = None if raw.value is None else int(round(raw.value))
    return Mention(start, end, raw.start, value if raw.kind != "vague" else None,
                   raw.low, raw.high, qualifier, raw.kind, sentence[start:end])

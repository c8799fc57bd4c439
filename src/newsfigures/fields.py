"""Read a figure's fields from the words around its number.

Each function looks at one sentence and one number and answers one question:
which metric, who is counted, where, as of when, who said it, at what rate.
They read only the rules' vocabularies, so their behaviour is tuned in YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Final

from . import caseless
from .caseless import WHITESPACE, Caseless, word_branches
from .numbers import DIGIT_RUN, Mention
from .places import Gazetteer, PlaceMention
from .rules import Rules

# A token. tokens() and _Ahead read them code point by code point; the patterns stay as what
# they must find (the tests compare them).
_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d|[^\sA-Za-z\d]")
# Up to 16 tokens in one match: every character but white space starts a _WORD match, so
# finditer skips only white space between them; the greedy repeat never gives one back
# (_window_limit reads where it ends, cut at a stop).
_WORDS_16: Final = re.compile(r"(?:\s*(?:" + _WORD.pattern + r")){1,16}")
_HARD_WORDS: Final = ["but", "although", "though", "while", "whereas", "however", "meanwhile"]
_PRONOUNS: Final = ["he", "she", "they", "we", "i", "it"]
_PRONOUN_CLAUSE: Final = r",\s+(?:" + "|".join(_PRONOUNS) + r")\s+(?!said|says|told|added)\w+"
# The gate's own expression for the pronoun clause: \s is ASCII white space or "?" in the index.
HARD_GATE: Final = caseless.Gate([";"] + _HARD_WORDS, extra=[r",[\t\n\x0b\x0c\r\x1c-\x1f\x20?]+(?:" + "|".join(_PRONOUNS) + ")"])
_PRONOUN_SET: Final = frozenset(_PRONOUNS)


def _may_open_pronoun_clause(text: str, start: int, endpos: int) -> bool:
    """HARD_BOUNDARY's keep: False only at a comma that is not followed by white space, one of
    the pronouns and white space (what a _PRONOUN_CLAUSE match must hold, whatever ``endpos``;
    at a comma, nothing else can match). The pronoun is read as ASCII letters: in text that
    lowers exactly (the only text a find is looked for in), IGNORECASE pairs them with ASCII
    letters alone."""
    if text[start] != ",":
        return True
    at = caseless.space_end(text, start + 1)
    if at == start + 1:
        return False
    end = at
    size = len(text)
    while end < size and end - at < 4 and caseless.ascii_letter_at(text, end):
        end += 1                                 # at most "they": a longer run is no pronoun
    return end < size and caseless.space_at(text, end) and text[at:end].lower() in _PRONOUN_SET


HARD_BOUNDARY: Final = Caseless("|".join([";"] + [rf"\b{w}\b" for w in _HARD_WORDS] + [_PRONOUN_CLAUSE]),
                         "|".join([";"] + word_branches(_HARD_WORDS) + [_PRONOUN_CLAUSE]),
                         gate=HARD_GATE, finds=tuple([(";", 0), (",", 0)] + [(w, 0) for w in _HARD_WORDS]),
                         bounded=True, keep=_may_open_pronoun_clause)
WEEKDAYS: Final = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


# Each dataclass here has init=False and an __init__ of its own: mypyc compiles that (a
# dataclass's generated __init__ runs as Python; slots=True would replace the compiled class).
@dataclass(init=False)
class NounPhrase:
    end: int                 # where the phrase after the number ends
    head: str | None         # the people or metric noun, lower case
    population: str | None
    is_people: bool
    is_thing: bool
    unknown: bool = False

    def __init__(self, end: int, head: str | None, population: str | None, is_people: bool, is_thing: bool,
                 unknown: bool = False) -> None:
        self.end, self.head, self.population = end, head, population
        self.is_people, self.is_thing, self.unknown = is_people, is_thing, unknown


Token = tuple[str, int, int]


def _ascii_letter(c: int) -> bool:
    return 65 <= c <= 90 or 97 <= c <= 122


def _token_at(sentence: str, i: int, end: int) -> int:
    """Where the ``_WORD`` match at ``i`` (not white space) ends, the text cut at ``end``: a run
    of ASCII letters, apostrophes, dots and hyphens back to its last letter; a run of digits,
    commas and dots back to its last digit (``\\d``: str.isdecimal); else the one character."""
    c = ord(sentence[i])
    last = i
    j = i + 1
    if _ascii_letter(c):
        while j < end:
            d = ord(sentence[j])
            if _ascii_letter(d):
                last = j
            elif not (d == 39 or d == 46 or d == 45 or d == 0x2019):      # ' . - ’
                break
            j += 1
    elif caseless.decimal_at(sentence, i):
        while j < end:
            if caseless.decimal_at(sentence, j):
                last = j
            else:
                d = ord(sentence[j])
                if not (d == 44 or d == 46):                                # , .
                    break
            j += 1
    return last + 1


def tokens(sentence: str, start: int, end: int, limit: int = -1) -> list[tuple[int, int]]:
    """The spans of what ``_WORD.finditer(sentence, start, end)`` finds (its first ``limit``, all
    with -1), read code point by code point: white space (str.isspace, as ``\\s``) between
    tokens, and every other character starts one (see :func:`_token_at`). Spans, not strings:
    the callers read a token's place, and at most its first character."""
    found: list[tuple[int, int]] = []
    end = min(end, len(sentence))
    i = max(start, 0)
    while i < end and len(found) != limit:
        if caseless.space_at(sentence, i):
            i += 1
            continue
        stop = _token_at(sentence, i, end)
        found.append((i, stop))
        i = stop
    return found


def words_before(sentence: str, pos: int, limit: int = 8) -> list[tuple[int, int]]:
    """The spans of the last ``limit`` tokens of ``_WORD.finditer(sentence, pos - 200, pos)``,
    read from a space a few words back. No token holds a space, so a scan that started further
    back has ended a token before it and starts the next one where a scan from the space does:
    both give the same tokens after it. With too few there, the whole window is read."""
    low = max(0, pos - 200)
    space = sentence.rfind(" ", low, max(low, pos - 8 * limit))
    found = tokens(sentence, space, pos) if space >= 0 else []
    if len(found) < limit:
        found = tokens(sentence, low, pos)
    return found[-limit:]


class _Ahead:
    """The first ``limit`` tokens of ``_WORD.finditer(sentence, pos)``, made only as far as they are
    asked for: a noun phrase usually ends within a word or two of its number."""

    __slots__ = ("sentence", "pos", "words", "limit")

    def __init__(self, sentence: str, pos: int, limit: int) -> None:
        self.sentence = sentence
        self.pos = pos
        self.words: list[Token] = []
        self.limit = limit

    def has(self, k: int) -> bool:
        """Is there a k-th token (made now if need be)?"""
        words = self.words
        sentence = self.sentence
        end = len(sentence)
        while len(words) <= k < self.limit:
            i = caseless.space_end(sentence, self.pos)
            if i >= end:
                self.pos = i
                break
            stop = _token_at(sentence, i, end)
            words.append((sentence[i:stop], i, stop))
            self.pos = stop
        return k < len(words)


def _window_limit(sentence: str, pos: int, stop: int) -> int:
    """``min(stop, end)``, ``end`` where ``_WORDS_16.match(sentence, pos)`` ends (the 16th token
    after ``pos``, or the last there is; ``stop`` without one), read code point by code point
    and no token that starts from ``stop`` on: one that does ends beyond it (or is the 17th),
    so ``stop`` is the answer, unless white space alone follows the tokens read (then the
    last one's end)."""
    size = len(sentence)
    i = max(pos, 0)
    last = -1
    count = 0
    while i < stop and i < size:
        if caseless.space_at(sentence, i):
            i += 1
            continue
        i = _token_at(sentence, i, size)
        last = i
        count += 1
        if count == 16:
            return min(i, stop)
    if last < 0 or caseless.space_end(sentence, i) < size:
        return stop                          # no token read, or more to come: they end past stop
    return min(stop, last)


def noun_phrase(sentence: str, mention: Mention, rules: Rules) -> NounPhrase:
    """The words after a number, up to its head noun: '26 … checkpoints', '400 people'."""
    pos = mention.end
    steps = 0
    end = pos
    ahead = _Ahead(sentence, pos, 14)
    words = ahead.words
    k = 0
    depth = 0
    while ahead.has(k):
        token, w_start, w_end = words[k]
        low = token.lower().strip(".")
        k += 1
        if token == "(":
            depth += 1
            continue
        if token == ")":
            depth = max(0, depth - 1)
            continue
        if depth or token in ("'", "’", "‘", '"', "”", "“"):
            end = w_end
            continue
        if low in rules.populations and not (low in rules.metric_nouns and low not in ("victims", "victim") and steps > 0 and low not in ("refugees", "evacuees", "survivors", "prisoners")):
            head, population, end = low, rules.populations[low], w_end
            # "troops and civilians": a mixed group.
            if ahead.has(k + 1) and words[k][0].lower() in ("and", "or", "&"):
                j = k + 1
                if ahead.has(j) and words[j][0].lower() in ("their", "his", "her", "other"):
                    j += 1
                other = words[j][0].lower() if ahead.has(j) else ""
                if other in rules.populations and rules.populations[other] != population:
                    population = _group(population, rules.populations[other], rules)
                    end = words[j][2]
            return NounPhrase(end, head, population, True, False)
        if low in rules.thing_nouns or low in rules.unit_words:
            return NounPhrase(w_end, low, None, False, True)
        if low in rules.bare_followers and low not in rules.np_fillers:
            return NounPhrase(pos, None, None, False, False)
        if low in rules.np_fillers or caseless.upper_at(sentence, w_start) or "-" in token:
            steps += 1
            end = w_end
            if steps > 5:
                break
            continue
        if not caseless.alpha_at(sentence, w_start):
            return NounPhrase(pos, None, None, False, False)
        # An unknown word heads the phrase: probably a count of something else.
        return NounPhrase(w_end, low, None, False, False, unknown=True)
    return NounPhrase(pos, None, None, False, False)


def _group(a: str, b: str, rules: Rules) -> str:
    for name, members in rules.population_groups.items():
        if a in members and b in members:
            return name
    return "people"


def _span_end(sentence: str, start: int, stop: int) -> int:
    match = HARD_BOUNDARY.search(sentence, start, stop)
    return match.start() if match else stop


def _filed_at_word_starts(lower: str, by_start: dict[str, list[int]], order: set[int]) -> None:
    """Add to ``order`` the cues filed under the three characters at each word start of
    ``lower`` (a word character first, or after a non-word one: ``\\w`` is alphanumeric or
    "_"). Every key starts with a letter a-z, so only those starts are looked up. One pass
    over the characters, each read as a code point (what ``\\W(?=(\\w..))`` finds, and the
    text's first word, without sre or a list of strings)."""
    for i in range(len(lower) - 2):
        if _key_start(lower, i):
            filed = by_start.get(lower[i:i + 3])
            if filed is not None:
                order.update(filed)


def _key_start(lower: str, i: int) -> bool:
    """Can a cue key start at ``i``: a letter a-z that no word character comes before?"""
    return 97 <= ord(lower[i]) <= 122 and not (i and caseless.word_at(lower, i - 1))


def _cues_in(text: str, rules: Rules, lower: str | None = None) -> list[tuple[str, re.Match[str]]]:
    """Every (metric, match) of the cue words in ``text``, in the rules' order, skipping cues
    whose literal start is absent: first by the word starts (see ``Rules.cues_by_start``),
    which needs text whose lower-casing keeps every character in place, then by substring.

    A cue filed under its starts can only match where one of them begins (at a word start,
    which the cue's own ``\\b`` checks), so it is matched there, in order, rather than searched
    for at every position: the same matches ``finditer`` finds, each after the last one ends.
    A list, not a generator: callers read every match. ``lower``: ``text``'s exact lowering,
    when the caller has it (see :func:`_window_lower`)."""
    if lower is None:
        lower = caseless.exact_lower(text)       # a window: the sentence's remembered answer stays
    cues = rules.metric_anchored
    found: list[tuple[str, re.Match[str]]] = []
    if lower is None:
        lower = text.lower()
        for metric, anchor, pattern in cues:
            if anchor and anchor not in lower:
                continue
            for match in pattern.finditer(text):
                found.append((metric, match))
        return found
    order: set[int] = set(rules.cues_always)
    _filed_at_word_starts(lower, rules.cues_by_start, order)
    for index in sorted(order):
        metric, anchor, pattern = cues[index]
        if anchor and anchor not in lower:
            continue
        starts = rules.cue_starts[index]
        if not starts:
            for match in pattern.finditer(text):
                found.append((metric, match))
            continue
        for match in caseless.all_matches_at(pattern, text, _places_of(lower, starts)):
            found.append((metric, match))
    return found


def _places_of(text: str, keys: tuple[str, ...]) -> list[int]:
    """Every position in ``text`` where one of ``keys`` starts, in order."""
    places: list[int] = []
    for key in keys:
        pos = text.find(key)
        while pos >= 0:
            places.append(pos)
            pos = text.find(key, pos + 1)
    if len(keys) > 1:
        places.sort()
    return places


def _window_lower(sentence: str, start: int, end: int) -> str | None:
    """``exact_lower(sentence[start:end])`` read off the sentence's remembered lowering: in text
    that lowers exactly, every character lowers in place, so a window lowers to its slice. None
    when the sentence does not lower exactly (the window is then checked itself): checking a
    window beyond ASCII reads it all again."""
    low = caseless.lowered(sentence)
    return low[start:end] if low is not None else None


def _first_cue(text: str, rules: Rules, reverse: bool = False, lower: str | None = None) -> tuple[str, int] | None:
    """The metric of the first cue in ``text`` (or the one ending last, with ``reverse``).

    At one position the longer cue wins ("asked to be evacuated" over "evacuated").
    """
    best: tuple[int, int, str] | None = None
    for metric, match in _cues_in(text, rules, lower):
        key = (-match.end() if reverse else match.start(), -(match.end() - match.start()))
        if best is None or key < best[:2]:
            best = (key[0], key[1], metric)
    if best is None:
        return None
    return best[2], abs(best[0])


def _first_cue_ahead(text: str, rules: Rules, lower: str | None = None) -> str | None:
    """The metric :func:`_first_cue` gives for ``text`` (forward), found word start by word start
    and stopped at the first that holds a cue: what follows a number is read up to its verb.

    A filed cue matches only at a word start filed under it (see :func:`_cues_in`), so the
    first word start where one of its cues matches holds the first match; there the longest
    match wins, and at equal length the cue listed first, as in ``_first_cue``. ``lower``: as
    for :func:`_cues_in`."""
    if lower is None:
        lower = caseless.exact_lower(text)
    if lower is None or rules.cues_always:
        first = _first_cue(text, rules, lower=lower)
        return first[0] if first is not None else None
    by_start = rules.cues_by_start
    cues = rules.metric_anchored
    for i in range(len(lower) - 2):
        if not _key_start(lower, i):
            continue
        filed = by_start.get(lower[i:i + 3])
        if filed is None:
            continue
        best_end = -1
        best: str | None = None
        for index in filed:                        # in the rules' order
            metric, anchor, pattern = cues[index]
            if anchor and anchor not in lower:
                continue
            match = pattern.match(text, i)
            if match is not None and match.end() > best_end:
                best_end, best = match.end(), metric
        if best is not None:
            return best
    return None


def adjacent_cue(sentence: str, mention: Mention, prev_end: int, rules: Rules) -> str | None:
    """A cue ending right before the number ('killing dozens'), or None."""
    before = [w for w in words_before(sentence, mention.start, limit=3) if w[0] >= prev_end]
    cut = -1                                   # the last token that does not open with a letter or digit
    for i, w in enumerate(before):
        if not sentence[w[0]].isalnum():
            cut = i
    near = before[cut + 1:]
    if not near:
        return None
    text = sentence[near[0][0]:mention.start].rstrip()
    lower = _window_lower(sentence, near[0][0], near[0][0] + len(text))
    tails = rules.cue_tails
    if tails is not None and lower is not None and lower[-3:] not in tails:
        return None                            # no cue ends with the window's last characters
    best = None
    for metric, match in _cues_in(text, rules, lower):
        if match.end() == len(text) and (best is None or match.start() < best[0]):
            best = (match.start(), metric)
    return best[1] if best else None


def metric_for(sentence: str, mention: Mention, np: NounPhrase, prev_end: int, next_start: int,
               rules: Rules) -> str | None:
    """The metric from cue words in the clause that governs the number."""
    if np.head and np.head in rules.metric_nouns:
        return rules.metric_nouns[np.head]
    # A verb right before the number: "killed at least 600", "sheltering some 400".
    adjacent = adjacent_cue(sentence, mention, prev_end, rules)
    if adjacent:
        return adjacent
    # The predicate after the phrase: "… people have been killed".
    stop = _span_end(sentence, np.end, next_start)
    limit = _window_limit(sentence, np.end, stop)  # to the end of the 16th token after the phrase
    first = _first_cue_ahead(sentence[np.end:limit], rules, _window_lower(sentence, np.end, limit))
    if first is not None:
        return first
    # Further back in the same clause: "… has killed over 1,200 civilians".
    clause_start = prev_end
    for match in HARD_BOUNDARY.finditer(sentence, prev_end, mention.start):
        clause_start = match.end()
    back = words_before(sentence, mention.start, limit=12)
    back = [w for w in back if w[0] >= clause_start]
    if back:
        cue = _first_cue(sentence[back[0][0]:mention.start], rules, reverse=True,
                         lower=_window_lower(sentence, back[0][0], mention.start))
        if cue:
            return cue[0]
    return None


def is_population_figure(sentence: str, mention: Mention, np: NounPhrase, rules: Rules) -> bool:
    """'a city of 400,000', 'the 430,000 who live there': a place's population."""
    window = sentence[max(0, mention.start - 40):min(len(sentence), np.end + 30)]
    if (not rules.population_before_gate.absent(sentence)
            and rules.population_before_re.search(sentence[max(0, mention.start - 40):mention.start])):
        return True                                  # "a city of 400,000"
    return not rules.population_cue_gate.absent(sentence) and bool(rules.population_cue_re.search(window))


_RATE: Final = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(a|per|each|every)\s+(day|week|month)\b|^\W{0,3}(?:\w+\W+){0,3}?(daily)\b", re.I)


_RATE_WORDS: Final = ("day", "daily", "week", "month")            # every _RATE match holds one


def rate_for(sentence: str, np: NounPhrase) -> str | None:
    if not _may_hold(sentence, (np.end, np.end + 60), _RATE_WORDS):
        return None
    match = _RATE.match(sentence[np.end:np.end + 60])
    if not match:
        return None
    unit = (match.group(2) or "day").lower()
    return f"per_{unit}"


# --------------------------------------------------------------------------
# Location


_INTO_END: Final = re.compile(r"\b(?:to|into|in|entered|reached|crossed into|arrived in)\s+$")
_WAR_FRAME_END: Final = re.compile(r"\b(?:war|invasion|conflict)\s+(?:in|of|on|against)\s+$", re.I)
_WAR_WORDS: Final = ("war", "invasion", "conflict")          # every _WAR_FRAME_END match holds one
_TO_END: Final = re.compile(r"\b(?:to|into|onto)\s+(?:the\s+)?$", re.I)
_TO_IN_END: Final = re.compile(r"\b(?:to|into|onto|in)\s+(?:the\s+)?$", re.I)
_WHERE_START: Final = re.compile(r"\s*(?:where|in which|inside which)\b", re.I)
_THE_CAPITAL: Final = re.compile(r"\bthe\s+(?:[A-Za-z-]+\s+)?capital\b")


_CUT_WORDS: Final = ["but", "although", "while", "whereas", "as", "where", "which", "with"]
_CLAUSE_CUT: Final = Caseless("|".join([";"] + [rf"\b{w}\b" for w in _CUT_WORDS] + [r"\s[-–—]\s"]),
                       "|".join([";"] + word_branches(_CUT_WORDS) + [re.escape(w) + r"[-–—]\s" for w in WHITESPACE]),
                       finds=tuple([(";", 0)] + [(w, 0) for w in _CUT_WORDS] + [(d, 1) for d in "-–—"]),
                       bounded=True)


def hard_segments(sentence: str, starts: list[int]) -> list[tuple[int, int]]:
    """For each of ``starts``, the stretch between hard boundaries (';', 'but', 'while', …)
    holding it: the sentence's boundaries found once for all of them."""
    bounds = [(m.start(), m.end()) for m in HARD_BOUNDARY.finditer(sentence)]
    size = len(sentence)
    segments: list[tuple[int, int]] = []
    for start in starts:
        left, right = 0, size
        for begin, end in bounds:
            if end <= start:
                left = end
            elif begin >= start:
                right = begin
                break
        segments.append((left, right))
    return segments


def clause_span(sentence: str, start: int, end: int, prev_end: int, next_start: int) -> tuple[int, int]:
    """The stretch of the sentence that belongs to the number at start:end."""
    left = prev_end
    for match in _CLAUSE_CUT.finditer(sentence, prev_end, start):
        left = match.start()
    right_match = _CLAUSE_CUT.search(sentence, end, next_start)
    right = right_match.start() if right_match else next_start
    return left, right


def location_for(sentence: str, mention: Mention, metric: str, places: list[PlaceMention],
                 gazetteer: Gazetteer, default_country: str | None, clause: tuple[int, int],
                 others: list[tuple[int, int]], before: Callable[[bool], str | None] | None = None,
                 stretch: tuple[int, int] | None = None) -> str | None:
    """The place a figure is about (ANNOTATION.md: location).

    In order: a place introduced by a preposition in the figure's own clause;
    any place in its clause; "the city" / "the plant" in its clause, read as
    the last city the article named; a place in the sentence that no other
    figure's clause claims (cities before countries); the last place the
    article named (when this sentence names none); the crisis's country.

    ``before(cities_only)`` gives the place the article's earlier sentences leave the reader
    in: asked only when those last steps are reached, as reading back costs most.
    """
    if metric == "fled_abroad":
        destinations = []
        for place in places:
            if place.kind != "country" or place.name == default_country:
                continue
            lead = sentence[max(0, place.start - 25):place.start].lower()
            if _INTO_END.search(lead):
                destinations.append(place)
        if destinations:
            return min(destinations, key=lambda p: (p.start < mention.start, abs(p.start - mention.start))).name
        for place in places:
            if place.kind == "country" and place.start > mention.start and not _is_actor(sentence, place):
                return place.name
        return default_country

    def locative(place: PlaceMention) -> bool:
        lead = sentence[max(0, place.start - 16):place.start].lower().split()
        return bool(lead) and lead[-1] in gazetteer.locative

    def rank(place: PlaceMention) -> tuple:
        # "killed during the invasion of Ukraine" names the figure's frame: it wins.
        lead = max(0, place.start - 25)
        war_frame = (_may_hold(sentence, (lead, place.start), _WAR_WORDS)
                     and _WAR_FRAME_END.search(sentence[lead:place.start]))
        return (0 if war_frame else 1, 0 if locative(place) else 1, 0 if place.kind != "country" else 1,
                abs(place.start - mention.start))

    stretch = stretch or clause
    named = places
    places = [p for p in places if not p.modifier and (not p.metonym or locative(p))]
    usable = [p for p in places if (not p.possessive and not _is_actor(sentence, p)) or locative(p)]
    if metric == "deported":
        # People are deported *from* a place in the crisis country: a foreign
        # place or a destination is not the location.
        home = gazetteer.countries.get(default_country or "", "")
        usable = [p for p in usable if not (home and p.country and p.country != home)]
        usable = [p for p in usable if not (_TO_END if p.start < mention.start else _TO_IN_END).search(
            sentence[max(0, p.start - 12):p.start])]
    own = [p for p in usable if clause[0] <= p.start < clause[1]]
    if own:
        return own[0].name if len(own) == 1 else min(own, key=rank).name
    if _frames_war(sentence, clause, gazetteer):
        # "a war which has seen thousands killed": a war-wide total.
        return next((p.name for p in usable if p.kind == "country" and clause[0] - 60 <= p.start < clause[1] + 40),
                    default_country)
    if _WHERE_START.match(sentence[clause[0]:clause[1]]):
        antecedent = [p for p in usable if p.start < clause[0]]
        if antecedent:
            return antecedent[-1].name           # "... the Azovstal plant, where thousands ..."
    anaphor = _ANAPHORA.search(sentence, stretch[0], stretch[1]) if _may_hold(sentence, stretch, _ANAPHORA_NOUNS) else None
    if anaphor and anaphor.group(1).lower() == "capital" and gazetteer.capital(default_country):
        return gazetteer.capital(default_country)
    if anaphor:
        # "the city": the nearest city named before it in this sentence, else the article's last.
        near = [p for p in named if p.kind != "country" and p.end <= anaphor.start()]
        if near:
            return near[-1].name
        context_city = before(True) if before else None
        if context_city:
            return context_city
    free = [p for p in usable if not any(a <= p.start < b for a, b in others)]
    if free:
        return free[0].name if len(free) == 1 else min(free, key=rank).name
    earlier = [p for p in usable if p.end <= mention.start]
    if earlier and not any(p.start > mention.start for p in usable):
        return earlier[-1].name                  # "... at Azovstal, although about 100 were evacuated"
    if metric in COUNTRY_LEVEL:
        return default_country
    if not usable and before:
        found = before(True) or before(False)      # the article's last city, else its last place
        if found:
            return found
    return default_country


def _frames_war(sentence: str, clause: tuple[int, int], gazetteer: Gazetteer) -> bool:
    window = sentence[max(0, clause[0] - 30):clause[1]].lower()
    # Every match is one of the words, literally: most windows hold none.
    return any(word in window for word in gazetteer.war_words) and bool(gazetteer.war_words_re.search(window))


# Metrics usually counted for a whole country when no place is named.
COUNTRY_LEVEL: Final = {"displaced", "fled_abroad"}

# "the besieged city", "the port city", "the plant": the place last named.
_ANAPHORA_NOUNS: Final = ("city", "town", "port", "plant", "steelworks", "village", "capital")
# Tried only at each "the" (a sentence holds a few), where a search tried every position.
_ANAPHORA: Final = Caseless(r"\bthe\s+(?:[A-Za-z-]+\s+){0,2}(" + "|".join(_ANAPHORA_NOUNS) + r")\b",
                            r"t(?<!\w.)he\s+(?:[a-z-]+\s+){0,2}(" + "|".join(_ANAPHORA_NOUNS) + r")\b",
                            finds=(("the", 0),), bounded=True)


def _may_hold(sentence: str, span: tuple[int, int], words: tuple[str, ...]) -> bool:
    """False only when ``sentence[span]`` holds none of ``words`` under IGNORECASE (a text whose
    lower-casing is not exact is always True; see :func:`caseless.exact_lower`)."""
    low = caseless.lowered(sentence)
    if low is None:
        return True
    part = low[span[0]:span[1]]
    return any(word in part for word in words)

_ACTOR_VERB: Final = re.compile(
    r"^\s+(?:is|was|has|had|have|says|said|will|would|could|can|may|might|did|does|claims|denies|shells|"
    r"launched|launches|attacks|bombs|continues|insists|wants|appears|seems|[a-z]+ed)\b")


def _is_actor(sentence: str, place: PlaceMention) -> bool:
    """'Russia shells Kyiv', 'Russia says': a country acting, not a place."""
    return place.kind == "country" and bool(_ACTOR_VERB.match(sentence[place.end:place.end + 20]))


def context_place(places: list[PlaceMention], gazetteer: Gazetteer, sentence: str,
                  cities_only: bool = False) -> str | None:
    """The place a sentence leaves the reader in: its last place named after a preposition, or city."""
    chosen = None
    for place in places:
        if cities_only and place.kind == "country":
            continue
        lead = sentence[max(0, place.start - 16):place.start].lower().split()
        after_preposition = bool(lead) and lead[-1] in gazetteer.locative
        if place.modifier or _is_actor(sentence, place) or (place.metonym and not after_preposition):
            continue
        if after_preposition or (place.kind != "country" and not place.possessive):
            chosen = place.name
    capital = "capital" in sentence and _THE_CAPITAL.search(sentence)
    if capital and gazetteer.capital(gazetteer.default_country):
        named_after = [p for p in places if p.start > capital.start() and not p.modifier]
        if not named_after:
            chosen = gazetteer.capital(gazetteer.default_country)
    return chosen


# --------------------------------------------------------------------------
# Dates


_MONTHS: Final = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_ABBR: Final = {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}
_MONTH_WORDS: Final = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec"]
_RELATIVE_WORDS: Final = ["today", "tonight", "this morning", "this afternoon", "this evening", "overnight", "yesterday",
                   "last night"]
_MONTH_RE: Final = "(?:" + "|".join(_MONTH_WORDS) + r")\.?"
# Every date starts at one of these words or at a digit after no word character (see
# caseless.Gate): _DATE_RE is tried only there ("mar" in "Mariupol" is tried and fails).
DATE_GATE: Final = caseless.Gate(WEEKDAYS + _RELATIVE_WORDS + _MONTH_WORDS, marks=[(DIGIT_RUN, 1)])


def _may_open_date(text: str, start: int, endpos: int) -> bool:
    """_DATE_RE's ``keep``: False only at a digit run that cannot open a day and month. A date
    that starts with a digit starts with one or two (``\\d``: str.isdecimal) then white space
    or a letter ("12 March", "1st of May"): never three, nor a comma, a point or the text's end
    after them ("2,000", "300"). A word start is always kept. Each refusal is for lack of what a
    match must hold, so it stands whatever ``endpos``."""
    if not text[start].isdecimal():
        return True
    n = len(text)
    run = 1
    while run < 3 and start + run < n and text[start + run].isdecimal():
        run += 1
    if run == 3 or start + run == n:
        return False
    after = text[start + run]
    return after.isspace() or after.isalpha()


# \b before any of: a month and day, a day and month, a weekday, a relative day.
_DATE_RE: Final = caseless.gated(r"\b", rf"(?:(?P<md>(?P<m1>{_MONTH_RE})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b)"
                                 rf"|(?P<dm>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})(?![a-z]))"
                                 r"|(?P<wd>" + "|".join(WEEKDAYS) + r")s?\b"
                                 r"|(?P<rel>" + "|".join(_RELATIVE_WORDS) + r")\b)", DATE_GATE, at_words=True,
                                 keep=_may_open_date)
# The literal words find_sources's "according to X", "by X's count" and "X data show" need
# (each pattern runs only where its own are: no "according", no _ACCORDING match).
_SOURCE_WORDS: Final = ["according", "estimate", "count", "tally", "figures", "data"]
SOURCE_WORDS_GATE: Final = caseless.Gate(_SOURCE_WORDS)
GATES: Final = [DATE_GATE, HARD_GATE, SOURCE_WORDS_GATE]    # the index's gates for this module's patterns


_NEXT_AFTER: Final = re.compile(r"\s+(?:morning|evening|night)?\s*\b(?:next|to come)\b", re.I)
_AS_OF_END: Final = re.compile(r"\bas of\s+(?:midnight\s+|noon\s+)?(?:on\s+)?(?:late\s+|early\s+)?$")
_SINCE_END: Final = re.compile(r"\b(?:since|from|until|till|before|ahead of|by)\b[^,.;]{0,45}$")
_SINCE_LONGEST: Final = len("ahead of") + 45 + 1      # the word, the rest, a last "\n" ($ matches before it)


def _since_end(lead: str) -> bool:
    """``_SINCE_END.search(lead)``, from after the last ",", "." or ";" (a match holds none) and
    no further back than its longest match: the search tried every position. sre reads the
    character before ``pos`` for ``\\b``, as it would have."""
    cut = max(lead.rfind(","), lead.rfind("."), lead.rfind(";")) + 1
    return _SINCE_END.search(lead, max(cut, len(lead) - _SINCE_LONGEST)) is not None


@dataclass(init=False)
class DateMention:
    start: int
    end: int
    value: date
    as_of: bool          # written "as of …"
    since: bool          # the start of a period: "since Feb. 24"

    def __init__(self, start: int, end: int, value: date, as_of: bool, since: bool) -> None:
        self.start, self.end, self.value, self.as_of, self.since = start, end, value, as_of, since


def _month_number(text: str) -> int:
    key = text.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTH_ABBR.get(key[:4] if key.startswith("sept") else key[:3], 0)


_DAYS_BACK: Final = tuple(timedelta(days=n) for n in range(8))   # made once, not at every date


def find_dates(sentence: str, published: date | None) -> list[DateMention]:
    """Dates a sentence states, resolved against the publication date."""
    if published is None:
        return []
    found: list[DateMention] = []
    for match in _DATE_RE.finditer(sentence):
        value: date | None = None
        if match.group("md") or match.group("dm"):
            month = _month_number(match.group("m1") or match.group("m2"))
            day = int(match.group("d1") or match.group("d2"))
            try:
                value = date(published.year, month, day)
            except ValueError:
                continue
            if value > published + _DAYS_BACK[7]:
                try:
                    value = date(published.year - 1, month, day)
                except ValueError:
                    continue
        elif match.group("wd"):
            target = WEEKDAYS.index(match.group("wd").lower())
            back = (published.weekday() - target) % 7
            value = published - _DAYS_BACK[back]
            if _NEXT_AFTER.match(sentence[match.end():]):
                continue
        else:
            rel = match.group("rel").lower()
            value = published - _DAYS_BACK[1] if rel in ("yesterday", "last night") else published
        if value > published:
            continue
        lead = sentence[max(0, match.start() - 60):match.start()].lower()
        as_of = "as of" in lead and bool(_AS_OF_END.search(lead))       # every match holds it
        since = not as_of and _since_end(lead)
        found.append(DateMention(match.start(), match.end(), value, as_of, since))
    return found


def as_of_for(mention: Mention, dates: list[DateMention], prev_end: int, next_start: int) -> str | None:
    usable = [d for d in dates if not d.since]
    if not usable:
        return None
    marked = [d for d in usable if d.as_of]
    pool = marked or usable
    own = [d for d in pool if prev_end <= d.start < next_start]
    pool = own or pool
    best = pool[0] if len(pool) == 1 else min(pool, key=lambda d: abs(d.start - mention.start))
    return best.value.isoformat()


# --------------------------------------------------------------------------
# Attribution


_TIME_BEFORE: Final = ["on", "late on", "early on", "late", "early", "last", "this", "earlier", "later", "now", "also", "today",
                "yesterday", "tonight"]
_TIME_AFTER: Final = ["morning", "evening", "afternoon", "night", "week", "month", "has", "have", "had", "previously", "again",
               "then", "repeatedly", "separately", "publicly"]
_TIME_TAIL: Final = re.compile(
    r"(?:\s+(?:" + "|".join(_TIME_BEFORE) + r"|(?:on\s+)?(?:" + "|".join(WEEKDAYS) + ")|" + "|".join(_TIME_AFTER)
    + r"))+$", re.I)
# The words _TIME_TAIL can end with: a text ending otherwise keeps its tail.
_TIME_TAIL_LAST: Final = {phrase.split()[-1] for phrase in _TIME_BEFORE + WEEKDAYS + _TIME_AFTER}


def strip_time_tail(text: str) -> str:
    """``_TIME_TAIL.sub("", text)``. That search tries every position of the text, but can only
    match when the text ends with one of its words, after a space: the run of letters the text
    ends with. When that run is ASCII it is checked first (beyond ASCII, IGNORECASE pairs "ſ"
    with "s" and "K" with "k"; the rest of the text does not matter)."""
    end = len(text) - 1 if text.endswith("\n") else len(text)      # $ also matches before a last "\n"
    start = end
    while start > 0 and caseless.alpha_at(text, start - 1):
        start -= 1
    word = text[start:end]
    if word.isascii() and word.lower() not in _TIME_TAIL_LAST:
        return text
    return _TIME_TAIL.sub("", text)


_CUT_AT: Final = ["in", "at", "on", "from", "during", "after", "before", "via", "through"]
_SPEECH_CUT: Final = re.compile(r"\s+(?:" + "|".join(_CUT_AT) + r")\s+.*$", re.I)
_SPEECH_CUT_WORDS: Final = frozenset(_CUT_AT)                 # see _clean_source
_CLAUSE_WORDS: Final = ["that", "and", "but", "as", "where", "when", "while", "after", "with", "which", "because"]
_CLAUSE_START: Final = Caseless(
    r"(?:[,;:(\"“”‘–—]|['’](?!s\b)|\s-\s|" + "|".join(rf"\b{w}\b" for w in _CLAUSE_WORDS) + ")",
    "|".join([re.escape(c) for c in ",;:(\"“”‘–—"] + [q + r"(?!s\b)" for q in "'’"]
             + [re.escape(w) + r"-\s" for w in WHITESPACE] + word_branches(_CLAUSE_WORDS)),
    finds=tuple([(c, 0) for c in ",;:(\"“”‘–—'’"] + [("-", 1)] + [(w, 0) for w in _CLAUSE_WORDS]), bounded=True)


# Tried only where their first word is (see Caseless: finds), not at every position.
_ACCORDING_RE: Final = r"\baccording to\s+([^,.;:()]+)"
_ACCORDING: Final = Caseless(_ACCORDING_RE, _ACCORDING_RE, finds=(("according", 0),))
_BY_COUNT_RE: Final = r"\bby\s+(?:the\s+)?([\w.’' -]+?)['’]s?\s+(?:own\s+)?(?:estimates?|counts?|tally|figures)\b"
_BY_COUNT: Final = Caseless(_BY_COUNT_RE, _BY_COUNT_RE, finds=(("by", 0),))
_DATA_SHOW: Final = re.compile(r"\b([\w.’'-]+?)\s+(?:data|figures)\s+(?:showed|show|shows|suggest|suggested)\b", re.I)
_POSSESSIVE_END: Final = re.compile(r"['’]s?$")
_ACCORDING_CUT: Final = re.compile(r"\s+(?:since|as|who|which|that|on|in|there)\s+")
_ARTICLE_START: Final = re.compile(r"(?:the|a|an)\s", re.I)
_POST_WORDS: Final = ("post", "statement", "tweet", "message", "update", "video", "report")
_POST_FROM: Final = re.compile(r"\b(?:" + "|".join(_POST_WORDS) + r")\s+(?:from|by)\s+(.+)$", re.I)
_QUOTE_OR_COMMA_END: Final = re.compile(r"[,'’\"”]\s*$")
_NAME_AFTER: Final = re.compile(r"\s+((?:the\s+)?[A-Z][^,.;:()]*)")
_THAT: Final = re.compile(r"\bthat\b")
_AMID: Final = re.compile(r"\bamid\s+(?:fears|reports|claims|concerns|rumours)\b", re.I)
_PROPER_NAME: Final = re.compile(r"(?:[A-Z][\w.’'-]*\s+){1,3}[A-Z][\w’'-]*")


def _may_post(lower: str) -> bool:
    """False only when no part of the sentence ``lower`` is lower-cased from holds a _POST_FROM
    match: every match holds "from" or "by" and a post word, and IGNORECASE pairs none of their
    letters with a character beyond ASCII (so they are in the lower-cased text too)."""
    return ("from" in lower or "by" in lower) and any(word in lower for word in _POST_WORDS)


@dataclass(init=False)
class Source:
    start: int
    name: str
    pronoun: bool = False     # "he said": the name comes from an earlier sentence

    def __init__(self, start: int, name: str, pronoun: bool = False) -> None:
        self.start, self.name, self.pronoun = start, name, pronoun


def _clean_source(text: str, rules: Rules) -> str | None:
    text = text.strip(" ,'\"“”‘’()")
    text = strip_time_tail(text).strip(" ,")
    words = text.split()
    # _SPEECH_CUT needs one of its words as a token between white space: in ASCII text, one
    # of the split words (beyond ASCII, IGNORECASE pairs "ı" with "i": the pattern is asked).
    if not text.isascii() or any(w.lower() in _SPEECH_CUT_WORDS for w in words):
        text = _SPEECH_CUT.sub("", text).strip(" ,")
        words = text.split()
    while words and words[0].lower() in rules.attr_strip:
        words = words[1:]
    if not words or len(words) > 9:
        return None
    if any(w.lower().strip(".,'’") in rules.first_person for w in words):
        return None
    name = " ".join(words)
    if not any(ch.isalpha() for ch in name):
        return None
    return _POSSESSIVE_END.sub("", name) if name.endswith(("'", "’")) else name


_LAST_WORD: Final = re.compile(r"([\w’']+)\W*$")


def last_word(head: str) -> str | None:
    """What ``_LAST_WORD.search(head)`` captures: the word ``head`` ends with, read backwards.

    That search tries every start position and backtracks through each word. Its answer is the
    run of word characters and apostrophes (``\\w`` is ``str.isalnum`` or "_") that holds the
    last word character, since only non-word characters may follow; with no word character at
    all, the first run of apostrophes."""
    end = len(head)
    while end and not _is_word(head[end - 1]):
        end -= 1
    if end == 0:
        first = min((i for i in (head.find("’"), head.find("'")) if i >= 0), default=-1)
        if first < 0:
            return None
        end = first
    else:
        end -= 1
    start, stop = end, end + 1
    while start and (_is_word(head[start - 1]) or head[start - 1] in "’'"):
        start -= 1
    while stop < len(head) and (_is_word(head[stop]) or head[stop] in "’'"):
        stop += 1
    return head[start:stop]


def _is_word(char: str) -> bool:
    """Is ``char`` matched by ``\\w`` (str patterns: alphanumeric or "_")?"""
    return char.isalnum() or char == "_"


def _sources_by_words(sentence: str, lower: str, rules: Rules, sources: list[Source]) -> None:
    """Append the sources of "according to X", "by X's count" and "X data show" to ``sources``."""
    for match in (_ACCORDING.finditer(sentence) if "according" in lower else ()):
        name = _clean_source(_ACCORDING_CUT.split(match.group(1))[0], rules)
        if name and name.lower() not in rules.pronouns:
            sources.append(Source(match.start(), name))
    counted = "estimate" in lower or "count" in lower or "tally" in lower or "figures" in lower
    for match in (_BY_COUNT.finditer(sentence) if counted and "by" in lower else ()):
        name = _clean_source(match.group(1), rules)
        if name and name.lower() not in rules.pronouns:
            sources.append(Source(match.start(), name))
    for match in (_DATA_SHOW.finditer(sentence) if ("data" in lower or "figures" in lower) else ()):
        name = _clean_source(match.group(1), rules)
        if name and name.lower() not in rules.pronouns:
            sources.append(Source(match.start(), name))


def find_sources(sentence: str, rules: Rules) -> list[Source]:
    """Who the sentence says is speaking, at the position of the speech verb."""
    sources: list[Source] = []
    low = caseless.lowered(sentence)               # the sentence's own lowering, when exact
    lower = low if low is not None else sentence.lower()
    # Each pattern runs only when its literal words are there (same matches, far fewer scans);
    # the index tells at once when none of them is (see SOURCE_WORDS_GATE).
    if not SOURCE_WORDS_GATE.absent(sentence):
        _sources_by_words(sentence, lower, rules, sources)
    may_post: bool | None = None               # asked once, at the first subject
    for match in rules.speech_re.finditer(sentence):
        verb = match.group(0).lower()
        if verb in ("according", "showed", "show", "shows", "citing", "cited"):
            continue
        head = sentence[:match.start()]
        prev = last_word(head)
        if prev and prev.lower() in rules.noun_markers:
            continue                                   # "amid reports", "the initial estimate"
        trimmed = strip_time_tail(head.rstrip())
        # The sentence read only to the end of ``trimmed``, its prefix (sre reads nothing from
        # endpos on): the same matches, from the sentence's own lowering and literal places.
        cuts = [0] + [b.end() for b in _CLAUSE_START.finditer(sentence, 0, len(trimmed))]
        segments = [trimmed[a:b].strip(" ,") for a, b in zip(cuts, cuts[1:] + [len(trimmed)])]
        # Read back over empty pieces and asides: "X, citing the ministry, said".
        k = len(segments) - 1
        while k > 0 and (not segments[k] or segments[k].lower().startswith(("citing", "quoting"))):
            k -= 1
        subject = segments[k] if segments else ""
        # "Nick Osychenko, the CEO of a TV station, said": the name, not the role.
        if k > 0 and _ARTICLE_START.match(subject) and _PROPER_NAME.fullmatch(segments[k - 1]):
            subject = segments[k - 1]
        if may_post is None:
            may_post = _may_post(lower)
        post = _POST_FROM.search(subject) if may_post else None
        if post:
            subject = post.group(1)
        name = _clean_source(subject, rules)
        if name and name.lower() in rules.pronouns:
            if name.lower() in ("he", "she", "they"):
                sources.append(Source(match.start(), name, pronoun=True))
            continue
        if name is None and _QUOTE_OR_COMMA_END.search(head):
            # Inverted: "…, said Hamilton, a fellow at …"
            after = _NAME_AFTER.match(sentence[match.end():])
            if after and not _THAT.search(after.group(1)):
                name = _clean_source(after.group(1), rules)
                if name and name.lower() in rules.pronouns:
                    name = None
        if name:
            sources.append(Source(match.start(), name))
    if len(sources) > 1:
        sources.sort(key=lambda s: s.start)
    return sources


def attribution_for(mention: Mention, sources: list[Source], others: list[int],
                    sentence: str = "") -> Source | None:
    """The speaker nearest before the number, else the nearest after it.

    A speaker after the number is not this figure's when it stands before
    another figure (it introduces that one: "... and officials claim 1,000").
    "amid fears", "amid reports" start a new, unattributed claim.
    """
    before = [s for s in sources if s.start < mention.start]
    if before:
        source = before[-1]
        if _may_hold(sentence, (source.start, mention.start), ("amid",)) and _AMID.search(
                sentence[source.start:mention.start]):
            return None
        return source
    for source in sources:
        if source.start >= mention.start:
            if any(o > source.start for o in others):
                return None
            return source
    return None

"""Case-insensitive patterns that find their matches several times faster.

Most of the extractor's time is spent in the regex engine, and mostly in
patterns like ``\\b(?:but|while)`` under IGNORECASE: sre can jump straight to
a candidate position only when a pattern starts with a known, case-sensitive
character, so these are tried at every position of every sentence. A
:class:`Caseless` pattern keeps the original (``slow``) and a twin (``fast``)
written to start with a literal ("b(?<!\\w.)ut" for "\\bbut") and run,
case-sensitively, on the lower-cased text. Each fast match is re-read by the
original pattern at the same place, so callers get exactly the match objects
(spans, groups, original case) the original gives; tests check that the two
find the same matches. Text whose lower-casing is not one character for one
with IGNORECASE's idea of case (accented or non-Latin letters) goes straight
to the original.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import sys
import threading
from _thread import get_ident
from bisect import bisect_right
from typing import Any, Callable, Final, Iterable, Iterator

from .config import store_in_cache, user_cache_dir


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


_Match = Callable[[str, int, int], "re.Match[str] | None"]     # a pattern's match method
_Keep = Callable[[str, int, int], bool]                            # see Caseless: keep
_hs: Final[Any] = _optional("hyperscan")      # the ``native`` extra; without it every pattern scans, as before


def hyperscan_version() -> str | None:
    """The version of hyperscan the article index runs on; None when it is not installed."""
    return None if _hs is None else str(_hs.__version__)

# Characters besides ASCII that have no case: lower-casing leaves them alone and
# IGNORECASE matches them only to themselves (Latin-1 punctuation but the micro
# sign, general punctuation, currency signs). Tested character by character.
_SAFE_TEXT: Final = re.compile(r"[\x00-\x7f\u00a0-\u00b4\u00b6-\u00bf\u2000-\u206f\u20a0-\u20cf]*")

# What \s matches (str.isspace), one literal each: a fast pattern must not start with a class.
WHITESPACE: Final = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


class _Lowering:
    """A text and its :func:`exact_lower`."""

    __slots__ = ("text", "low")

    def __init__(self, text: str, low: str | None) -> None:
        self.text = text
        self.low = low


class _LastLowered:
    """The last two texts :func:`lowered` answered for (each a _Lowering, replaced whole, so a
    text and its lowering always go together): a sentence's answer outlives one piece of text
    asked about in between. A final instance, read without a module-dict lookup."""

    __slots__ = ("last", "before")

    def __init__(self) -> None:
        self.last = _Lowering("", "")
        self.before = _Lowering("", "")


_LOWERED: Final = _LastLowered()


class _Checked:
    """The last text beyond ASCII :func:`lowers_exactly` checked, and its answer (replaced whole):
    the article index asks about a sentence, then its patterns' :func:`lowered` asks again."""

    __slots__ = ("text", "exact")

    def __init__(self, text: str, exact: bool) -> None:
        self.text = text
        self.exact = exact


class _LastChecked:
    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = _Checked("", True)


_CHECKED: Final = _LastChecked()


def lowers_exactly(text: str) -> bool:
    """Does a lower-case pattern find in ``text.lower()`` exactly what the same pattern finds in
    ``text`` under IGNORECASE (and a caseless one in ``text``)?"""
    if text.isascii():
        return True
    last = _CHECKED.last
    if last.text is text:
        return last.exact
    exact = _SAFE_TEXT.fullmatch(text) is not None
    _CHECKED.last = _Checked(text, exact)
    return exact


def exact_lower(text: str) -> str | None:
    """``text.lower()`` when it :func:`lowers_exactly`; None for text that must take the slow path."""
    return text.lower() if lowers_exactly(text) else None


def lowered(text: str) -> str | None:
    """:func:`exact_lower`, remembered for the last text: a sentence's patterns ask in turn.
    A one-off piece of text (a window cut from a sentence) should call ``exact_lower`` so the
    sentence's answer stays remembered."""
    memo = _LOWERED
    last = memo.last
    if last.text is text:                 # the same sentence, asked again by the next pattern
        return last.low
    before = memo.before
    if before.text is text:               # the sentence again, after a piece of text
        memo.before = last
        memo.last = before
        return before.low
    low = exact_lower(text)
    memo.before = last
    memo.last = _Lowering(text, low)
    return low


def _trie(words: Iterable[str]) -> dict[str, dict]:
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}                                     # a word ends here
    return trie


def _emit(node: dict[str, dict]) -> str:
    branches = [re.escape(char) + _emit(node[char]) for char in sorted(c for c in node if c)]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ("|" if "" in node else "") + ")"   # longer words first


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words or phrases that prefers the longest, as a trie.

    "said|says|saying" becomes "sa(?:id|ying|ys)": the regex engine then
    rules out most positions on the first letter instead of trying every
    word, which makes the vocabulary scans several times faster. Among words
    that can match at one position (each a prefix of the next) the longest is
    still tried first, so matches are the same as "longest|...|shortest".
    """
    return _emit(_trie(words))


def word_branches(words: Iterable[str], tail: str = r"\b") -> list[str]:
    """The twin of ``\\bword\\b`` alternatives: one per first letter, each starting with that
    literal letter, then ``\\b`` before it checked behind ("(?<!\\w.)"), the letter's branch
    of :func:`alternation`, and ``tail``. The words must start with word characters."""
    trie = _trie(word.lower() for word in words if word)
    return [re.escape(char) + r"(?<!\w.)" + _emit(trie[char]) + tail for char in sorted(trie)]


# A look-behind that opens a pattern, and what a gated twin consumes instead: "\b" before a
# word is "the character before is not a word character". An ASCII class first (a bitmap,
# one test per character for sre), then the exact test, for the few characters it lets by.
GATES: Final = {r"\b": r"[^0-9A-Za-z_](?<!\w)", r"(?<![\w-])": r"[^0-9A-Za-z_-](?<![\w-])"}


def gated(before: str, body: str, gate: "Gate | None" = None, at_words: bool = False, lead: int = 0,
          lead_words: tuple[str, ...] = (), keep: "_Keep | None" = None) -> "Caseless":
    """``before + body`` under IGNORECASE, with a twin that consumes what ``before`` (a key of
    GATES) looks behind at. Every match of ``body`` must start with a word character."""
    return Caseless(before + body, GATES[before] + body, gated=True, gate=gate, at_words=at_words, lead=lead,
                    lead_words=lead_words, gap=1 if before == r"\b" else 2, keep=keep)


def words(vocabulary: Iterable[str], before: str = r"\b", after: str = r"\b") -> "Caseless":
    """``before(?:word|…)after`` under IGNORECASE, with a gated twin (see :class:`Caseless`).

    A vocabulary with a word that starts with anything else ("'s") has the same pattern as its
    twin, run case-sensitively on the lower-cased text: the gate would not be ``before`` there."""
    listed = sorted({str(w).lower() for w in vocabulary if str(w)})
    body = "(?:" + alternation(listed or ["$^"]) + ")" + after
    gate = Gate(listed)
    # ``before`` and ``after`` look, never consume: every match starts at one of the words.
    if not all(re.match(r"\w", w) for w in listed):
        return Caseless(before + body, before + body, gate=gate, at_words=True)
    return gated(before, body, gate, at_words=True)


class Caseless:
    """A case-insensitive pattern (``slow``) with a twin that finds its matches faster.

    The twin runs case-sensitively on the lower-cased text, in one of two forms:
    - it starts with a literal per alternative ("b(?<!\\w.)ut|a(?<!\\w.)lthough" for
      "\\bbut|\\balthough"), and matches where ``slow`` matches; or
    - ``gated``: it consumes the one character before the match instead of looking
      behind at it ("\\W(?:said|says)" for "\\b(?:said|says)"), so sre jumps from one
      non-word character to the next; a match then starts one character after the
      twin's, read from the character before ``pos``; a match at the text's very start,
      which the twin cannot see, is tried first.
    Each found match is re-read by ``slow`` at its start, so callers get ``slow``'s
    own match objects.

    ``finds``: (literal, offset) pairs such that every match starts ``offset`` characters before
    one of the literals in the lower-cased text (";" at 0, "but" at 0, "-" at 1 for "\\s-\\s"):
    ``slow`` is then tried only there, found with ``str.find``, which beats sre's scan through
    many alternatives. With ``bounded``, a literal that opens with a word character stands for one
    alternative, itself between two ``\\b``: where a word character touches it, it is passed over.

    ``at_words``: every match starts where a word of the gate does (see :func:`words`), or,
    with ``lead`` n, up to n characters before the white space right before such a word (an
    "a" or "an" before "hundred"); with ``lead_words``, only before a word that starts with one
    of them (lower-case). In a sentence the article index has read, ``slow`` is then tried only
    there: the leftmost place it matches is the leftmost match, as a scan finds it. ``keep``
    (text, start, endpos): False only at an index start, or a find's place, where no match can
    begin that ends by ``endpos``, passed over then without asking sre (a check of the pattern's
    own, cheaper than its alternatives). A find's places are kept for every stretch of a text,
    asked with ``endpos`` the text's length: there ``keep`` must refuse only for lack of what a
    match must hold, never for what follows one ("(?![\\w-])" passes where a stretch ends).
    """

    __slots__ = ("slow", "fast", "gated", "gate", "at_words", "lead", "lead_words", "finds", "bounded", "gap",
                 "keep", "slow_match", "spots", "ascii_finds", "ascii_bounded")

    def __init__(self, slow: str, fast: str, flags: int = 0, gated: bool = False, gate: "Gate | None" = None,
                 at_words: bool = False, lead: int = 0, lead_words: tuple[str, ...] = (),
                 finds: tuple[tuple[str, int], ...] = (), bounded: bool = False, gap: int = 0,
                 keep: "_Keep | None" = None) -> None:
        self.slow = re.compile(slow, flags | re.I)
        self.fast = re.compile(fast, flags)
        self.gated = gated
        self.gate = gate
        self.at_words = at_words
        self.lead = lead
        self.lead_words = lead_words
        self.finds = finds
        # By find: a literal opening with a word character that stands for "\bliteral\b" alone.
        self.bounded = tuple(bounded and word_at(literal, 0) for literal, _ in finds)
        # The finds an ASCII text can hold ("—" and "’" are in it nowhere), and their bounds.
        self.ascii_finds = tuple(find for find in finds if find[0].isascii())
        self.ascii_bounded = tuple(b for find, b in zip(finds, self.bounded) if find[0].isascii())
        self.gap = gap
        self.keep = keep
        self.slow_match: _Match = self.slow.match       # looked up once, not at every search
        self.spots = _Spots("", [])                      # where the finds are in the last text

    @property
    def pattern(self) -> str:
        return self.slow.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterable[re.Match[str]]:
        gate = self.gate
        if gate is not None:
            starts = self._starts(gate, text, endpos) if self.at_words else None
            if starts is not None:
                # A list, not a generator: the index's starts are few, and callers read them all.
                return _all_at(self.slow_match, text, starts, pos, endpos, self.gap)
            if gate.absent(text):
                return iter(())
        low = lowered(text)
        if low is None:
            return self.slow.finditer(text, pos, endpos)
        if self.finds:
            return _all_at(self.slow_match, text, self._literal_starts(text, low, pos, endpos), pos, endpos, 0)
        if self.gated:
            return self._gated(text, low, pos, endpos)
        return self._reread(text, self.fast.finditer(low, pos, endpos), endpos)

    def _starts(self, gate: "Gate", text: str, endpos: int) -> list[int] | None:
        """Where a match can start in ``text``, from the index (None when it cannot tell)."""
        starts = gate.starts(text)
        lead = self.lead
        keep = self.keep
        if keep is not None and starts:
            starts = [start for start in starts if keep(text, start, endpos)]
        if not lead or not starts:
            return starts
        # The index reads only text that lowers exactly, so the words are where it says.
        low = lowered(text) if self.lead_words else None
        more: set[int] | None = None
        for start in starts:
            run = start                        # the white space right before the word (\s: isspace)
            while run and space_at(text, run - 1):
                run -= 1
            if run == start:
                continue                       # no white space: nothing can lead
            if low is not None and not low.startswith(self.lead_words, start):
                continue                       # "one", "ten": no "a" or "an" before them
            if more is None:
                more = set(starts)
            more.update(range(max(0, run - lead), run))
        return starts if more is None else sorted(more)

    def _reread(self, text: str, found: Iterator[re.Match[str]], endpos: int) -> Iterator[re.Match[str]]:
        match = self.slow.match
        for m in found:
            yield match(text, m.start(), endpos)  # type: ignore[misc]

    def _gated(self, text: str, low: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        match, search = self.slow.match, self.fast.search
        if pos == 0:
            first = match(text, 0, endpos)        # the twin reads the character before a match: none here
            if first is not None:
                yield first
                pos = first.end()
        while True:
            # From the character before ``pos``: a twin match there is a match right at ``pos``.
            found = search(low, pos - 1 if pos else 0, endpos)
            if found is None:
                return
            m = match(text, found.start() + 1, endpos)
            yield m  # type: ignore[misc]
            pos = m.end()  # type: ignore[union-attr]

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        gate = self.gate
        if gate is not None:
            starts = self._starts(gate, text, endpos) if self.at_words else None
            if starts is not None:
                return _first_at(self.slow_match, text, starts, pos, endpos, self.gap)
            if gate.absent(text):
                return None
        low = lowered(text)
        if low is None:
            return self.slow.search(text, pos, endpos)
        if self.finds:
            return _first_at(self.slow_match, text, self._literal_starts(text, low, pos, endpos), pos, endpos, 0)
        if self.gated:
            return next(self._gated(text, low, pos, endpos), None)
        m = self.fast.search(low, pos, endpos)
        return self.slow.match(text, m.start(), endpos) if m else None

    def _literal_starts(self, text: str, low: str, pos: int, endpos: int) -> list[int]:
        """:func:`literal_starts`, from where the finds are in the whole text, worked out once
        for the last text asked about: a sentence's clause and boundary patterns are asked about
        one stretch of it after another."""
        spots = self.spots
        if spots.text is not text:
            places = (literal_spots(low, self.ascii_finds, self.ascii_bounded) if low.isascii()
                      else literal_spots(low, self.finds, self.bounded))
            keep = self.keep
            size = len(text)                  # the places serve every stretch of the text
            if keep is not None and places:
                places = [place for place in places if keep(text, place[0], size)]
            spots = _Spots(text, places)
            self.spots = spots
        return _within(spots.places, pos, min(endpos, len(low)))


class _Spots:
    """A text and where a pattern's finds are in it (see :func:`literal_spots`), replaced whole."""

    __slots__ = ("text", "places")

    def __init__(self, text: str, places: list[tuple[int, int]]) -> None:
        self.text = text
        self.places = places


def literal_spots(low: str, finds: tuple[tuple[str, int], ...],
                  bounded: tuple[bool, ...] = ()) -> list[tuple[int, int]]:
    """(where a match can start, where the literal ends) for every find in all of ``low``, in
    order of start: :func:`literal_starts` keeps those from ``pos`` whose literal ends by ``endpos``.

    ``bounded``, by find: the literal stands for one alternative, itself between two ``\b``. Where
    a word character comes before it ("as" in "was") it is left out; where one comes after it
    ("ask"), its end is given negated: it matches only where a stretch ends right there."""
    places: list[tuple[int, int]] = []
    size_of_text = len(low)
    for number, (literal, back) in enumerate(finds):
        size = len(literal)
        word = bool(bounded) and bounded[number]
        at = low.find(literal, back)
        while at >= 0:
            stop = at + size
            if not word:
                places.append((at - back, stop))
            elif not (at > 0 and word_at(low, at - 1)):
                places.append((at - back, -stop if stop < size_of_text and word_at(low, stop) else stop))
            at = low.find(literal, at + 1)
    if len(finds) > 1:
        places.sort()
    return places


def literal_starts(low: str, finds: tuple[tuple[str, int], ...], pos: int, endpos: int,
                   bounded: tuple[bool, ...] = ()) -> list[int]:
    """Where a :class:`Caseless` with ``finds`` can match in ``low`` (its text lower-cased, each
    character in place) from ``pos`` on, ending by ``endpos``: in order, maybe with repeats."""
    return _within(literal_spots(low, finds, bounded), pos, min(endpos, len(low)))


def _within(places: list[tuple[int, int]], pos: int, end: int) -> list[int]:
    """The starts of :func:`literal_spots`'s places from ``pos`` whose literal ends by ``end``. A
    stop below zero: a word character follows the literal, so it can match only where the
    stretch ends right after it (sre reads no character from ``endpos`` on)."""
    return [start for start, stop in places if start >= pos and (stop <= end if stop > 0 else -stop == end)]


class WholeWord:
    """A ``keep`` (see :class:`Caseless`) for a pattern whose every match opens with one of
    ``words`` (ASCII letters) whole, after no ``\\w`` character and none of ``refused``:
    "(?<![\\w-])(?:one|ten)(?![\\w-])" is refused at "someone", "tens" and "twenty-one".
    False where such a character comes before the start, or where the run of ASCII letters
    from it, up to ``endpos``, is no such word. Asked only of text the index has read, which
    lowers exactly: IGNORECASE there pairs an ASCII letter with ASCII letters alone."""

    __slots__ = ("words", "refused")

    def __init__(self, words: Iterable[str], refused: str = "") -> None:
        self.words = frozenset(w.lower() for w in words)
        self.refused = refused

    def __call__(self, text: str, start: int, endpos: int) -> bool:
        if start and (word_at(text, start - 1) or text[start - 1] in self.refused):
            return False
        end = start
        size = min(len(text), endpos)          # sre reads none from endpos: "hundred|s" can match
        while end < size and ascii_letter_at(text, end):
            end += 1
        return text[start:end].lower() in self.words


def ascii_letter_at(text: str, at: int) -> bool:
    """Is ``text[at]`` an ASCII letter? Read as a code point."""
    c = ord(text[at])
    return 97 <= c <= 122 or 65 <= c <= 90


def word_at(text: str, at: int) -> bool:
    """Is ``text[at]`` a ``\\w`` character (alphanumeric or "_")? Read as a code point: ASCII
    by ranges, the rest by str.isalnum."""
    c = ord(text[at])
    if c < 128:
        return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95
    return text[at].isalnum()


def space_end(text: str, at: int) -> int:
    """Where the run of white space (``\\s``: str.isspace) at ``at`` ends."""
    size = len(text)
    while at < size and space_at(text, at):
        at += 1
    return at


def space_at(text: str, at: int) -> bool:
    """Is ``text[at]`` white space (``\\s``: str.isspace)? ASCII by code point (tab to carriage
    return, the separators 0x1c-0x1f, the space), read without making the character a string;
    the rest by str.isspace."""
    c = ord(text[at])
    if c < 128:
        return c == 32 or 9 <= c <= 13 or 28 <= c <= 31
    return text[at].isspace()


def alpha_at(text: str, at: int) -> bool:
    """Is ``text[at]`` a letter (str.isalpha)? A-Z and a-z by code point, the rest by str.isalpha."""
    c = ord(text[at])
    if c < 128:
        return 97 <= c <= 122 or 65 <= c <= 90
    return text[at].isalpha()


def upper_at(text: str, at: int) -> bool:
    """Is ``text[at]`` upper case (str.isupper)? A-Z by code point, the rest by str.isupper."""
    c = ord(text[at])
    if c < 128:
        return 65 <= c <= 90
    return text[at].isupper()


def decimal_at(text: str, at: int) -> bool:
    """Is ``text[at]`` a decimal digit (``\\d``: str.isdecimal)? 0-9 by code point, the rest by
    str.isdecimal."""
    c = ord(text[at])
    if c < 128:
        return 48 <= c <= 57
    return text[at].isdecimal()


def _refused_before(text: str, at: int, gap: int) -> bool:
    """Does a gated pattern's look-behind refuse the character ``text[at]`` before a match: a
    ``\\w`` character, or with ``gap`` 2 (``(?<![\\w-])``) a hyphen too?"""
    return word_at(text, at) or (gap == 2 and text[at] == "-")


def all_matches_at(pattern: re.Pattern[str], text: str, starts: list[int], pos: int = 0,
                   endpos: int = sys.maxsize, gap: int = 0) -> list[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)``, in a list, for a pattern whose every match starts
    at one of ``starts`` (in order; more places are harmless): it is matched there only. The
    leftmost place it matches is the leftmost match, and the next is looked for after its end.
    ``gap``: the pattern opens with a look-behind (1: ``\\b`` before a word character, 2: ``(?<![\\w-])``),
    so a start after a character it refuses is passed over without asking sre."""
    return _all_at(pattern.match, text, starts, pos, endpos, gap)


def _all_at(match: _Match, text: str, starts: list[int], pos: int, endpos: int, gap: int) -> list[re.Match[str]]:
    """:func:`all_matches_at` with the pattern's ``match`` method already looked up."""
    found: list[re.Match[str]] = []
    for start in starts:
        if start >= pos:
            if gap and start and _refused_before(text, start - 1, gap):
                continue
            m = match(text, start, endpos)
            if m is not None:
                found.append(m)
                pos = m.end()
    return found


def first_match_at(pattern: re.Pattern[str], text: str, starts: list[int], pos: int = 0,
                   endpos: int = sys.maxsize, gap: int = 0) -> re.Match[str] | None:
    """The first of :func:`matches_at`, or None (``gap``: see :func:`all_matches_at`)."""
    return _first_at(pattern.match, text, starts, pos, endpos, gap)


def _first_at(match: _Match, text: str, starts: list[int], pos: int, endpos: int, gap: int) -> re.Match[str] | None:
    """:func:`first_match_at` with the pattern's ``match`` method already looked up."""
    for start in starts:
        if start >= pos:
            if gap and start and _refused_before(text, start - 1, gap):
                continue
            m = match(text, start, endpos)
            if m is not None:
                return m
    return None


# --------------------------------------------------------------------------
# Gates: which sentences a pattern can match at all, found for a whole article in one pass


class _Indexed:
    """One article's index, by sentence text: the bits of the gates each sentence passes, and
    where gate words start in it, in order, each start once, with the bits of the gates of every
    word there (see :func:`_by_start`); and the bits of every gate the index covers."""

    __slots__ = ("present", "starts", "covered")

    def __init__(self, present: dict[str, int], starts: dict[str, list[tuple[int, int]]], covered: int) -> None:
        self.present = present
        self.starts = starts
        self.covered = covered


_local: Final = threading.local()       # this thread's _Holder, as ``holder``


class _Holder:
    """A thread's article index (an _Indexed, or None): one per thread, kept in its
    thread-local storage, and changed in place."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index: _Indexed | None = None


class _Set:
    """A thread's id and its _Holder."""

    __slots__ = ("ident", "holder")

    def __init__(self, ident: int, holder: _Holder) -> None:
        self.ident = ident
        self.holder = holder


class _Last:
    """The last thread to set its index (a _Set). While its id is the current thread's, its
    holder is that thread's own: the gates, asked a hundred times an article, read the index
    without a thread-local lookup, and the thread sets it without one. A final instance of a
    class of its own, because compiled code reads a module's plain globals through a dict lookup."""

    __slots__ = ("set",)

    def __init__(self) -> None:
        self.set = _Set(0, _Holder())


_LAST: Final = _Last()
_get_ident: Final = get_ident
_next_bit = [0]


def _current() -> "_Indexed | None":
    """This thread's article index, if one is begun."""
    last = _LAST.set                       # one read: the id and holder of one _Set go together
    if last.ident == _get_ident():
        return last.holder.index
    holder: _Holder | None = getattr(_local, "holder", None)
    return None if holder is None else holder.index


def _set_current(index: "_Indexed | None") -> None:
    ident = _get_ident()
    last = _LAST.set
    if last.ident == ident:
        last.holder.index = index          # this thread's own holder
        return
    holder: _Holder | None = getattr(_local, "holder", None)
    if holder is None:
        holder = _Holder()
        _local.holder = holder
    holder.index = index
    _LAST.set = _Set(ident, holder)


def passed(text: str) -> int:
    """The bits of every gate :meth:`Gate.absent` would not shut for ``text``, in one read of the
    current article's index: a gate whose bit is clear here is absent. Every bit (-1) when the
    index has not read ``text``; the bits of gates it does not cover are always set."""
    index = _current()
    if index is None:
        return -1
    found = index.present.get(text)
    return -1 if found is None else found | ~index.covered


def _expression(word: str) -> str:
    """A hyperscan expression for a lower-case ASCII word, letter for letter (no \\b: a database
    of plain words compiles in milliseconds; with \\b it took a fifth of a second, and extraction
    was no faster for it on the benchmark corpus)."""
    return "".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in word)


class Gate:
    """What a pattern cannot match without: one of its words. While :class:`ArticleIndex` has
    indexed an article, a sentence the index shows without any of them is answered "no match"
    with no scan.

    Exact because the index over-reports, never under-reports. Every match of the pattern holds
    one of the words (under IGNORECASE); the index reads the text as ASCII, every other
    character as "?", and finds the words in any case, in text whose lower-casing is exact
    (see :func:`exact_lower`: IGNORECASE then pairs no character beyond ASCII with an ASCII
    letter), so an ASCII word in the text is found. A gate with a word beyond ASCII is never
    closed.

    The index reads a whole article: an ``extra`` expression must not read past what the
    pattern must find (what follows a sentence in an article is not its text)."""

    __slots__ = ("bit", "expressions", "flags", "sizes", "words_only")

    def __init__(self, words: Iterable[str], extra: Iterable[str] = (), marks: Iterable[tuple[str, int]] = (),
                 marks_caseless: bool = True) -> None:
        """``extra``: hyperscan expressions for what the words do not cover, written to find
        at least what the pattern finds in the index's text (ASCII, the rest as "?"), in any
        case. ``marks``: (expression, size) for what the words do not cover, each hit ending
        ``size`` characters after a place a match can start: like words, they let the index
        tell where matches can start (see :meth:`starts`)."""
        self.bit = 1 << _next_bit[0]
        _next_bit[0] += 1
        listed = sorted({w.lower() for w in words if w})
        marked = list(marks)
        usable = bool(listed or marked) and all(w.isascii() for w in listed)
        extra = list(extra)
        if not usable:
            listed, marked, extra = [], [], []
        self.expressions = [_expression(w) for w in listed] + [e for e, _ in marked] + extra
        self.flags = [_CASELESS] * len(listed) + [_CASELESS if marks_caseless else 0] * len(marked) + [_CASELESS] * len(extra)
        self.sizes = [len(w) for w in listed] + [size for _, size in marked]     # of words and marks, in order
        self.words_only = usable and not extra      # the index can tell where this gate's matches start

    @classmethod
    def marks(cls, expression: str, size: int, caseless: bool = True) -> "Gate":
        """A gate of one hyperscan expression, each of whose hits ends ``size`` characters after
        a place where the pattern it stands for can start a match (see :meth:`starts`)."""
        return cls([], marks=[(expression, size)], marks_caseless=caseless)

    @classmethod
    def word_starts(cls, words: Iterable[str]) -> "Gate":
        """A gate of ASCII words found only where they can start a sentence's ``\\b`` match: after
        a \\b, or as a capital right after a lower-case letter (where ``split_sentences`` cuts a
        caption glued to the next sentence, "killedTen": the sentence then starts with the word).
        "someone" and "often" hold no "one" or "ten" for it.

        Exact as a gate for patterns that match the words after a ``\\b`` in sentences of the
        text: hyperscan's ``\\b`` is ASCII's, and the index reads any other character as "?", a
        boundary, so it passes at least every start sre's ``\\b`` passes (in text that lowers
        exactly, see :class:`Gate`)."""
        listed = sorted({w.lower() for w in words if w})
        if not all(w.isascii() and w[:1].isalpha() for w in listed):
            return cls(listed)                 # a plain gate: passes wherever the words are
        marks = []
        for word in listed:
            body = "".join(f"[{c}{c.upper()}]" if c.isalpha() else _expression(c) for c in word[1:])
            marks.append((rf"\b[{word[0]}{word[0].upper()}]{body}", len(word)))
            marks.append((f"[a-z]{word[0].upper()}{body}", len(word)))
        return cls([], marks=marks, marks_caseless=False)

    def starts(self, text: str) -> list[int] | None:
        """Where the gate's words start in ``text``, in order, when the current article's index
        has read it (the words as they appear in any case); None when it cannot tell."""
        index = _current()
        if index is None or not self.words_only or not index.covered & self.bit:
            return None
        found = index.starts.get(text)
        if found is None:
            return None
        bit = self.bit
        return [start for start, bits in found if bits & bit]

    def absent(self, text: str) -> bool:
        """True only when the current article's index shows none of the words in ``text`` (and so
        in any part of it: a scan between ``pos`` and ``endpos`` needs the words there too): its
        bit clear in :func:`passed`, the one reading of the index for one gate or many."""
        return not passed(text) & self.bit

    def present(self, text: str) -> bool | None:
        """Whether the current article's index shows one of the words in ``text``; None when
        it has not read ``text`` (see :func:`passed` for many gates at once, as :meth:`absent` asks)."""
        index = _current()
        if index is None or not index.covered & self.bit:
            return None
        found = index.present.get(text)
        return None if found is None else bool(found & self.bit)


class _Scanner:
    """A hyperscan database with a scratch space per thread, kept with the database: a scratch
    is valid for its own database only (one cached by ``id(db)`` would outlive it, and a new
    database at the same address would be handed a stale scratch)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.local = threading.local()
        self.mine: tuple[int, Any] = (-1, None)   # the last thread to scan, and its scratch

    def scan(self, text: str) -> list[tuple[int, int]]:
        """(expression id, end) of every match in ``text`` read as ASCII, every other character as "?"."""
        return self.scan_ascii(text.encode("ascii", "replace"))

    def scan_ascii(self, data: bytes) -> list[tuple[int, int]]:
        """:meth:`scan` of a text already read as ASCII (``text.encode("ascii", "replace")``)."""
        mine = self.mine                       # one read: the id and scratch go together
        ident = _get_ident()
        if mine[0] == ident:
            scratch = mine[1]
        else:
            scratch = getattr(self.local, "scratch", None)
            if scratch is None:
                scratch = self.local.scratch = _hs.Scratch(self.db)
            self.mine = (ident, scratch)
        hits: list[tuple[int, int]] = []
        # Positional: (data, match_event_handler, flags, context, scratch). With keywords the
        # binding's argument parsing cost more than scanning a sentence (1.9 against 0.6 µs a call).
        self.db.scan(data, _collect, 0, hits, scratch)
        return hits


def _collect(number: int, start: int, end: int, flags: int, hits: list[tuple[int, int]]) -> None:
    """hyperscan's match handler: note which expression matched (its id), and where it ended."""
    hits.append((number, end))


_CASELESS: Final = 1                # hyperscan's HS_FLAG_CASELESS


def _database(expressions: list[str], flags: list[int] | None = None) -> Any:
    """A hyperscan block-mode database of the expressions, each with its position as id.

    Compiling the extractor's takes a tenth of a second, in every process (each worker of a
    parallel run): a database of many expressions is kept on disk, keyed by the expressions,
    their flags and the hyperscan version, and loaded (hyperscan checks it suits this CPU).
    A small one compiles in a millisecond or two, and is not kept."""
    if len(expressions) < _STORED_MIN:
        return _compiled(expressions, flags)
    key = hashlib.sha256(json.dumps([expressions, flags, hyperscan_version()]).encode()).hexdigest()[:16]
    stored = user_cache_dir() / f"index-{key}.hsdb"
    try:
        return _hs.loadb(stored.read_bytes(), _hs.HS_MODE_BLOCK)
    except (OSError, _hs.HyperscanError):
        pass
    db = _compiled(expressions, flags)
    store_in_cache(stored.name, _hs.dumpb(db))            # a read-only home: compiled each time
    return db


_STORED_MIN: Final = 32             # expressions: a database this big is worth keeping on disk


def _compiled(expressions: list[str], flags: list[int] | None) -> Any:
    db = _hs.Database()
    db.compile(expressions=[e.encode("ascii") for e in expressions], ids=list(range(len(expressions))),
               elements=len(expressions), flags=flags if flags is not None else 0)
    return db


def _by_start(words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, gate bits) of a sentence's gate words, in order of start, one entry a start with
    the bits of every word that starts there ("hundred" and "hundreds"): sorted once per
    sentence, so a gate's starts are read off in order."""
    if len(words) < 2:
        return words
    # Hits come mostly in order of end, so the starts mostly in order: sorted only when not,
    # and a list already in order with each start once is the answer itself.
    previous = -1
    repeats = False
    for start, _ in words:
        if start < previous:
            words = sorted(words)
            repeats = True
            break
        repeats = repeats or start == previous
        previous = start
    if not repeats:
        return words
    merged = [words[0]]
    for start, bits in words[1:]:
        last_start, last_bits = merged[-1]
        if start == last_start:
            merged[-1] = (start, last_bits | bits)
        else:
            merged.append((start, bits))
    return merged


class ArticleIndex:
    """Finds, in one hyperscan pass over an article, which gates each sentence passes.

    Without hyperscan (or with ``enabled`` False) it indexes nothing and every pattern scans."""

    def __init__(self, gates: Iterable[Gate], enabled: bool = True) -> None:
        self.gates = [g for g in gates if g.expressions]
        self.covered = 0
        self.db: _Scanner | None = None
        # Each expression once, with the bits of every gate it belongs to ("one" is a number
        # word for three gates): one match, one call back.
        masks: dict[tuple[str, int], int] = {}
        word_masks: dict[tuple[str, int], int] = {}    # the gates an expression is a word of
        sizes: dict[tuple[str, int], int] = {}
        for gate in self.gates:
            self.covered |= gate.bit
            for key in zip(gate.expressions, gate.flags):
                masks[key] = masks.get(key, 0) | gate.bit
            for key, size in zip(zip(gate.expressions, gate.flags), gate.sizes if gate.words_only else []):
                word_masks[key] = word_masks.get(key, 0) | gate.bit
                sizes[key] = size
        self.ids = {key: number for number, key in enumerate(masks)}
        self.bits = list(masks.values())              # by expression id
        self.word_bits = [word_masks.get(e, 0) for e in masks]
        self.sizes = [sizes.get(e, 0) for e in masks]
        if enabled and _hs is not None and masks:
            self.db = _Scanner(_database([e for e, _ in masks], [f for _, f in masks]))

    @property
    def active(self) -> bool:
        return self.db is not None

    def presence(self, texts: Iterable[str]) -> dict[str, int]:
        """For each text whose lower-casing is exact, the bits of the gates it passes."""
        return self.read(texts).present

    def read(self, texts: Iterable[str]) -> _Indexed:
        """What :meth:`presence` finds, with where each gate word starts in each text: the
        texts are read as one article, a line each."""
        listed = list(texts)
        spans: list[tuple[int, int]] = []
        at = 0
        for text in listed:
            spans.append((at, at + len(text)))
            at += len(text) + 1
        joined = "\n".join(listed)
        return self.read_article(listed, spans, self.scan(joined))

    def scan(self, article: str) -> list[tuple[int, int]]:
        """(expression id, end) of every hit in an article ([] without hyperscan)."""
        return self.db.scan(article) if self.db is not None else []

    def scan_ascii(self, data: bytes) -> list[tuple[int, int]]:
        """:meth:`scan` of an article already read as ASCII (``article.encode("ascii", "replace")``)."""
        return self.db.scan_ascii(data) if self.db is not None else []

    def hit(self, hits: list[tuple[int, int]], gates: list[Gate]) -> bool:
        """Does an expression of any of the gates hit among an article's hits?"""
        mask = 0
        for gate in gates:
            mask |= gate.bit
        bits = self.bits
        for number, _ in hits:
            if bits[number] & mask:
                return True
        return False

    def ends(self, gate: Gate, hits: list[tuple[int, int]]) -> list[int]:
        """Where the gate's expressions end among an article's hits, in order, each once."""
        bit, bits = gate.bit, self.bits           # an expression's bits hold the gates it belongs to
        found: list[int] = []
        for number, end in hits:
            if bits[number] & bit:
                found.append(end)
        # Usually none: no set to make and sort (hits come mostly in order of end).
        return found if len(found) < 2 else sorted(set(found))

    def read_article(self, texts: list[str], spans: list[tuple[int, int]], hits: list[tuple[int, int]]) -> _Indexed:
        """The index of an article's sentences, ``texts[k]`` at ``spans[k]`` in it (in order),
        from the article's hits. A hit counts for the sentence it ends in or after (up to the
        next one); a word's start, only inside its sentence. A sentence whose lower-casing is
        not exact is left out: its patterns scan. A sentence written twice gets what either
        place finds."""
        if self.db is None:
            return _Indexed({}, {}, self.covered)
        if len(texts) == 1:
            return self._read_one(texts[0], spans[0][0], hits)
        starts = [start for start, _ in spans]
        present = [0] * len(texts)
        words: list[list[tuple[int, int]]] = [[] for _ in texts]
        bits, word_bits, sizes = self.bits, self.word_bits, self.sizes
        n = len(starts)
        k = -1
        for number, end in hits:
            # k: the last sentence starting at or before the hit's last character. Hits come
            # mostly in order of end, so k steps forward; one out of order is looked up.
            last = end - 1
            if k >= 0 and last < starts[k]:
                k = bisect_right(starts, last) - 1
            else:
                while k + 1 < n and starts[k + 1] <= last:
                    k += 1
            if k < 0:
                continue
            present[k] |= bits[number]
            if word_bits[number]:
                start = end - sizes[number] - starts[k]
                if start >= 0:
                    words[k].append((start, word_bits[number]))
        found: dict[str, int] = {}
        where: dict[str, list[tuple[int, int]]] = {}
        inexact: set[str] = set()
        for k, text in enumerate(texts):
            known = found.get(text)
            if known is None:
                if text in inexact:
                    continue
                if not lowers_exactly(text):
                    inexact.add(text)
                    continue
                found[text] = present[k]
                where[text] = _by_start(words[k])
            else:                                  # written again: usually the very same hits
                found[text] = known | present[k]
                again = _by_start(words[k])
                if again != where[text]:
                    where[text] = _by_start(where[text] + again)
        return _Indexed(found, where, self.covered)

    def _read_one(self, text: str, first: int, hits: list[tuple[int, int]]) -> _Indexed:
        """:meth:`read_article` of an article of one sentence, at ``first``: every hit ending
        after the sentence's first character is its own."""
        if not lowers_exactly(text):
            return _Indexed({}, {}, self.covered)
        bits, word_bits, sizes = self.bits, self.word_bits, self.sizes
        present = 0
        words: list[tuple[int, int]] = []
        for number, end in hits:
            if end - 1 < first:
                continue
            present |= bits[number]
            if word_bits[number]:
                start = end - sizes[number] - first
                if start >= 0:
                    words.append((start, word_bits[number]))
        return _Indexed({text: present}, {text: _by_start(words)}, self.covered)

    def begin(self, texts: Iterable[str]) -> Any:
        """Index an article's sentences for this thread; give the result to :meth:`end`."""
        previous = _current()
        _set_current(self.read(texts) if self.db is not None else None)
        return previous

    def begin_article(self, texts: list[str], spans: list[tuple[int, int]], hits: list[tuple[int, int]]) -> Any:
        """:meth:`begin` for an article already scanned (:meth:`scan`), its sentences at ``spans``."""
        previous = _current()
        _set_current(self.read_article(texts, spans, hits) if self.db is not None else None)
        return previous

    @staticmethod
    def end(previous: Any) -> None:
        _set_current(previous)

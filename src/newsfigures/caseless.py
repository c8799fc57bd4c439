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

import re
import sys
from typing import Iterable, Iterator

# Characters besides ASCII that have no case: lower-casing leaves them alone and
# IGNORECASE matches them only to themselves (Latin-1 punctuation but the micro
# sign, general punctuation, currency signs). Tested character by character.
_SAFE_TEXT = re.compile(r"[\x00-\x7f\u00a0-\u00b4\u00b6-\u00bf\u2000-\u206f\u20a0-\u20cf]*")

# What \s matches (str.isspace), one literal each: a fast pattern must not start with a class.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

_last: tuple[str, str | None] = ("", "")


def exact_lower(text: str) -> str | None:
    """``text.lower()`` when a lower-case pattern finds in it exactly what the same pattern
    finds in ``text`` under IGNORECASE; None for text that must take the slow path."""
    return text.lower() if text.isascii() or _SAFE_TEXT.fullmatch(text) else None


def lowered(text: str) -> str | None:
    """:func:`exact_lower`, remembered for the last text: a sentence's patterns ask in turn.
    A one-off piece of text (a window cut from a sentence) should call ``exact_lower`` so the
    sentence's answer stays remembered."""
    global _last
    last = _last
    if last[0] is text:                   # the same sentence, asked again by the next pattern
        return last[1]
    low = exact_lower(text)
    _last = (text, low)
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
GATES = {r"\b": r"[^0-9A-Za-z_](?<!\w)", r"(?<![\w-])": r"[^0-9A-Za-z_-](?<![\w-])"}


def gated(before: str, body: str) -> "Caseless":
    """``before + body`` under IGNORECASE, with a twin that consumes what ``before`` (a key of
    GATES) looks behind at. Every match of ``body`` must start with a word character."""
    return Caseless(before + body, GATES[before] + body, gated=True)


def words(vocabulary: Iterable[str], before: str = r"\b", after: str = r"\b") -> "Caseless":
    """``before(?:word|…)after`` under IGNORECASE, with a gated twin (see :class:`Caseless`).

    A vocabulary with a word that starts with anything else ("'s") has the same pattern as its
    twin, run case-sensitively on the lower-cased text: the gate would not be ``before`` there."""
    listed = sorted({str(w).lower() for w in vocabulary if str(w)})
    body = "(?:" + alternation(listed or ["$^"]) + ")" + after
    if not all(re.match(r"\w", w) for w in listed):
        return Caseless(before + body, before + body)
    return gated(before, body)


class Caseless:
    """A case-insensitive pattern (``slow``) with a twin that finds its matches faster.

    The twin runs case-sensitively on the lower-cased text, in one of two forms:
    - it starts with a literal per alternative ("b(?<!\\w.)ut|a(?<!\\w.)lthough" for
      "\\bbut|\\balthough"), and matches where ``slow`` matches; or
    - ``gated``: it consumes the one character before the match instead of looking
      behind at it ("\\W(?:said|says)" for "\\b(?:said|says)"), so sre jumps from one
      non-word character to the next; a match then starts one character after the
      twin's, and a match right at ``pos``, which the twin cannot see, is tried first.
    Each found match is re-read by ``slow`` at its start, so callers get ``slow``'s
    own match objects.
    """

    __slots__ = ("slow", "fast", "gated")

    def __init__(self, slow: str, fast: str, flags: int = 0, gated: bool = False) -> None:
        self.slow = re.compile(slow, flags | re.I)
        self.fast = re.compile(fast, flags)
        self.gated = gated

    @property
    def pattern(self) -> str:
        return self.slow.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        low = lowered(text)
        if low is None:
            return self.slow.finditer(text, pos, endpos)
        if self.gated:
            return self._gated(text, low, pos, endpos)
        return self._reread(text, self.fast.finditer(low, pos, endpos), endpos)

    def _reread(self, text: str, found: Iterator[re.Match[str]], endpos: int) -> Iterator[re.Match[str]]:
        match = self.slow.match
        for m in found:
            yield match(text, m.start(), endpos)  # type: ignore[misc]

    def _gated(self, text: str, low: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        match, search = self.slow.match, self.fast.search
        while True:
            m = match(text, pos, endpos)
            if m is None:
                found = search(low, pos, endpos)
                if found is None:
                    return
                m = match(text, found.start() + 1, endpos)
            yield m  # type: ignore[misc]
            pos = m.end()  # type: ignore[union-attr]

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        low = lowered(text)
        if low is None:
            return self.slow.search(text, pos, endpos)
        if self.gated:
            return next(self._gated(text, low, pos, endpos), None)
        m = self.fast.search(low, pos, endpos)
        return self.slow.match(text, m.start(), endpos) if m else None

"""Split article text into sentences that keep their character offsets.

Rules, not a model: a line (headline, caption, list item) is always a
sentence of its own; inside a line, a sentence ends at . ! ? followed by a
capital, except after known abbreviations. News pages often glue a caption
to the next paragraph ("…this morningA huge explosion…"); such seams are
split too, so a repeated caption is recognised as a repeat.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final, Iterable

from . import caseless

ABBREVIATIONS: Final = {
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "cpt", "maj", "prof",
    "rev", "jr", "sr", "gov", "sen", "rep", "pres", "u.n", "u.s", "u.k", "e.u", "no", "nos",
    "vs", "etc", "e.g", "i.e", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "inc", "ltd", "co", "corp",
    "fig", "vol", "op", "mt", "ft", "col.-gen", "lt.-gen", "adm", "brig", "cmdr", "cdr",
}

# Words that begin a new sentence when glued to a capitalised word ("MariupolThe").
SENTENCE_STARTERS: Final = {"The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "They",
                     "We", "In", "On", "At", "As", "But", "And", "Pictured", "Here", "There"}

# Both run once over the whole text; neither crosses a line end ([^\S\n] is \s within a line).
_END: Final = re.compile(r"[.!?]+['\"’”)\]]*(?=[^\S\n]+['\"‘“(\[]?[A-Z0-9•])")
# A caption glued to the next sentence continues with a capitalised word and a
# space ("morningA huge", "rubblePeople gather"); camelCase ("setAttribute(")
# does not. The match starts at the capital, so sre skips from capital to capital.
_GLUE: Final = re.compile(r"[A-Z](?<=[a-z]{2}[.!?)’'\"”a-z][A-Z])(?=[a-z]*[^\S\n])")
# Where _GLUE can match, found by hyperscan in one pass: two letters and a mark or letter right
# before a capital (in hyperscan's ASCII reading ’ and ” are "?", already a mark here); _GLUE
# then reads only there.
# As marks in an article index (see caseless.Gate.marks): the extractor's, which has scanned the
# article already (split_sentences' ``glue``), or this module's own, for a text alone.
GLUE_GATE: Final = caseless.Gate.marks(r"[a-z]{2}[.!?)'\"a-z][A-Z]", 1, caseless=False)
_GLUE_INDEX: Final = caseless.ArticleIndex([GLUE_GATE])
# What a sentence key folds in ASCII text, besides the line end no sentence holds: ASCII
# whitespace other than the space, and two spaces. Marked in the extractor's article index
# (where each ends), so the key of a sentence with no mark needs no test of its own.
SPACES_GATE: Final = caseless.Gate.marks(r"[\t\x0b\x0c\r\x1c-\x1f]|  ", 1, caseless=False)
_GLUE_PASS_MIN: Final = 1000      # characters: below this, hyperscan's call costs more than _GLUE's own scan
_CAPITALISED: Final = re.compile(r"[A-Z][a-z]*")
_WORD_BEFORE_DOT: Final = re.compile(r"([A-Za-z.]+)$")


# init=False and an __init__ of its own: mypyc compiles that (a dataclass's generated __init__
# runs as Python, and slots=True would replace the compiled class with a Python one).
@dataclass(init=False)
class Sentence:
    index: int
    start: int
    end: int
    text: str

    def __init__(self, index: int, start: int, end: int, text: str) -> None:
        self.index, self.start, self.end, self.text = index, start, end, text


def _glued_seams(text: str, line_starts: list[int], ends: list[int] | None = None) -> list[int]:
    """Positions where a caption runs into the next sentence without a space (``ends``: where
    the glue expression ends in ``text``, when known)."""
    seams = []
    if ends is None and len(text) >= _GLUE_PASS_MIN:
        ends = _glue_ends(text)
    found: Iterable[re.Match[str] | None] = (
        _GLUE.finditer(text) if ends is None else [_GLUE.match(text, end - 1) for end in ends])
    for match in found:
        if match is None:
            continue
        pos = match.start()
        line_start = line_starts[bisect_right(line_starts, pos) - 1]
        token_start = max(text.rfind(" ", line_start, pos), line_start - 1) + 1
        letters = text[token_start:pos].strip("'\"‘“(")
        following = _CAPITALISED.match(text, pos)
        starter = following is not None and following.group(0) in SENTENCE_STARTERS
        if len(letters) < 3 or (not letters[0].islower() and not starter):
            continue                                   # iPhone, McDonald, PleasanceElmira
        seams.append(pos)
    return seams


def _glue_ends(text: str) -> list[int] | None:
    """Where GLUE_GATE's expression ends in ``text``, in order (None without hyperscan)."""
    return _GLUE_INDEX.ends(GLUE_GATE, _GLUE_INDEX.scan(text)) if _GLUE_INDEX.active else None


def _ends(text: str) -> list[re.Match[str]]:
    """What ``_END.finditer(text)`` finds. Each match starts at a '.', '!' or '?', and
    ``str.find`` jumps from one to the next, where sre would test every character."""
    marks: list[int] = []
    for char in ".!?":
        pos = text.find(char)
        while pos >= 0:
            marks.append(pos)
            pos = text.find(char, pos + 1)
    marks.sort()
    found: list[re.Match[str]] = []
    done = 0
    size = len(text)
    for pos in marks:
        if pos < done or pos + 1 >= size or text[pos + 1] == "\n":
            continue                                # inside the last match ("..."), or at a line's end
        match = _END.match(text, pos)
        if match:
            found.append(match)
            done = match.end()
    return found


def _boundaries(text: str, line_starts: list[int], glue: list[int] | None = None) -> list[int]:
    """Where sentences end inside lines, as positions in ``text``."""
    cuts: list[int] = []
    for match in _ends(text):
        start = match.start()
        line_start = line_starts[bisect_right(line_starts, start) - 1]
        word = _WORD_BEFORE_DOT.search(text, max(line_start, start - 40), start)
        token = (word.group(1) if word else "").lower().rstrip(".")
        if text[start] == "." and (token in ABBREVIATIONS or (len(token) == 1 and "a" <= token <= "z")):
            continue
        cuts.append(match.end())
    cuts.extend(_glued_seams(text, line_starts, glue))
    return sorted(set(cuts))


def split_sentences(text: str, glue: list[int] | None = None) -> list[Sentence]:
    """Sentences with offsets into ``text``; ``text[s.start:s.end] == s.text``. ``glue``: where
    GLUE_GATE's expression ends in ``text``, from an article index that has scanned it."""
    sentences: list[Sentence] = []
    if glue is not None and not glue and _one_sentence(text):
        _add_sentence(sentences, text, 0)
        return sentences
    lines = text.split("\n")
    line_starts = []
    pos = 0
    for line in lines:
        line_starts.append(pos)
        pos += len(line) + 1
    cuts = _boundaries(text, line_starts, glue)
    k = 0
    for line, line_start in zip(lines, line_starts):
        line_end = line_start + len(line)
        inner: list[int] = []
        while k < len(cuts) and cuts[k] <= line_end:
            inner.append(cuts[k] - line_start)
            k += 1
        if not line or line.isspace():
            continue
        if not inner:                        # the usual line: no sentence ends inside it
            _add_sentence(sentences, line, line_start)
            continue
        bounds = [0] + inner + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            _add_sentence(sentences, line[a:b], line_start + a)
    return sentences


def _one_sentence(text: str) -> bool:
    """Is ``text`` one line with no '.', '!' or '?' before its last character? Then no sentence
    ends inside it (each end :func:`_ends` finds is followed by more of the line), and with no
    glue found in it, it is one sentence: a sentence given alone, as often as not."""
    last = len(text) - 1
    return "\n" not in text and text.find(".", 0, last) < 0 and text.find("!", 0, last) < 0 and text.find("?", 0, last) < 0


def _add_sentence(sentences: list[Sentence], chunk: str, start: int) -> None:
    """``chunk`` (at ``start``) as the next sentence, less the spaces around it, when it holds a
    letter or digit."""
    stripped = chunk.strip()
    if not stripped or not (stripped[0].isalnum() or any(ch.isalnum() for ch in stripped)):
        return
    if chunk[0].isspace():
        start += len(chunk) - len(chunk.lstrip())
    sentences.append(Sentence(len(sentences), start, start + len(stripped), stripped))


# What str.split() splits on in ASCII text, besides the space.
_ASCII_WHITESPACE: Final = ("\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f")


def sentence_key(text: str) -> str:
    """What makes two sentences 'the same' for de-duplication."""
    if "  " not in text and (_no_ascii_whitespace(text) if text.isascii() else text.isprintable()):
        # No whitespace but lone spaces (beyond ASCII, every other whitespace character is not
        # printable): joining the split words would give the text back, less its end spaces.
        return text.lower().strip(" .")
    return " ".join(text.split()).lower().strip(" .")


def sentence_keys(texts: list[str], spans: list[tuple[int, int]], spaces: list[int] | None) -> list[str]:
    """:func:`sentence_key` of each sentence of an article (``texts[k]`` at ``spans[k]``, in
    order), given where SPACES_GATE's expression ends in it (``spaces``; None: not known). An
    ASCII sentence with no such mark inside has nothing to fold: its key needs no test."""
    if spaces is None:
        return [sentence_key(text) for text in texts]
    keys: list[str] = []
    m, n = 0, len(spaces)
    for text, (start, end) in zip(texts, spans):
        while m < n and spaces[m] <= start:
            m += 1
        if text.isascii() and not (m < n and spaces[m] <= end):
            keys.append(text.lower().strip(" ."))
        else:
            keys.append(sentence_key(text))
    return keys


def _no_ascii_whitespace(text: str) -> bool:
    """No ASCII whitespace but the space in ``text``: one ``in`` test (a memchr) per character,
    where ``isprintable`` looks up every character of the text."""
    for space in _ASCII_WHITESPACE:
        if space in text:
            return False
    return True

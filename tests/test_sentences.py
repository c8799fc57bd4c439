"""Sentence splitting keeps offsets and separates lines, captions and glued seams."""

from hypothesis import given, settings
from hypothesis import strategies as st

from newsfigures.sentences import sentence_key, sentence_keys, split_sentences


def test_offsets_point_into_the_text():
    text = "Headline here\n\nMr Smith said 8 died. The U.N. said more.\n  • A list item;\n"
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text
    assert [s.text for s in split_sentences(text)] == [
        "Headline here", "Mr Smith said 8 died.", "The U.N. said more.", "• A list item;"]


def test_glued_caption_is_split_from_the_next_sentence():
    text = "Rescuers work in Kyiv this morningA huge explosion has rocked a mall."
    assert [s.text for s in split_sentences(text)] == [
        "Rescuers work in Kyiv this morning", "A huge explosion has rocked a mall."]


def test_names_with_inner_capitals_are_not_split():
    assert len(split_sentences("McDonald and YouTube and iPhone users met PleasanceElmira.")) == 1


def test_repeated_captions_share_a_key():
    assert sentence_key(" The blast smashed the mall ") == sentence_key("The blast smashed the mall.")


def test_camel_case_is_not_a_glued_seam():
    text = "Police said document.body.setAttribute('x') was found and 8 died."
    assert [s.text for s in split_sentences(text)] == [text]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", "İ", ".", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u3000", "\u200b",
                                 "\x1f", "\x85", "Kyiv", "’", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x07",
                                 "\x7f"]), max_size=20).map("".join))
def test_sentence_key_is_the_normalised_text(text):
    assert sentence_key(text) == " ".join(text.split()).lower().strip(" .")


def test_sentence_key_folds_every_ascii_whitespace_character() -> None:
    for space in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        assert sentence_key(f"Ten{space}died.") == "ten died", repr(space)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", "İ", ".", " ", "  ", "   ", "\t", "\n", "\n\n", "\u00a0", "\x1f", "\x85",
                                 "\u2009", "\u3000", "\u200b", "Kyiv", "’", "\x0b", "\x0c", "\r", "\x1c",
                                 " 8 died. ", "The", "THE", "\x07"]),
                max_size=30).map("".join))
def test_sentence_keys_of_an_article_are_each_sentences_key(article):
    # The article index's marks stand in for each sentence's own whitespace test.
    from newsfigures.caseless import ArticleIndex
    from newsfigures.sentences import SPACES_GATE

    sentences = split_sentences(article)
    texts, spans = [s.text for s in sentences], [(s.start, s.end) for s in sentences]
    expected = [sentence_key(text) for text in texts]
    assert sentence_keys(texts, spans, None) == expected
    index = ArticleIndex([SPACES_GATE])
    if index.active:
        assert sentence_keys(texts, spans, index.ends(SPACES_GATE, index.scan(article))) == expected


def test_sentence_keys_fold_whitespace_wherever_the_index_marks_it():
    from newsfigures.caseless import ArticleIndex
    from newsfigures.sentences import SPACES_GATE

    article = "Ten  died.\nTen died\n\tTen\x0bdied.\nTen\u00a0died.\nTen\rdied"
    sentences = split_sentences(article)
    texts, spans = [s.text for s in sentences], [(s.start, s.end) for s in sentences]
    index = ArticleIndex([SPACES_GATE])
    marks = index.ends(SPACES_GATE, index.scan(article)) if index.active else None
    assert sentence_keys(texts, spans, marks) == ["ten died"] * 5


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(list("ab A.!?'’\"\n\r\t\u00a0(") + ["U.S.", "Feb. ", "said.", " Then"]),
                     max_size=30).map("".join))
def test_a_line_without_inner_ends_is_split_as_the_general_path_splits_it(text: str) -> None:
    """With no glue found (``glue=[]``), a line whose only '.', '!' or '?' is its last character
    is taken as one sentence at once: the same sentences the line-by-line path gives."""
    from newsfigures import sentences

    if sentences._GLUE.search(text) is not None:
        return                                   # the index would have found glue: not this path
    fast = split_sentences(text, [])
    general = split_sentences(text)              # no index: seams are looked for, none found
    assert [(s.index, s.start, s.end, s.text) for s in fast] == [(s.index, s.start, s.end, s.text) for s in general]
    if sentences._one_sentence(text):
        assert len(fast) <= 1

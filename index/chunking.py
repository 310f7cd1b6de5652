"""Sentence splitting and passages: overlapping runs of whole sentences, each within the model's limit."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]
TokenCounter = Callable[[Sequence[str]], list[int]]

# Candidate ends: terminal punctuation, maybe closing quotes/brackets, then space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
# What may open the next sentence: a capital letter, a digit or an opening quote/bracket.
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[]?[A-ZА-ЯЁ0-9]")
_ABBREVIATION_WORDS = """
    mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep pres jr sr vs etc e.g i.e
    u.s u.k u.n no nos jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp dept est
    approx fig al mt ft rev hon г гг т.е т.д т.п им ул см др тыс млн млрд руб пр проф
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


@dataclass(frozen=True)
class Passage:
    """A run of consecutive sentences of one article, with exact character spans in its text."""

    id: int
    article_id: str
    start: int
    end: int
    sentences: tuple[Span, ...]


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at `dot` ends an abbreviation or an initial rather than a sentence."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“«":
        word_start -= 1
    word = text[word_start:dot].lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in _ABBREVIATIONS


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of a text; paragraph breaks always end a sentence."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for end_match in _SENTENCE_END.finditer(text, para.start(), para.end()):
            end = end_match.end()
            if not _NEXT_START.match(text, end, para.end()):
                continue
            if text[end_match.start()] == "." and _is_abbreviation(text, end_match.start()):
                continue
            spans.append(_trimmed(text, start, end))
            start = end
        if text[start : para.end()].strip():
            spans.append(_trimmed(text, start, para.end()))
    return [span for span in spans if span[1] > span[0]]


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fit_to_limit(text: str, span: Span, limit: int, count: TokenCounter) -> list[Span]:
    """Split a span that is over `limit` tokens into consecutive word-bounded pieces under it."""
    if count([text[span[0] : span[1]]])[0] <= limit:
        return [span]
    cuts = [m.start() for m in re.finditer(r"\s+", text[span[0] : span[1]])]
    # At the middle space; one unbreakable run of characters is cut in half.
    middle = span[0] + cuts[len(cuts) // 2] if cuts else (span[0] + span[1]) // 2
    left, right = _trimmed(text, span[0], middle), _trimmed(text, middle, span[1])
    return fit_to_limit(text, left, limit, count) + fit_to_limit(text, right, limit, count)


def split_article(
    text: str, count: TokenCounter, max_tokens: int, sentences_per_passage: int = 3, overlap: int = 1
) -> tuple[list[Span], list[tuple[int, int]]]:
    """An article's sentences (each within `max_tokens`) and its passages as runs (first sentence, count)."""
    sentences = [piece for span in split_sentences(text) for piece in fit_to_limit(text, span, max_tokens, count)]
    if not sentences:
        return [], []
    tokens = count([text[s:e] for s, e in sentences])
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j, used = i, 0
        while j < len(sentences) and j - i < sentences_per_passage and used + tokens[j] <= max_tokens:
            used += tokens[j]
            j += 1
        j = max(j, i + 1)  # a sentence is never dropped, even if the counter disagrees with the split
        runs.append((i, j - i))
        if j >= len(sentences):
            break
        i = max(i + 1, j - overlap)
    return sentences, runs


def chunk_text(
    article_id: str,
    text: str,
    count: TokenCounter,
    max_tokens: int,
    sentences_per_passage: int = 3,
    overlap: int = 1,
    first_id: int = 0,
) -> list[Passage]:
    """Overlapping passages of up to `sentences_per_passage` sentences and `max_tokens` tokens."""
    sentences, runs = split_article(text, count, max_tokens, sentences_per_passage, overlap)
    passages: list[Passage] = []
    for first, n in runs:
        run = tuple(sentences[first : first + n])
        passages.append(Passage(first_id + len(passages), article_id, run[0][0], run[-1][1], run))
    return passages

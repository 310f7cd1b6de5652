"""BM25 over passages as postings (numpy), with a score normalized per question so it can be thresholded; the
tokenizer; each sentence's terms, kept by a build for searches to read.

A question is scored over the postings of its own terms only, so its cost grows with how common its
words are, not with the number of passages. The postings are plain arrays, written and memory-mapped
as `.npy` files, and built in one vectorized pass from each passage's term ids.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from index.irregular import BASE_WORDS
from index.languages import Language, known_lemmas, lemma, same_names, script_language, word_language

# A Cyrillic word keeps its inner apostrophes (Ukrainian "перемир'я"); any other word is a run of \w as before.
_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC_TOKEN = re.compile(r"[а-яёіїєґ]+(?:['’ʼ`][а-яёіїєґ]+)+|\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
# An acronym written with dots, in capitals: "U.S.", "E.U." stand for "US", "EU" (not "p.m.", nor «В.В.»).
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}(?!\w)")
# The US in capitals, with or without its dots or its A, is one token ("usa"), never the pronoun "us".
_US = re.compile(r"(?<![\w.])USA?(?!\w)")
_ACCENTS = re.compile("[\u0300-\u036f]")  # the combining marks Latin letters take
# Latin letters no Unicode decomposition takes to a plain letter (Turkish ı, Polish ł).
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ə": "a"})
K1 = 1.5
B = 0.75
VOCABULARY = "vocabulary.txt"
ARRAYS = ("indptr", "docs", "tf", "doc_len")
SENTENCE_TERMS, SENTENCE_TERM_ROWS = "sentence_terms.npy", "sentence_term_rows.npy"  # `SentenceTerms`
# Bump when `tokenize` changes: cached articles are then tokenized anew (`tokenizer_fingerprint`).
# 3: Latin letters without their accents (Erdoğan: erdogan), acronyms without their dots (U.S.: us).
# 4: irregular English forms as their base words (met: meet; index/irregular.py).
# 5: the US in capitals (US, U.S., USA) one token apart from the pronoun "us"; Turkish İ an I.
# 6: a name's other English spellings as its first in the glossary (Kiev: kyiv; `same_names`).
TOKENIZER_VERSION = 6
# The packages whose versions `tokenize` depends on: the English stemmer and the Russian and Ukrainian dictionaries.
TOKENIZER_LIBRARIES = ("PyStemmer", "pymorphy3", "pymorphy3-dicts-ru", "pymorphy3-dicts-uk")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from index.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN, STOPWORDS_UKRAINIAN

    # Question words carry the question's form, not its topic: "who" must not match "who is".
    question_words = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "does", "did"}
    question_words |= {"кто", "что", "какой", "какая", "какие", "когда", "где", "почему", "зачем", "как", "ли"}
    question_words |= {"хто", "що", "який", "яка", "яке", "які", "коли", "де", "чому", "навіщо", "як", "чи"}
    words = (*STOPWORDS_EN, *STOPWORDS_RUSSIAN, *STOPWORDS_UKRAINIAN, *question_words)
    return frozenset(w.replace("ё", "е") for w in words)


@lru_cache(maxsize=1)
def tokenizer_fingerprint() -> str:
    """What `tokenize` gives depends on besides its code (TOKENIZER_VERSION): the stop words, the glossary's
    lemmas that `lemma` prefers, the names' and irregular forms' other spellings, and the stemmer's and
    dictionaries' versions.
    Kept with each cached article's terms (tokenized anew when it changes) and in each index's manifest (an
    addition to an index tokenized otherwise is a full build)."""
    parts = [str(TOKENIZER_VERSION), *sorted(_stopwords()), "", *sorted(known_lemmas()), ""]
    parts += [*sorted(f"{form}:{base}" for form, base in _read_as().items()), ""]
    for package in TOKENIZER_LIBRARIES:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=absent")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


@lru_cache(maxsize=1)
def _english_stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball's English stem of a word in small letters, without its accents (Erdoğan: erdogan), of a name's
    first spelling in the glossary (Kiev: kyiv) and of an irregular form's base word ("met": "meet")."""
    if not word.isascii():
        word = latin_plain(word)
    return str(_english_stemmer().stemWord(_read_as().get(word, word)))  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _read_as() -> dict[str, str]:
    """The words `tokenize` reads as others: a name's other spellings (Kiev: kyiv), irregular forms (met: meet)."""
    return same_names() | BASE_WORDS


@lru_cache(maxsize=262144)
def _cyrillic_token(word: str, language: Language | None) -> str | None:
    """A Cyrillic word's lemma in its language (decided per word when not given), or None for a stop word."""
    word_lemma = lemma(word, language or word_language(word))
    return None if word_lemma in _stopwords() else word_lemma


def tokenize(text: str, language: Language | None = None) -> list[str]:
    """Lower-cased, stop-word-free tokens: English words stemmed (Snowball), Russian and Ukrainian ones lemmatized.

    A Cyrillic word is read in `language` when given ('en' counts as not given), else in the language the
    text's letters show, else in the language whose dictionary knows the word (Russian first).
    """
    stop = _stopwords()
    if "." in text:
        text = _DOTTED.sub(_undotted, text)
    if "US" in text:
        text = _US.sub("USA", text)
    if "İ" in text:  # Turkish: "İ".lower() is an i and a dot above, which would split İbrahim in two
        text = text.replace("İ", "I")
    lowered = text.lower().replace("ё", "е")
    if not _CYRILLIC.search(lowered):  # the English path, as fast as before Cyrillic had lemmas
        return [_stem(w) for w in _TOKEN.findall(lowered) if w not in stop]
    if language is None:  # a text with only Ukrainian letters (і ї є ґ) or only Russian ones (ы э ъ ё) says which
        language = script_language(text)
    tokens: list[str] = []
    for word in _CYRILLIC_TOKEN.findall(lowered):
        if word in stop:
            continue
        if _CYRILLIC.search(word):
            token = _cyrillic_token(word, None if language == "en" else language)
            if token is not None:
                tokens.append(token)
        else:
            tokens.append(_stem(word))
    return tokens


def _undotted(match: re.Match[str]) -> str:
    """A dotted acronym without its dots."""
    return match.group().replace(".", "")


def latin_plain(text: str) -> str:
    """A word in no Cyrillic script with the accents off its letters, as readers type names (Erdoğan: Erdogan,
    Maizière: Maiziere). Never for Cyrillic: й and ї are letters of their own."""
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS)))


def mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain ndarray (numpy's memmap class adds a Python call to every read)."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def idf(df: int, n_docs: int) -> float:
    """Lucene's BM25 inverse document frequency; a term in no document gets the highest."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class DocumentFrequencies(Mapping[str, int]):
    """How many passages hold each term, read off the postings."""

    ids: Mapping[str, int]
    indptr: np.ndarray

    def __getitem__(self, term: str) -> int:
        i = self.ids[term]
        return int(self.indptr[i + 1] - self.indptr[i])

    def __contains__(self, term: object) -> bool:
        return term in self.ids  # without reading the postings

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class LexicalIndex:
    """A BM25 index of passages: for each term, the passages holding it and how often (CSR postings)."""

    def __init__(
        self, terms: list[str], indptr: np.ndarray, docs: np.ndarray, tf: np.ndarray, doc_len: np.ndarray
    ) -> None:
        self.terms = terms
        self.ids = {t: i for i, t in enumerate(terms)}
        self.indptr, self.docs, self.tf, self.doc_len = indptr, docs, tf, doc_len
        self.n_docs = len(doc_len)
        self.df = DocumentFrequencies(self.ids, indptr)
        self._avgdl = float(doc_len.mean()) if len(doc_len) else 1.0

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Index passage texts."""
        terms: dict[str, int] = {}
        docs = [np.asarray([terms.setdefault(t, len(terms)) for t in tokenize(text)], np.int64) for text in texts]
        return cls.from_term_ids(list(terms), docs)

    @classmethod
    def from_term_ids(cls, terms: list[str], docs: Sequence[np.ndarray]) -> LexicalIndex:
        """Index passages given as arrays of ids into `terms`, in one vectorized pass."""
        doc_len = np.asarray([len(d) for d in docs], dtype=np.int32)
        if not len(terms) or not doc_len.sum():
            return cls(
                list(terms), np.zeros(len(terms) + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint16), doc_len
            )
        term = np.concatenate(docs).astype(np.int64)
        doc = np.repeat(np.arange(len(docs), dtype=np.int64), doc_len)
        keys, tf = np.unique(term * len(docs) + doc, return_counts=True)  # sorted by term, then passage
        counts = np.bincount(keys // len(docs), minlength=len(terms))
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        tf = np.minimum(tf, np.iinfo(np.uint16).max).astype(np.uint16)
        return cls(list(terms), indptr, (keys % len(docs)).astype(np.int32), tf, doc_len)

    def save(self, folder: Path) -> None:
        """Write the index into `folder`: the vocabulary, one term per line, and the postings arrays."""
        (folder / VOCABULARY).write_text("".join(f"{t}\n" for t in self.terms), encoding="utf-8")
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by `save`, its postings memory-mapped."""
        terms = (folder / VOCABULARY).read_text(encoding="utf-8").splitlines()
        arrays = [mapped(folder / f"{name}.npy") for name in ARRAYS]
        return cls(terms, *arrays)

    def damage(self) -> str | None:
        """What is inconsistent in the postings, or None."""
        indptr, docs = self.indptr, self.docs
        if len(indptr) != len(self.terms) + 1 or len(self.ids) != len(self.terms):
            return "the BM25 vocabulary does not fit its postings"
        if int(indptr[0]) != 0 or int(indptr[-1]) != len(docs) or len(self.tf) != len(docs):
            return "the BM25 postings have inconsistent lengths"
        if len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= self.n_docs):
            return "a BM25 posting names a passage that does not exist"
        return None

    def term_weights(self, tokens: Sequence[str]) -> dict[str, float]:
        """IDF of each distinct query term."""
        return {t: idf(self.df.get(t, 0), self.n_docs) for t in dict.fromkeys(tokens)}

    def matches(
        self, weights: dict[str, float], bound_weights: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The passages holding any query term (ascending ids) and their BM25, normalized as in `scores`.

        Only the postings of the query's terms are read. The bound is sum(idf * (k1 + 1)) over the
        query's terms, terms absent from the corpus included: a question about things the articles
        never mention scores near zero. With `bound_weights` (the question's own terms, when `weights`
        adds their equivalents in other languages) the bound is theirs and a score is at most 1.
        """
        bound = sum((weights if bound_weights is None else bound_weights).values()) * (K1 + 1)
        present = [(self.ids[t], w) for t, w in weights.items() if t in self.ids]
        if not present or bound <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows = np.asarray([r for r, _ in present], np.int64)
        starts, counts = self.indptr[rows], self.indptr[rows + 1] - self.indptr[rows]
        # The postings of all the terms in one read: each term's run of positions, one run after the other.
        at = np.arange(int(counts.sum())) + np.repeat(starts - np.cumsum(counts) + counts, counts)
        docs, tf = self.docs[at], self.tf[at].astype(np.float32)
        idfs = np.repeat(np.asarray([w for _, w in present], np.float32), counts)
        norm = K1 * (1.0 - B + B * self.doc_len[docs] / self._avgdl)
        contribution = idfs * tf / (tf + norm)  # Lucene's form, without the (k1 + 1) factor
        ids, where = np.unique(docs, return_inverse=True)
        scores = np.bincount(where, weights=contribution, minlength=len(ids)).astype(np.float32)
        scores /= np.float32(bound)
        return ids.astype(np.int64), np.minimum(scores, 1.0) if bound_weights is not None else scores

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """BM25 of every passage for the query terms (`term_weights`), divided by the best any passage could score."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        ids, scores = self.matches(weights)
        out[ids] = scores
        return out


@dataclass(frozen=True)
class SentenceTerms:
    """Each sentence's distinct terms, as ids into the BM25 vocabulary. A build tokenizes every sentence for BM25
    anyway; keeping its terms lets a search read them instead of tokenizing the sentences it scores again (for
    Russian and Ukrainian text, a dictionary lookup per new word). Sentence i's terms are
    `ids[rows[i]:rows[i + 1]]`, in ascending order (so an addition writes the bytes a whole build would).
    """

    ids: np.ndarray  # int32
    rows: np.ndarray  # (S + 1,) int64

    @classmethod
    def build(cls, sentence: np.ndarray, ids: np.ndarray, sentences: int, vocabulary: int) -> SentenceTerms:
        """From the term ids of every token (`ids`) and the sentence each is in (`sentence`), repeats allowed: one
        vectorized pass."""
        width = max(1, vocabulary)
        keys = np.unique(np.asarray(sentence, np.int64) * width + np.asarray(ids, np.int64))
        rows = np.concatenate([[0], np.cumsum(np.bincount(keys // width, minlength=sentences))]).astype(np.int64)
        return cls((keys % width).astype(np.int32), rows)

    def of(self, first: int, last: int) -> list[list[int]]:
        """The term ids of sentences `first` to `last` (rows of the whole index), one list per sentence."""
        rows = self.rows[first : last + 2].tolist()
        ids = self.ids[rows[0] : rows[-1]].tolist()
        return [ids[a - rows[0] : b - rows[0]] for a, b in zip(rows, rows[1:], strict=False)]

    def save(self, folder: Path) -> None:
        """Write the two arrays into `folder` (a generation's lexical folder)."""
        np.save(folder / SENTENCE_TERMS, self.ids.astype(np.int32), allow_pickle=False)
        np.save(folder / SENTENCE_TERM_ROWS, self.rows.astype(np.int64), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> SentenceTerms | None:
        """The arrays `save` wrote, memory-mapped; None for a generation built before they were kept (neither file
        there: one alone raises, as a damaged index)."""
        if not (folder / SENTENCE_TERM_ROWS).is_file() and not (folder / SENTENCE_TERMS).is_file():
            return None
        return cls(mapped(folder / SENTENCE_TERMS), mapped(folder / SENTENCE_TERM_ROWS))

    def damage(self, sentences: int, vocabulary: int) -> str | None:
        """What does not fit the index's sentences and vocabulary, or None."""
        ids, rows = self.ids, self.rows
        if ids.dtype != np.int32 or ids.ndim != 1:
            return "the sentences' terms are not one run of int32 term ids"
        if rows.dtype != np.int64 or rows.shape != (sentences + 1,):
            return "the sentences' terms do not fit the sentences"
        if int(rows[0]) != 0 or int(rows[-1]) != len(ids) or (np.diff(rows) < 0).any():
            return "the sentences' term rows do not run through their terms in order"
        if len(ids) and not 0 <= ids.min() <= ids.max() < vocabulary:
            return "the sentences' terms do not fit the BM25 vocabulary"
        return None


def appended_terms(both: LexicalIndex, added: LexicalIndex, terms: SentenceTerms) -> SentenceTerms:
    """`added`'s sentence terms as ids into the vocabulary of `both` (`merged` of the live index and `added`),
    ordered as a build of both would order them (their rows still start at 0)."""
    remap = np.asarray([both.ids[t] for t in added.terms], np.int64)
    sentences = len(terms.rows) - 1
    within = np.repeat(np.arange(sentences), np.diff(terms.rows))
    return SentenceTerms.build(within, remap[terms.ids], sentences, len(both.terms))


def merged(live: LexicalIndex, added: LexicalIndex) -> LexicalIndex:
    """`live`'s postings followed by `added`'s passages (numbered after live's), as one build of both would give.

    The vocabulary is live's, then added's terms live lacks in their order; each term's postings are live's
    then added's, so the arrays are exactly those of `from_term_ids` over all the passages (IDF comes from df
    at query time). Vectorized: one `np.insert` per array, no loop over terms.
    """
    new_terms = [t for t in added.terms if t not in live.ids]
    terms = live.terms + new_terms
    ids = {**live.ids, **{t: len(live.terms) + k for k, t in enumerate(new_terms)}}
    remap = np.asarray([ids[t] for t in added.terms], np.int64)
    starts = np.asarray(added.indptr, np.int64)
    counts = starts[1:] - starts[:-1]
    term = remap[np.repeat(np.arange(len(added.terms)), counts)] if len(added.terms) else np.zeros(0, np.int64)
    order = np.argsort(term, kind="stable")  # by merged term; passages stay ascending within a term
    term = term[order]
    live_indptr = np.concatenate([np.asarray(live.indptr, np.int64), np.full(len(new_terms), live.indptr[-1])])
    where = live_indptr[term + 1]  # each added posting goes after its term's live postings
    docs = np.insert(np.asarray(live.docs), where, np.asarray(added.docs)[order] + np.int32(live.n_docs))
    tf = np.insert(np.asarray(live.tf), where, np.asarray(added.tf)[order])
    indptr = live_indptr + np.concatenate([[0], np.cumsum(np.bincount(term, minlength=len(terms)))])
    doc_len = np.concatenate([np.asarray(live.doc_len), np.asarray(added.doc_len)])
    return LexicalIndex(terms, indptr.astype(np.int64), docs.astype(np.int32), tf.astype(np.uint16), doc_len)

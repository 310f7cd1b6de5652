"""The embedder shared by threads: the build tokenizes the next group while it encodes the current one, and
questions from any thread are encoded on the question thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from index.embedder import SentenceTransformerEmbedder, _mean_pooled

pytestmark = pytest.mark.model

TEXTS = ["Talks in Istanbul. " * 60, "A short one.", "Prisoners were exchanged after the second round of talks."]


def test_tokenizing_in_another_thread_never_changes_the_padding(real_embedder: SentenceTransformerEmbedder) -> None:
    stop = threading.Event()

    def count_elsewhere() -> None:  # what the splitting thread of a build does meanwhile
        while not stop.is_set():
            real_embedder.count_tokens(TEXTS * 10)

    other = threading.Thread(target=count_elsewhere)
    other.start()
    try:
        dtypes = {str(real_embedder._features(TEXTS)[0].dtype) for _ in range(400)}
    finally:
        stop.set()
        other.join(timeout=30)
    assert dtypes == {"int64"}


QUESTIONS = ["Who leads the Russian delegation?", "When was the grain deal signed?", "Где прошли переговоры?"]


def test_every_question_is_encoded_on_one_thread_whichever_thread_asks(
    real_embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def here(question: str) -> np.ndarray:  # as one question was encoded before: on the caller's thread
        ids, mask, _ = real_embedder._features([question])
        return _mean_pooled(real_embedder._forward(ids, mask), mask)[0]

    alone = {q: here(q) for q in QUESTIONS}
    ran_on: set[str] = set()
    forward = real_embedder._forward

    def recorded(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        ran_on.add(threading.current_thread().name)
        return forward(ids, mask)

    monkeypatch.setattr(real_embedder, "_forward", recorded)
    got: dict[str, np.ndarray] = {}

    def ask(question: str) -> None:
        got[question] = real_embedder.encode([question])[0]

    askers = [threading.Thread(target=ask, args=(q,), name=f"asker-{i}", daemon=True) for i, q in enumerate(QUESTIONS)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(timeout=60)
    assert not any(asker.is_alive() for asker in askers)
    later = real_embedder.encode_soon(QUESTIONS[0])
    assert all(np.array_equal(got[q], alone[q]) for q in QUESTIONS)  # each asker gets its own vector
    assert np.array_equal(later.result(timeout=60), alone[QUESTIONS[0]])
    callers = {a.name for a in askers} | {threading.current_thread().name}
    assert len(ran_on) == 1 and not ran_on & callers
    # A batch (a build's) runs where it is asked, and pools as a question does (int8 activations are scaled per
    # batch, so only nearly the same).
    batch = real_embedder.encode(QUESTIONS)
    assert threading.current_thread().name in ran_on
    assert min(float(batch[i] @ alone[q]) for i, q in enumerate(QUESTIONS)) > 0.98

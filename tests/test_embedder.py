"""The embedder shared by threads: the build tokenizes the next group while it encodes the current one."""

from __future__ import annotations

import threading

import pytest

from index.embedder import SentenceTransformerEmbedder

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

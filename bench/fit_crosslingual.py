"""`python -m bench.fit_crosslingual`: the multilingual model's cosines mapped onto the English model's scale.

For the dev set's English questions of the fit half, over the `dev` corpus (seed and English dev
articles), every candidate passage and each of its sentences is scored by both models; a least-squares
line maps the multilingual cosine onto the English one, for passages and for sentences. The lines go
into index/multilingual.py (CROSS_PASSAGE_SCALE, CROSS_SENTENCE_SCALE) by hand, with this output.
The check half and every Russian or Ukrainian question stay out of the fit.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.devset import build_corpora, dev_questions
from index.embedder import SentenceTransformerEmbedder
from index.multilingual import multilingual_encoder
from index.settings import IndexSettings
from index.store import load_index

CANDIDATES = 40


def fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the least-squares line y ≈ slope * x + intercept."""
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def main() -> int:
    model, cross = SentenceTransformerEmbedder(), multilingual_encoder()
    questions = [q for q in dev_questions() if q.split == "fit" and q.corpus == "dev"]
    with tempfile.TemporaryDirectory() as work:
        settings = IndexSettings(embed_cache_dir=Path(work) / "cache")
        folder = build_corpora(model, Path(work), settings, only=("dev",))["dev"]
        index = load_index(folder, model.name)
        assert index.cross is not None and index.cross_sentence_vectors is not None
        english, multilingual = model.encode([q.text for q in questions]), cross.encode([q.text for q in questions])
        passages: list[tuple[float, float]] = []
        sentences: list[tuple[float, float]] = []
        for e, m in zip(english, multilingual, strict=True):
            _, a = index.dense.search(e.reshape(1, -1), CANDIDATES)
            _, b = index.cross.search(m.reshape(1, -1), CANDIDATES)
            ids = np.unique(np.concatenate([a[0], b[0]]))
            ids = ids[ids >= 0]
            passages += zip(index.cross.reconstruct_batch(ids) @ m, index.dense.reconstruct_batch(ids) @ e, strict=True)
            rows = np.unique(np.concatenate([np.arange(f, f + n) for _, f, n in index.passages.table[ids]]))
            sentences += zip(
                index.cross_sentences(rows) @ m,
                np.asarray(index.sentence_vectors[rows], np.float32) @ e,
                strict=True,
            )
    for name, pairs in (("CROSS_PASSAGE_SCALE", passages), ("CROSS_SENTENCE_SCALE", sentences)):
        x, y = np.asarray(pairs, np.float64).T
        slope, intercept = fit_line(x, y)
        r = float(np.corrcoef(x, y)[0, 1])
        print(f"{name} = Scale({slope:.3f}, {intercept:.3f})  # {len(x)} pairs, r = {r:.2f}")
    print(f"from {len(questions)} English fit-half questions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

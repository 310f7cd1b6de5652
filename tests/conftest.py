"""Shared fixtures: settings on temporary folders, a fake and a real embedder, built indexes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine
from bot.settings import Settings
from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def run_bot(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from the repository with `env` over this process's environment."""
    variables = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=variables,
        cwd=ROOT,
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or environment settings."""
    for name in Settings.model_fields:  # every setting, whatever its case (pydantic-settings ignores case)
        for variable in [v for v in os.environ if v.lower() == name]:
            monkeypatch.delenv(variable)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the project's seeds."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path, seeds: Path) -> Settings:
    """Settings on temporary folders; the thresholds suit the fake embedder, not the real model."""
    return Settings(
        seeds_dir=seeds, index_dir=tmp_path / "index", min_score=0.05, answer_threshold=0.01, _env_file=None
    )  # type: ignore[call-arg]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A model-free embedder."""
    return FakeEmbedder()


@pytest.fixture
def fake_engine(settings: Settings, fake_embedder: FakeEmbedder) -> Engine:
    """An engine over the seeds with the fake embedder."""
    build_index(settings, fake_embedder)
    return Engine(settings, fake_embedder)


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The real bundled model, loaded once per test session."""
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder) -> Path:
    """The seeds indexed once per session with the real model."""
    folder = tmp_path_factory.mktemp("real") / "index"
    cache = folder.parent / "cache"
    build_index(Settings(seeds_dir=SEEDS, index_dir=folder, embed_cache_dir=cache, _env_file=None), real_embedder)  # type: ignore[call-arg]
    return folder


@pytest.fixture
def real_engine(real_index_dir: Path, real_embedder: SentenceTransformerEmbedder) -> Iterator[Engine]:
    """An engine over the real index and model."""
    yield Engine(Settings(seeds_dir=SEEDS, index_dir=real_index_dir, _env_file=None), real_embedder)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_questions() -> list[dict[str, Any]]:
    """Questions about the seed article with the text that answers each."""
    return list(json.loads((DATA / "seed_questions.json").read_text(encoding="utf-8")))

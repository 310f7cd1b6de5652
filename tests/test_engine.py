"""The engine as the bot and the terminal see it: what it says while it builds."""

from __future__ import annotations

from bot.engine import Engine
from bot.settings import Settings
from tests.fakes import FakeEmbedder


def test_the_build_notice_counts_in_good_english(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    notices: list[str] = []
    Engine.load(settings, fake_embedder, notice=notices.append)
    assert notices[-1].startswith("built: 1 article, 18 passages,")

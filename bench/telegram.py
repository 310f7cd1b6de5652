"""Update-to-reply latency of the real bot against the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from bench.context import Bench
from bench.fake_bot_api import TOKEN, FakeBotApi
from bench.report import Row
from bench.speed import Latency, latency
from bot.app import build_application
from bot.engine import Engine
from bot.settings import Settings


async def _measure(engine: Engine, questions: Sequence[str]) -> Latency:
    async with FakeBotApi() as api:
        settings = engine.settings
        assert isinstance(settings, Settings)
        settings = Settings(
            **{**settings.model_dump(), "telegram_bot_token": TOKEN, "telegram_api_url": api.url}, _env_file=None
        )
        app = build_application(settings, engine)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            samples = []
            for n, question in enumerate(questions):
                chat = 10_000 + n  # one chat each: private chats are not throttled per chat
                started = time.perf_counter()
                api.message(question, chat_id=chat, user_id=chat)
                await api.wait_for("sendMessage", chat_id=chat, seconds=30)
                samples.append(time.perf_counter() - started)
            await app.updater.stop()
            await app.stop()
    return latency(samples)


def telegram_rows(bench: Bench, questions: int) -> list[Row]:
    """Update-to-reply latency of the real bot over the talks index."""
    engine = Engine(bench.talks_settings, bench.model)
    measured = update_to_reply(engine, [q.text for q in bench.questions[:questions]])
    return [
        Row(
            f"Telegram update → reply via the stand-in, {questions} questions (median / p95)",
            f"{measured.median_ms:.1f} / {measured.p95_ms:.1f} ms",
        )
    ]


def update_to_reply(engine: Engine, questions: Sequence[str]) -> Latency:
    """Median and p95 from pushing an update to the stand-in until the bot's reply reaches it."""
    return asyncio.run(_measure(engine, questions))

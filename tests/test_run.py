"""`python -m bot` as a process: polls the stand-in, answers, never logs the token; clear start-up errors."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, run_bot
from tests.fake_bot_api import TOKEN, FakeBotApi


@pytest.mark.model
async def test_python_m_bot_polls_answers_and_keeps_the_token_out_of_logs(real_index_dir: Path) -> None:
    async with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "LOG_LEVEL": "DEBUG",
            "INDEX_DIR": str(real_index_dir),
            "SEEDS_DIR": str(SEEDS),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await api.wait_for("setMyCommands", 2, seconds=90)
            api.message("Who leads the Russian delegation?")
            [reply] = await api.wait_for("sendMessage", seconds=30)
            assert "Medinsky" in str(reply.params["text"])
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        log = (out + err).decode()
        assert proc.returncode == 0, log[-2000:]
        assert "getUpdates" in log or "Polling" in log or "serving as" in log  # it did log at DEBUG
        assert TOKEN not in log and TOKEN.split(":")[1] not in log
        assert "Traceback" not in log


@pytest.mark.parametrize("token", ["not-a-token", "123:short"])
def test_a_malformed_token_is_a_one_line_error(token: str, tmp_path: Path) -> None:
    done = run_bot(env={"TELEGRAM_BOT_TOKEN": token, "INDEX_DIR": str(tmp_path / "i")}, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN is malformed" in done.stderr
    assert token not in done.stderr


@pytest.mark.model
def test_without_a_token_the_console_chat_opens(real_index_dir: Path) -> None:
    env = {"INDEX_DIR": str(real_index_dir), "SEEDS_DIR": str(SEEDS)}
    done = run_bot(env=env, stdin="How much territory does Russia control?\n/more\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("TELEGRAM_BOT_TOKEN is not set: starting the console chat")
    assert "one-fifth of Ukrainian territory" in done.stdout
    assert "<b>" not in done.stdout

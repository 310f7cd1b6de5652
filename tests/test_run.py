"""`python -m bot` as a process: polls the stand-in, answers, never logs the token; clear start-up errors."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.model
async def test_webhook_mode_registers_and_answers_posted_updates(real_index_dir: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    update = {
        "update_id": 1,
        "message": {
            "message_id": 3,
            "date": 0,
            "chat": {"id": 1001, "type": "private", "first_name": "T"},
            "from": {"id": 1001, "is_bot": False, "first_name": "T"},
            "text": "Who leads the Russian delegation?",
        },
    }
    async with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "WEBHOOK_URL": url,
            "WEBHOOK_SECRET": "s3cret-token",
            "PORT": str(port),
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
            [hook] = await api.wait_for("setWebhook", seconds=90)
            assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret-token"
            async with aiohttp.ClientSession() as http:
                for _ in range(50):  # the webhook server may start a moment after setWebhook
                    try:
                        posted = await http.post(url, json=update, headers=secret)
                        break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.2)
                assert posted.status == 200
                forged = await http.post(url, json={**update, "update_id": 2})
                assert forged.status == 403
            [reply] = await api.wait_for("sendMessage", seconds=30)
            assert "Medinsky" in str(reply.params["text"])
            await asyncio.sleep(0.3)
            assert len(api.sent()) == 1  # the forged update was not answered
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        log = (out + err).decode()
        assert TOKEN not in log and "s3cret-token" not in log and "Traceback" not in log

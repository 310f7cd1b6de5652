"""`python -m bot` as a process: polls or serves a webhook, answers, never logs secrets; clear start-up errors."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bench.fake_bot_api import TOKEN, FakeBotApi
from tests.conftest import ROOT, SEEDS, run_bot

QUESTION = "Who leads the Russian delegation?"


class BotProcess:
    """A running `python -m bot`; `log` holds its stdout and stderr once it has stopped."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.log = ""


@asynccontextmanager
async def bot_process(api: FakeBotApi, index_dir: Path, **env: str) -> AsyncIterator[BotProcess]:
    """Start the bot against the stand-in; on exit stop it with Ctrl-C and collect what it printed."""
    variables = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "INDEX_DIR": str(index_dir),
        "SEEDS_DIR": str(SEEDS),
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=variables,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    bot = BotProcess(proc)
    try:
        yield bot
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        bot.log = (out + err).decode()


@pytest.mark.model
async def test_python_m_bot_polls_answers_and_keeps_the_token_out_of_logs(real_index_dir: Path) -> None:
    async with FakeBotApi() as api, bot_process(api, real_index_dir, LOG_LEVEL="DEBUG") as bot:
        await api.wait_for("setMyCommands", 2, seconds=90)
        api.message(QUESTION)
        [reply] = await api.wait_for("sendMessage", seconds=30)
        assert "Medinsky" in str(reply.params["text"])
    assert bot.proc.returncode == 0, bot.log[-2000:]
    assert "serving as @" in bot.log  # it did log, at DEBUG
    assert TOKEN not in bot.log and TOKEN.split(":")[1] not in bot.log
    assert "Traceback" not in bot.log


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 3,
            "date": 0,
            "chat": {"id": 1001, "type": "private", "first_name": "T"},
            "from": {"id": 1001, "is_bot": False, "first_name": "T"},
            "text": QUESTION,
        },
    }


async def _post_when_up(
    http: aiohttp.ClientSession, url: str, data: object, headers: dict[str, str]
) -> aiohttp.ClientResponse:
    """POST to the webhook server, which may start a moment after setWebhook."""
    for _ in range(50):
        try:
            return await http.post(url, json=data, headers=headers)
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"nothing listens at {url}")


@pytest.mark.model
async def test_webhook_mode_registers_and_answers_posted_updates(real_index_dir: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    async with (
        FakeBotApi() as api,
        bot_process(api, real_index_dir, WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret-token", PORT=str(port)) as bot,
    ):
        [hook] = await api.wait_for("setWebhook", seconds=90)
        assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret-token"
        async with aiohttp.ClientSession() as http:
            posted = await _post_when_up(http, url, _update(1), secret)
            assert posted.status == 200
            forged = await http.post(url, json=_update(2))
            assert forged.status == 403
        [reply] = await api.wait_for("sendMessage", seconds=30)
        assert "Medinsky" in str(reply.params["text"])
        await asyncio.sleep(0.3)
        assert len(api.sent()) == 1  # the forged update was not answered
    assert TOKEN not in bot.log and "s3cret-token" not in bot.log and "Traceback" not in bot.log


@pytest.mark.model
async def test_webhook_mode_without_a_secret_set_still_refuses_forged_updates(real_index_dir: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with (
        FakeBotApi() as api,
        bot_process(api, real_index_dir, WEBHOOK_URL=url, PORT=str(port), LOG_LEVEL="DEBUG") as bot,
    ):
        [hook] = await api.wait_for("setWebhook", seconds=90)
        secret = str(hook.params.get("secret_token") or "")
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret), "a random secret is registered at every start"
        async with aiohttp.ClientSession() as http:
            forged = await _post_when_up(http, url, _update(1), {})
            assert forged.status == 403
            guessed = await http.post(url, json=_update(2), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            assert guessed.status == 403
            genuine = await http.post(url, json=_update(3), headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            assert genuine.status == 200
        [reply] = await api.wait_for("sendMessage", seconds=30)
        assert "Medinsky" in str(reply.params["text"])
        await asyncio.sleep(0.3)
        assert len(api.sent()) == 1  # only the genuine update was answered
    assert secret not in bot.log  # logged at DEBUG, redacted


async def _run_to_exit(env: dict[str, str]) -> tuple[int, str]:
    """Run `python -m bot` to its end without blocking the stand-in's event loop; its exit code and stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


@pytest.mark.model
async def test_a_token_telegram_rejects_is_one_line_without_the_token(real_index_dir: Path) -> None:
    rejected = "7000001:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    async with FakeBotApi() as api:
        code, printed = await _run_to_exit(
            {"TELEGRAM_BOT_TOKEN": rejected, "TELEGRAM_API_URL": api.url, "INDEX_DIR": str(real_index_dir)}
        )
    assert code == 1 and printed.strip().count("\n") == 0, printed[-2000:]
    assert "rejected TELEGRAM_BOT_TOKEN" in printed and rejected.split(":")[1] not in printed


@pytest.mark.model
def test_an_unreachable_bot_api_is_one_line_without_the_token(real_index_dir: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"http://127.0.0.1:{_free_port()}"}
    done = run_bot(env={**env, "INDEX_DIR": str(real_index_dir)})
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0, done.stderr[-2000:]
    assert "cannot reach the Bot API" in done.stderr and TOKEN.split(":")[1] not in done.stderr + done.stdout


@pytest.mark.parametrize("secret", ["has spaces", "x" * 257, "non-ascii-ключ"])
def test_a_webhook_secret_telegram_would_refuse_is_a_one_line_error(secret: str, tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{_free_port()}",
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": secret,
        "INDEX_DIR": str(tmp_path / "i"),
    }
    done = run_bot(env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "WEBHOOK_SECRET" in done.stderr
    assert secret not in done.stderr


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

"""Both command lines: bad input costs one answer, bad settings one line, and exit codes mean what they say."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import json_line
from bot.engine import Engine
from bot.settings import Settings
from tests.conftest import ROOT, SEEDS
from tests.fake_site import FakeSite


def run_module(module: str, *args: str, env: dict[str, str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """`python -m MODULE ARGS` from the repository, with bytes in and out."""
    variables = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"} | env
    return subprocess.run(
        [sys.executable, "-m", module, *args], input=stdin, capture_output=True, env=variables, cwd=ROOT, timeout=120
    )


def test_settings_inside_tests_are_the_defaults() -> None:
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    assert Settings(_env_file=None).model_dump() == defaults  # type: ignore[call-arg]


def test_importing_the_entry_point_runs_nothing() -> None:
    sys.modules.pop("bot.__main__", None)
    importlib.import_module("bot.__main__")  # would parse pytest's argv and exit if it ran on import


def test_index_build_reports_a_bad_setting_in_one_line_and_fails(tmp_path: Path) -> None:
    done = run_module("index", "build", "--quiet", env={"MIN_SCORE": "abc", "INDEX_DIR": str(tmp_path / "i")})
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.startswith("error: MIN_SCORE") and err.strip().count("\n") == 0 and "Traceback" not in err


def test_index_build_of_a_missing_folder_fails_in_one_line(tmp_path: Path) -> None:
    done = run_module("index", "build", "--quiet", "--seeds", str(tmp_path / "nowhere"), env={})
    assert done.returncode == 1
    assert done.stderr.decode().startswith("error: seeds folder") and b"Traceback" not in done.stderr


def test_json_lines_survive_readers_that_split_at_unicode_line_separators() -> None:
    line = json_line({"quote": "one\u2028two\u2029three\x85four", "title": "x\ny"})
    assert line.splitlines() == [line]
    assert json.loads(line) == {"quote": "one\u2028two\u2029three\x85four", "title": "x\ny"}


def test_a_question_with_control_characters_and_lone_surrogates_is_answered(fake_engine: Engine) -> None:
    answer = fake_engine.answer("Who leads\x00 the \x1b[31mRussian\ud800 delegation?\u2028")
    assert answer.question == "Who leads the Russian delegation?"
    assert answer.found


@pytest.mark.model
def test_real_model_answers_a_question_with_a_lone_surrogate(real_engine: Engine) -> None:
    assert real_engine.answer("Who leads the Russian delegation?\udcff").found


@pytest.mark.model
def test_invalid_utf8_on_stdin_costs_one_question_not_the_batch(real_index_dir: Path) -> None:
    env = {"INDEX_DIR": str(real_index_dir), "SEEDS_DIR": str(SEEDS)}
    stdin = b"Who leads \xff\xfe the Russian delegation?\n\xc3\nHow much territory does Russia control?\n"
    done = run_module("bot", "ask", "--json", env=env, stdin=stdin)
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(rows) == 3
    assert rows[0]["found"] and "Medinsky" in " ".join(p["quote"] for p in rows[0]["passages"])
    assert rows[1]["question"] == "" and not rows[1]["found"]
    assert rows[2]["found"]


@pytest.mark.model
async def test_index_add_makes_a_link_and_a_file_answerable(tmp_path: Path, real_embedder: object) -> None:
    index = tmp_path / "index"
    env = {
        "INDEX_DIR": str(index),
        "SEEDS_DIR": str(SEEDS),
        "EMBED_CACHE_DIR": str(tmp_path / "cache"),
        "ARTICLES_DIR": str(tmp_path / "articles"),
        "FETCH_ALLOW_PRIVATE": "true",
    }
    assert run_module("index", "build", "--quiet", env=env).returncode == 0
    note = tmp_path / "swap.md"
    note.write_text(
        "---\ntitle: Prisoner swap in Abu Dhabi\nsource: Test Wire\npublished: 2025-06-02\n---\n"
        "Russia and Ukraine exchanged 390 prisoners each in Abu Dhabi on Friday, mediated by the Emirates.\n",
        encoding="utf-8",
    )
    async with FakeSite() as site:
        variables = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"} | env
        sources = [str(note), f"{site.url}/article", f"{site.url}/missing", str(tmp_path / "nowhere.txt")]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "index", "add", *sources, env=variables, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
    lines = out.decode().splitlines()
    assert proc.returncode == 1, err.decode()  # two sources failed
    assert "Added: Prisoner swap in Abu Dhabi (1 passage), searchable now" in lines
    assert any(line.startswith("Added: Talks resume in Istanbul") for line in lines)
    assert any("missing" in line and "404" in line for line in lines)
    assert any("nowhere.txt: no such file" in line for line in lines)
    questions = b"How many prisoners were exchanged in Abu Dhabi?\nWho urged a ceasefire in Istanbul talks?\n"
    done = run_module("bot", "ask", "--json", env=env, stdin=questions)
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert rows[0]["found"] and "390 prisoners" in rows[0]["passages"][0]["quote"]
    assert any("Istanbul on Friday" in p["quote"] for p in rows[1]["passages"])

"""A damaged, moving, locked or unwritable index is a clear error, and never costs the live index."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

import index.store
from bot.engine import Engine
from bot.settings import Settings
from index.articles import corpus_hash
from index.build import build_index
from index.errors import BuildError, BuildInProgressError, IndexCorruptError
from index.store import CURRENT, LOCK, Manifest, live_generation, load_index
from tests.fakes import FakeEmbedder


class RecordingEmbedder(FakeEmbedder):
    """A fake embedder that counts the batches a build asks it to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Like FakeEmbedder, counted."""
        self.calls += 1
        return super().encode_with_spans(texts, spans, batch_size)


def point_current_at(index_dir: Path, folder: Path) -> None:
    """Repoint `current` as another process's build does: one atomic rename."""
    tmp = index_dir / ".current.test.tmp"
    tmp.symlink_to(folder.name)
    os.replace(tmp, index_dir / CURRENT)


def two_generations(settings: Settings, embedder: FakeEmbedder, tmp_path: Path) -> tuple[Path, Path]:
    """Generation A of the seeds, then B of other articles; `current` left on A."""
    a = build_index(settings, embedder).path
    other = tmp_path / "other-seeds"
    other.mkdir()
    (other / "riyadh.txt").write_text(
        "Delegations met in Riyadh on Saturday for talks on a ceasefire in the Black Sea. "
        "The talks lasted twelve hours and ended without a joint statement.\n",
        encoding="utf-8",
    )
    b = build_index(settings, embedder, seeds_dir=other).path
    assert a is not None and b is not None
    point_current_at(settings.index_dir, a)
    return a, b


def test_a_swap_while_loading_never_mixes_two_generations(
    settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_generations(settings, fake_embedder, tmp_path)
    check = index.store.check_manifest

    def check_then_swap(manifest: Manifest, model: str, dimension: int | None = None) -> None:
        check(manifest, model, dimension)
        point_current_at(settings.index_dir, b)  # another process publishes mid-load

    monkeypatch.setattr(index.store, "check_manifest", check_then_swap)
    loaded = load_index(settings.index_dir, fake_embedder.name)
    assert loaded.path == a
    assert loaded.manifest.corpus_hash == corpus_hash(loaded.articles.values())
    assert list(loaded.articles) == ["000_03e83c080a8e0dcc"]


def test_engine_loads_the_generation_it_checked(
    settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_generations(settings, fake_embedder, tmp_path)
    manifest = b / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format_version": 1}), encoding="utf-8")
    swapped: list[bool] = []
    live = index.store.live_generation

    def live_then_swap(index_dir: Path) -> Path | None:
        found = live(index_dir)
        if not swapped:  # an older version's build publishes B just after the engine looked
            swapped.append(True)
            point_current_at(settings.index_dir, b)
        return found

    monkeypatch.setattr(index.store, "live_generation", live_then_swap)
    monkeypatch.setattr("bot.engine.live_generation", live_then_swap)
    engine = Engine.load(settings, fake_embedder, notice=pytest.fail)
    assert [x.id for x in engine.articles] == ["000_03e83c080a8e0dcc"]


def test_a_dangling_generation_entry_never_costs_the_new_index(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings, fake_embedder)
    (settings.index_dir / "gen-00000000T000000-1-00000").symlink_to("/nonexistent/talksbot-generation")
    for _ in range(3):
        report = build_index(settings, fake_embedder)
        assert live_generation(settings.index_dir) == report.path
    assert load_index(settings.index_dir, fake_embedder.name).path == report.path
    assert len([p for p in settings.index_dir.glob("gen-*") if p.is_dir()]) == 2


@pytest.fixture
def lock_held_elsewhere(settings: Settings) -> Iterator[int]:
    """Another process (`python -m index build` in a shell, say) holding the index folder's build lock."""
    settings.index_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, f'{os.getpid()}'.encode())\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
            str(settings.index_dir / LOCK),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        yield holder.pid
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()


def test_build_fails_fast_while_another_process_builds(
    settings: Settings, lock_held_elsewhere: int, fake_embedder: FakeEmbedder
) -> None:
    recorder = RecordingEmbedder()
    with pytest.raises(BuildInProgressError, match=rf"another build \(process {lock_held_elsewhere}\)"):
        build_index(settings, recorder)
    assert recorder.calls == 0
    assert live_generation(settings.index_dir) is None
    assert list(settings.index_dir.glob("gen-*")) == []


def test_the_lock_is_released_when_a_build_ends(
    settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    (tmp_path / "no-articles").mkdir()
    with pytest.raises(BuildError, match="no readable articles"):
        build_index(settings, fake_embedder, seeds_dir=tmp_path / "no-articles")
    report = build_index(settings, fake_embedder)
    assert live_generation(settings.index_dir) == report.path


def parent_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain-file").write_text("not a folder", encoding="utf-8")
    return tmp_path / "plain-file" / "index"


def under_sysfs(tmp_path: Path) -> Path:
    return Path("/sys/talksbot-test-index")  # sysfs refuses new folders, to root as well


def on_a_full_disk(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / LOCK).symlink_to("/dev/full")  # every write there fails with ENOSPC, as on a full disk
    return folder


@pytest.mark.parametrize(
    ("place", "says"),
    [
        (parent_is_a_file, "part of the path is a file, not a folder"),
        (under_sysfs, "read-only"),
        (on_a_full_disk, "the disk is full"),
    ],
)
def test_an_unwritable_index_folder_fails_before_any_embedding(
    settings: Settings, tmp_path: Path, place: Callable[[Path], Path], says: str
) -> None:
    recorder = RecordingEmbedder()
    target = place(tmp_path)
    with pytest.raises(BuildError, match=rf"cannot write the index at {target}: .*{says}"):
        build_index(settings, recorder, index_dir=target)
    assert recorder.calls == 0


def emptied_file(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(b"")

    return damage


def garbage_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_bytes(b"\xff\xfe\x00\x9c garbage")


def narrow_sentence_vectors(folder: Path) -> None:
    rows = len(np.load(folder / "sentences.npy"))
    np.save(folder / "sentences.npy", np.zeros((rows, 32), dtype=np.float16))


def float64_sentence_vectors(folder: Path) -> None:
    vectors = np.load(folder / "sentences.npy")
    np.save(folder / "sentences.npy", vectors.astype(np.float64))


def in_articles(sql: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        db = sqlite3.connect(folder / "articles.sqlite")
        with db:
            db.execute(sql)
        db.close()

    return damage


def passages_of_an_unknown_article(folder: Path) -> None:
    table = np.load(folder / "passages.npy")
    table[:, 0] = 7
    np.save(folder / "passages.npy", table)


def a_passage_past_its_sentences(folder: Path) -> None:
    table = np.load(folder / "passages.npy")
    table[-1, 2] += 5
    np.save(folder / "passages.npy", table)


def an_empty_sentence(folder: Path) -> None:
    spans = np.load(folder / "spans.npy")
    spans[3, 1] = spans[3, 0]
    np.save(folder / "spans.npy", spans)


def a_posting_past_the_passages(folder: Path) -> None:
    docs = np.load(folder / "lexical" / "docs.npy")
    docs[0] = 10**6
    np.save(folder / "lexical" / "docs.npy", docs)


def sentence_terms_past_the_vocabulary(folder: Path) -> None:
    ids = np.load(folder / "lexical" / "sentence_terms.npy")
    ids[0] = 10**6
    np.save(folder / "lexical" / "sentence_terms.npy", ids)


def sentence_term_rows_cut_short(folder: Path) -> None:
    rows = np.load(folder / "lexical" / "sentence_term_rows.npy")
    np.save(folder / "lexical" / "sentence_term_rows.npy", rows[:-1])


def sentence_terms_without_their_rows(folder: Path) -> None:
    (folder / "lexical" / "sentence_term_rows.npy").unlink()


def sentence_term_rows_out_of_order(folder: Path) -> None:
    rows = np.load(folder / "lexical" / "sentence_term_rows.npy")
    rows[1], rows[2] = rows[2] + 1, rows[1]
    np.save(folder / "lexical" / "sentence_term_rows.npy", rows)


def manifest_of_a_shape(folder: Path) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["corpus_hash"]
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(emptied_file("sentences.npy"), id="0-byte sentences.npy"),
        pytest.param(emptied_file("dense.faiss"), id="0-byte dense.faiss"),
        pytest.param(emptied_file("articles.sqlite"), id="0-byte articles.sqlite"),
        pytest.param(emptied_file("passages.npy"), id="0-byte passages.npy"),
        pytest.param(emptied_file("lexical/vocabulary.txt"), id="0-byte BM25 vocabulary"),
        pytest.param(garbage_manifest, id="garbage bytes in manifest.json"),
        pytest.param(manifest_of_a_shape, id="manifest without a field"),
        pytest.param(narrow_sentence_vectors, id="sentences.npy of the wrong width"),
        pytest.param(float64_sentence_vectors, id="sentences.npy of the wrong dtype"),
        pytest.param(in_articles("DELETE FROM articles"), id="no articles"),
        pytest.param(passages_of_an_unknown_article, id="passages of an unknown article"),
        pytest.param(a_passage_past_its_sentences, id="a passage past its article's sentences"),
        pytest.param(an_empty_sentence, id="an empty sentence span"),
        pytest.param(a_posting_past_the_passages, id="a BM25 posting of no passage"),
        pytest.param(sentence_terms_past_the_vocabulary, id="a sentence term past the vocabulary"),
        pytest.param(sentence_term_rows_cut_short, id="sentence terms for fewer sentences"),
        pytest.param(sentence_terms_without_their_rows, id="sentence terms without their rows"),
        pytest.param(sentence_term_rows_out_of_order, id="sentence term rows out of order"),
    ],
)
def test_a_damaged_index_is_one_clear_error(
    settings: Settings, fake_embedder: FakeEmbedder, damage: Callable[[Path], None]
) -> None:
    report = build_index(settings, fake_embedder)
    assert report.path is not None
    damage(report.path)
    with pytest.raises(IndexCorruptError, match=r"rebuild"):
        load_index(settings.index_dir, fake_embedder.name, fake_embedder.dimension)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(in_articles("UPDATE articles SET text = ''"), id="emptied article texts"),
        pytest.param(
            in_articles("UPDATE articles SET text = replace(text, 'Istanbul', 'Istambul')"),
            id="edited article text of the same length",
        ),
    ],
)
def test_an_article_edited_on_disk_is_refused_when_read(
    settings: Settings, fake_embedder: FakeEmbedder, damage: Callable[[Path], None]
) -> None:
    report = build_index(settings, fake_embedder)
    assert report.path is not None
    damage(report.path)
    index = load_index(settings.index_dir, fake_embedder.name, fake_embedder.dimension)
    with pytest.raises(IndexCorruptError, match=r"not the one .* built from; rebuild"):
        index.articles["000_03e83c080a8e0dcc"]

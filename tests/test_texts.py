"""The bot's words in three languages: the same messages everywhere, counts and dates worded right."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from string import Formatter
from typing import get_args

import pytest

from bot.small_talk import SmallTalk
from bot.texts import EN, RU, TEXTS, UK, Texts, language_for, missing_text, plural
from index.answerability import _EXPECTS, Missing, MissingKind
from index.dates import Period


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_every_message_exists_in_all_three_languages_with_the_same_placeholders() -> None:
    for f in fields(Texts):
        values = {t.language: getattr(t, f.name) for t in TEXTS.values()}
        if f.name == "language":
            continue
        if isinstance(values["en"], str):
            shapes = {language: placeholders(v) for language, v in values.items() if v or language != "en"}
            assert all(values[language] for language in ("ru", "uk")), f.name
        elif isinstance(values["en"], dict):
            # English dates and missing reasons come from index/answerability.py (`Missing.english`)
            shapes = {
                language: {key: placeholders(text) for key, text in v.items()}
                for language, v in values.items()
                if v or language != "en"
            }
        else:  # nouns and examples: as many non-empty forms in every language
            shapes = {language: {len(v)} for language, v in values.items()}
            assert all(all(form for form in v) for v in values.values()), f.name
        assert len({str(shape) for shape in shapes.values()}) == 1, (f.name, shapes)


def test_every_missing_reason_build_stage_and_kind_of_small_talk_has_its_words() -> None:
    kinds = set(get_args(MissingKind)) - {"no_type"}
    for t in (RU, UK):
        assert kinds | {f"no_type_{kind}" for kind, _ in _EXPECTS} == set(t.missing)
        assert set(t.stages) == set(EN.stages) and set(t.commands) == set(EN.commands)
    for t in (EN, RU, UK):
        assert set(t.small_talk) == set(get_args(SmallTalk))


@pytest.mark.parametrize(
    ("count", "ru", "uk"),
    [
        (1, "1 статья", "1 стаття"),
        (2, "2 статьи", "2 статті"),
        (4, "4 статьи", "4 статті"),
        (5, "5 статей", "5 статей"),
        (11, "11 статей", "11 статей"),
        (14, "14 статей", "14 статей"),
        (21, "21 статья", "21 стаття"),
        (22, "22 статьи", "22 статті"),
        (111, "111 статей", "111 статей"),
        (1204, "1\u00a0204 статьи", "1\u00a0204 статті"),
    ],
)
def test_russian_and_ukrainian_counts_take_the_three_forms(count: int, ru: str, uk: str) -> None:
    assert plural(count, RU.article, "ru") == ru
    assert plural(count, UK.article, "uk") == uk
    assert plural(count, EN.article, "en") == f"{count:,} article{'' if count == 1 else 's'}"


def test_the_reply_language_is_the_questions_then_the_users_then_english() -> None:
    assert language_for("Кто возглавляет российскую делегацию?", "en") == "ru"
    assert language_for("Хто очолює російську делегацію?", "ru") == "uk"
    assert language_for("Who leads the Russian delegation?", "uk") == "en"
    assert (
        language_for(None, "uk") == "uk" and language_for("", "ru-RU") == "ru" and language_for("2025?", "ru") == "ru"
    )
    assert language_for(None, "be") == "ru" and language_for(None, "de") == "en" and language_for(None, None) == "en"


def test_a_short_text_neither_letters_nor_dictionaries_tell_follows_the_users_telegram() -> None:
    assert language_for("ок 👍", "ru") == "ru" and language_for("ок 👍", "uk") == "uk"
    assert language_for("Привет", "uk") == "ru" and language_for("Дякую", "ru") == "uk"  # told by the dictionaries
    assert language_for("Кто возглавил делегацию?", "uk") == "ru"  # three words the Russian dictionary alone knows
    assert language_for("Мир и война в Женеве?", "uk") == "ru"  # a longer text, by the identifier


def test_missing_dates_are_worded_in_each_language_and_english_stays_the_json_sentence() -> None:
    september = Period(date(2025, 9, 1), date(2025, 9, 30), "September 2025")
    year = Period(date(2022, 1, 1), date(2022, 12, 31), "2022")
    day = Period(date(2025, 5, 16), date(2025, 5, 16), "16 May 2025")
    written = Missing("undated", period=september, closest=year)
    published = Missing("not_from", period=day, closest=september, closest_published=True)
    assert written.english == "Nothing is dated September 2025; the closest passages speak of 2022."
    assert missing_text(written, "en") == written.english
    assert (
        missing_text(written, "ru")
        == "В статьях нет ничего за сентябрь 2025 года; ближайшие фрагменты упоминают 2022 год."
    )
    assert missing_text(published, "uk") == (
        "Серед показаних фрагментів немає жодного за 16 травня 2025 року; "
        "найближчі фрагменти — зі статей за вересень 2025 року."
    )
    yearless = Missing("not_from", period=Period(date(2025, 3, 3), date(2025, 3, 3), "3 березня", yearless=True))
    assert yearless.english == "No passage shown is from 3 March."  # a day asked without its year
    assert missing_text(yearless, "ru") == "Среди показанных фрагментов нет ни одного за 3 марта."
    assert missing_text(Missing("unknown_name", "Zuppi"), "uk") == "У жодній статті не згадується Zuppi."
    assert (
        missing_text(Missing("no_type", "date"), "ru")
        == "В показанных фрагментах нет даты, которая отвечала бы на вопрос."
    )

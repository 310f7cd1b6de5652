"""Messages that are no question: greetings, thanks, goodbyes and "ok", in English, Russian and Ukrainian.

People say "thanks!" after an answer, or "hi" before asking; in a group they reply so to the bot. Searched as a
question, "thanks" meets "Zelensky thanked Erdogan" and is answered with quotes. A message is small talk only when
it is one of a few whole phrases ("what can you do?", "see you later"), or every word of it is one of these and one
of them says what it is ("thank you so much", "ok, bye"): so "thanks, and who led the delegation?" or "ok, and 2019?"
(a digit is never small talk) is still a question. A message of no word or digit at all is an acknowledgement
("👍"), or, with a question mark, a request for help ("?"). Words are matched in small letters, without punctuation
or emoji.
"""

from __future__ import annotations

import re
from typing import Literal

SmallTalk = Literal["greeting", "thanks", "farewell", "acknowledgement", "about"]

# The words that make a message small talk of each kind, by priority: "ok thanks bye" is thanks.
_KINDS: tuple[tuple[SmallTalk, str], ...] = (
    ("thanks", "thanks thank thx ty tnx cheers спасибо спасибочки благодарю спс дякую дякуємо спасибі"),
    ("farewell", "bye goodbye cya пока прощай бувай бувайте добраніч"),
    (
        "greeting",
        "hi hello hey hiya howdy greetings привет здравствуй здравствуйте приветствую здрасьте привіт вітаю добридень",
    ),
    (
        "acknowledgement",
        "ok okay kk fine cool great good excellent perfect understood alright gotcha "
        "ок окей ладно хорошо понятно ясно отлично класс круто добре зрозуміло чудово гаразд",
    ),
)
# Words that may stand beside those without making the message a question ("thank you very much", "hi all").
_BESIDE_WORDS = """
    you very so much a lot many again all the there guys everyone folks bot and for it that that's oh ah well
    yes yeah yep sure wow answer answers info reply
    вам вас тебе тобі бот большое огромное дуже щиро велике величезне всем всех всім усім всіх и і да так ну ого
    еще раз
"""
_BESIDE = frozenset(_BESIDE_WORDS.split())
# Whole messages of their own (small letters, words only), after any greeting or thanks before them.
_PHRASES: dict[str, SmallTalk] = {
    **dict.fromkeys(
        (
            "good morning",
            "good afternoon",
            "good evening",
            "good day",
            "how are you",
            "how are you doing",
            "доброе утро",
            "добрый день",
            "добрый вечер",
            "доброго дня",
            "доброго вечера",
            "как дела",
            "как ты",
            "доброго ранку",
            "добрий ранок",
            "добрий день",
            "добрий вечір",
            "доброго вечора",
            "як справи",
            "як ти",
        ),
        "greeting",
    ),
    **dict.fromkeys(
        (
            "good night",
            "see you",
            "see you later",
            "see you soon",
            "talk later",
            "до свидания",
            "до встречи",
            "до скорого",
            "спокойной ночи",
            "доброй ночи",
            "всего доброго",
            "всего хорошего",
            "до побачення",
            "до зустрічі",
            "на добраніч",
            "спокійної ночі",
            "на все добре",
        ),
        "farewell",
    ),
    **dict.fromkeys(("got it", "that's all", "that is all", "все понятно", "все зрозуміло"), "acknowledgement"),
    **dict.fromkeys(
        (
            "who are you",
            "what are you",
            "what can you do",
            "what do you do",
            "help",
            "help me",
            "кто ты",
            "что ты умеешь",
            "что ты можешь",
            "что ты такое",
            "помоги",
            "хто ти",
            "що ти вмієш",
            "що ти можеш",
            "допоможи",
        ),
        "about",
    ),
}
_WORDS = {word: kind for kind, words in _KINDS for word in words.split()}
_OPENERS = frozenset(w for w, kind in _WORDS.items() if kind in ("greeting", "thanks")) | _BESIDE
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MAX_WORDS = 8  # a longer message is a question, whatever its words


def small_talk(text: str) -> SmallTalk | None:
    """What kind of small talk a message is, or None when it is (or may be) a question."""
    if any(c.isdigit() for c in text):  # "ok, and 2019?"
        return None
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower().replace("ё", "е"))]
    if not words:  # nothing to search for: "?" asks what to do, "👍" says ok
        return None if not text.strip() else "about" if "?" in text else "acknowledgement"
    if len(words) > MAX_WORDS:
        return None
    for start in range(len(words)):  # "what can you do?", also after "hi," or "thanks,"
        if " ".join(words[start:]) in _PHRASES and all(w in _OPENERS for w in words[:start]):
            return _PHRASES[" ".join(words[start:])]
    kinds = {_WORDS[w] for w in words if w in _WORDS}
    if not kinds or any(w not in _WORDS and w not in _BESIDE for w in words):
        return None
    return next(kind for kind, _ in _KINDS if kind in kinds)

"""Messages that are no question: greetings, thanks, goodbyes and "ok", in English, Russian and Ukrainian.

People say "thanks!" after an answer, or "hi" before asking; in a group they reply so to the bot. Searched as a
question, "thanks" meets "Zelensky thanked Erdogan" and is answered with quotes. A message is small talk only when
every word of it is one of these and one of them says what it is ("thank you so much", "ok, bye"), so a question
that starts "thanks, and who…" is still a question. Words are matched in small letters, without punctuation or emoji.
"""

from __future__ import annotations

import re
from typing import Literal

SmallTalk = Literal["greeting", "thanks", "farewell", "acknowledgement", "about"]

# The words that make a message small talk of each kind, by priority: "ok thanks bye" is thanks.
_KINDS: tuple[tuple[SmallTalk, str], ...] = (
    ("thanks", "thanks thank thx ty tnx cheers спасибо спасибочки благодарю спс дякую дякуємо спасибі"),
    ("farewell", "bye goodbye cya later night пока прощай свидания ночи бувай бувайте побачення добраніч"),
    (
        "greeting",
        "hi hello hey hiya howdy greetings morning afternoon evening привет здравствуй здравствуйте приветствую "
        "здрасьте привіт вітаю доброго добрий добрый доброе добрая",
    ),
    (
        "acknowledgement",
        "ok okay k kk fine cool great nice good excellent perfect understood alright gotcha "
        "ок окей ладно хорошо понятно ясно отлично класс круто добре зрозуміло ясно чудово гаразд",
    ),
)
# Words that may stand beside those without making the message a question ("thank you very much", "good morning").
_WITH = """
    you u very so much a lot many again all the there guys everyone folks bot day
    and for it that got see soon now then oh ah well yes yeah yep sure wow answer answers info help reply
    вам тебе тобі большое огромное дуже щиро велике величезне всем всім и і да так ну ого утро утра день вечер
    спокойной ранок ранку вечір вечора до скорого встречи зустрічі
"""
# Whole messages of their own (small letters, words only).
_PHRASES: dict[str, SmallTalk] = {
    **dict.fromkeys(("how are you", "how are you doing", "как дела", "как ты", "як справи", "як ти"), "greeting"),
    **dict.fromkeys(
        (
            "who are you",
            "what are you",
            "what can you do",
            "what do you do",
            "how does this work",
            "how do you work",
            "help",
            "кто ты",
            "что ты умеешь",
            "что ты можешь",
            "что ты такое",
            "как это работает",
            "помощь",
            "помоги",
            "хто ти",
            "що ти вмієш",
            "що ти можеш",
            "як це працює",
            "допомога",
            "допоможи",
        ),
        "about",
    ),
}
_WORDS = {word: kind for kind, words in _KINDS for word in words.split()}
_BESIDE = frozenset(_WITH.split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MAX_WORDS = 8  # a longer message is a question, whatever its words


def small_talk(text: str) -> SmallTalk | None:
    """What kind of small talk a message is, or None when it is (or may be) a question."""
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower().replace("ё", "е"))]
    if not words or len(words) > MAX_WORDS:
        return None
    if " ".join(words) in _PHRASES:
        return _PHRASES[" ".join(words)]
    kinds = {_WORDS[w] for w in words if w in _WORDS}
    if not kinds or any(w not in _WORDS and w not in _BESIDE for w in words):
        return None
    return next(kind for kind, _ in _KINDS if kind in kinds)

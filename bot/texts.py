"""The bot's own words in English, Russian and Ukrainian, and which language a reply is in.

Every message a user reads is a field of `Texts`, one instance per language (`EN`, `RU`, `UK`); a
field with `{placeholders}` is filled with `str.format`, and the same field has the same placeholders
in every language (a test checks it). Counts are worded by `plural`, with the three forms Russian and
Ukrainian need. Quotes are never translated: they stay in their article's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.small_talk import SmallTalk
from index.answerability import Missing, one_full_stop
from index.dates import Period
from index.languages import Language, detected_language
from index.ordinals import ordinal_number

Noun = tuple[str, str, str]  # the forms for 1, for 2–4 and for 5 or more (English: one, other, other)

# Telegram's language_code of users who most likely read one of the bot's languages better than English.
CODES: dict[str, Language] = {"en": "en", "ru": "ru", "uk": "uk", "be": "ru", "kk": "ru"}


@dataclass(frozen=True)
class Texts:
    """Every message of the bot in one language."""

    language: Language
    # nouns counted by `plural`
    article: Noun
    indexed_article: Noun
    passage: Noun
    file: Noun
    # answers
    question_label: str  # an answer starts with it: the "more" button reads the question back after it
    examples: tuple[str, ...]
    ask_prompt: str
    small_talk: dict[SmallTalk, str]  # the reply to each kind of message that is no question (bot/small_talk.py)
    nothing_found: str
    not_answered: str
    related: str
    page_of: str
    hedge: str
    # help, /sources and /latest
    help: str
    help_inline: str
    help_admin: str
    no_articles: str
    indexed: str
    newest: str
    more_articles: str
    undated: str
    # the handlers
    non_text_hint: str
    ask_usage: str
    sorry: str
    expired: str
    newer_button: str
    older_button: str
    more_button: str
    no_more: str
    inline_hint: str
    inline_unanswered: str
    inline_unanswered_related: str
    may_not_answer: str
    untitled_quote: str
    # /reindex
    reindex_refused: str
    reindex_started: str
    already_rebuilding: str
    progress: str
    progress_encoding: str
    stages: dict[str, str]  # the build's stages (index/build.py), as the progress line says them
    rebuild_cancelled: str
    rebuild_failed: str
    rebuilt: str
    skipped: str
    skipped_more: str
    # adding and removing articles
    only_admins_add: str
    only_admins_remove: str
    link_from_non_admin: str
    add_usage: str
    one_link: str
    remove_usage: str
    not_added: str
    not_an_article_file: str
    too_large: str
    download_failed: str
    add_failed: str
    add_crashed: str
    added: str
    updated: str
    not_removed: str
    removed: str
    # the console chat
    console_intro: str
    console_more: str
    # the command menu: command → description
    commands: dict[str, str]
    # What is missing (index/answerability.py `Missing`), and dates as 'за …' takes them. English has none of
    # these: its sentences are `Missing.english`, the stable `missing` of `ask --json`.
    missing: dict[str, str]
    closest_published: str
    closest_written: str
    months: str  # nominative, January first, separated by spaces
    months_of: str  # genitive ("16 мая"), likewise
    day: str
    day_yearless: str
    month: str
    year: str
    span: str
    thousands: str
    decimal: str


EN = Texts(
    language="en",
    article=("article", "articles", "articles"),
    indexed_article=("indexed article", "indexed articles", "indexed articles"),
    passage=("passage", "passages", "passages"),
    file=("file", "files", "files"),
    question_label="Q:",
    examples=(
        "Who leads the Russian delegation in Istanbul?",
        "What does Russia's proposal for the talks refer to?",
    ),
    ask_prompt="Please ask a question about the Russia–Ukraine peace talks, e.g.\n{examples}",
    small_talk={
        "greeting": "Hello! I answer questions about the Russia–Ukraine peace talks with quotes from news articles. "
        "Ask, e.g.\n{examples}",
        "about": "I answer questions about the Russia–Ukraine peace talks with quotes from news articles and their "
        "sources, and say so when the articles do not answer. Ask, e.g.\n{examples}\n/help tells more, /sources "
        "lists the articles.",
        "thanks": "You're welcome. Ask another question whenever you like.",
        "farewell": "Goodbye! Ask again whenever you like.",
        "acknowledgement": "Ask about the Russia–Ukraine peace talks whenever you like.",
    },
    nothing_found=(
        "I found nothing in the indexed articles that answers this.{missing} "
        "Try other words, or see /sources for what I know about."
    ),
    not_answered="I could not find an answer to this in the articles.",
    related="The closest passages, which may not answer it:",
    page_of="(page {page} of {pages})",
    hedge="A related passage; it may not answer “{question}”.",
    help=(
        "I answer questions about the <b>Russia–Ukraine peace talks</b> by quoting the news articles "
        "I have read ({articles}), "
        "with their sources. I never make up an answer: if the articles do not say, I tell you.\n\n"
        "<b>How to ask</b>\n"
        "• here: just write your question\n"
        "• in a group: <code>/ask your question</code>, mention me, or reply to my message"
        "{inline}\n\n"
        "<b>Try</b>\n"
        "{examples}"
        "\n\n/sources lists the articles, /latest the newest ones."
        "{admin}"
    ),
    help_inline="\n• in any chat: <code>@{bot} your question</code>",
    help_admin=(
        "\n\n<b>For admins</b>\n"
        "• <code>/add URL</code>, or just send a link: add the article on that page\n"
        "• send a .txt, .md or .html file: add it as an article\n"
        "• <code>/remove ID</code>: take an added article out (ids are in /sources)\n"
        "• /reindex: rebuild the whole index"
    ),
    no_articles="No articles are indexed yet.",
    indexed="{articles}",
    newest="The {shown} newest of {articles}",
    more_articles="… and {count} more.",
    undated="undated",
    non_text_hint="I can only read text. Send me a question about the Russia–Ukraine peace talks, or /help.",
    ask_usage="Ask like this: <code>/ask Who leads the Russian delegation?</code>",
    sorry="Sorry, something went wrong on my side. Please try again in a minute.",
    expired="That button has expired. Please ask again.",
    newer_button="‹ Newer",
    older_button="Older ›",
    more_button="More passages ▸",
    no_more="There are no more passages for this question.",
    inline_hint="Type a question about the peace talks",
    inline_unanswered="No article answers this. Tap for help",
    inline_unanswered_related="No article answers this; these may not either. Tap for help",
    may_not_answer="May not answer: {title}",
    untitled_quote="Quote",
    reindex_refused="Sorry, only the bot's admins can rebuild the index.",
    reindex_started="Rebuilding the index… I keep answering from the current one meanwhile.",
    already_rebuilding="A rebuild is already running; I will report when it is done.",
    progress="Rebuilding the index… {stage}",
    progress_encoding="Rebuilding the index… encoding new articles, {percent}%",
    stages={"starting": "starting", "reading": "reading", "saving": "saving"},
    rebuild_cancelled="Rebuild cancelled: the bot is stopping. The previous index is still serving.",
    rebuild_failed="Rebuild failed: {reason}\nThe previous index is still serving.",
    rebuilt="Rebuilt in {seconds} s: {counts}. Now answering from the new index.",
    skipped="{files} skipped:",
    skipped_more="… and {count} more (see the log).",
    only_admins_add="Only the bot's admins can add articles.",
    only_admins_remove="Only the bot's admins can remove articles.",
    link_from_non_admin=(
        "Only the bot's admins can add articles. Ask me a question about the peace talks instead, or see /help."
    ),
    add_usage="Add an article like this: /add https://example.org/news/talks (or just send me the link).",
    one_link="Send one link at a time, please: I add the article on that page.",
    remove_usage="Remove an article like this: /remove ARTICLE_ID (the ids are in /sources).",
    not_added="Not added: {reason}",
    not_an_article_file="{name} is not an article file. Send a {types} file.",
    too_large="{name} is larger than {limit} bytes.",
    download_failed="I could not download {name} from Telegram ({reason}).",
    add_failed="Not added: {what}: {reason}. The index is unchanged.",
    add_crashed=("Not added: {what}: the index could not be updated ({reason}). The previous index is still serving."),
    added="Added: {title} ({passages}), searchable now",
    updated="Updated: {title} ({passages}), searchable now",
    not_removed="Not removed: {reason}.",
    removed="Removed: {title}. The index now holds {articles}.",
    console_intro="Ask about the Russia–Ukraine peace talks. Commands: /sources, /more, /help, /quit (or Ctrl-D).",
    console_more="(/more for further passages)",
    commands={
        "ask": "Ask a question about the peace talks",
        "sources": "List the articles I quote from",
        "latest": "The newest articles",
        "help": "What I know and how to ask",
    },
    missing={},
    closest_published="",
    closest_written="",
    months="",
    months_of="",
    day="",
    day_yearless="",
    month="",
    year="",
    span="",
    thousands=",",
    decimal=".",
)

RU = Texts(
    language="ru",
    article=("статья", "статьи", "статей"),
    indexed_article=("статья", "статьи", "статей"),
    passage=("фрагмент", "фрагмента", "фрагментов"),
    file=("файл", "файла", "файлов"),
    question_label="Вопрос:",
    examples=(
        "Кто возглавляет российскую делегацию в Стамбуле?",
        "На что ссылается предложение России по переговорам?",
    ),
    ask_prompt="Задайте вопрос о мирных переговорах России и Украины, например:\n{examples}",
    small_talk={
        "greeting": "Здравствуйте! Я отвечаю на вопросы о мирных переговорах России и Украины цитатами из новостных "
        "статей. Спросите, например:\n{examples}",
        "about": "Я отвечаю на вопросы о мирных переговорах России и Украины цитатами из новостных статей с указанием "
        "источников и говорю, когда в статьях ответа нет. Спросите, например:\n{examples}\nПодробнее: /help, "
        "список статей: /sources.",
        "thanks": "Пожалуйста. Задавайте новые вопросы в любое время.",
        "farewell": "До свидания! Задавайте вопросы в любое время.",
        "acknowledgement": "Задавайте вопросы о мирных переговорах России и Украины в любое время.",
    },
    nothing_found=(
        "В статьях нет ничего, что отвечало бы на этот вопрос.{missing} "
        "Попробуйте другие слова или загляните в /sources: там всё, что я знаю."
    ),
    not_answered="В статьях не нашлось ответа на этот вопрос.",
    related="Ближайшие по смыслу фрагменты; возможно, они на него не отвечают:",
    page_of="(страница {page} из {pages})",
    hedge="Близкий по смыслу фрагмент; возможно, он не отвечает на вопрос «{question}».",
    help=(
        "Я отвечаю на вопросы о <b>мирных переговорах России и Украины</b> цитатами из новостных статей "
        "({articles}) со ссылками на источники. Ответов от себя я не сочиняю: если в статьях этого нет, "
        "так и скажу.\n\n"
        "<b>Как спросить</b>\n"
        "• здесь: просто напишите вопрос\n"
        "• в группе: <code>/ask ваш вопрос</code>, упомяните меня или ответьте на моё сообщение"
        "{inline}\n\n"
        "<b>Например</b>\n"
        "{examples}"
        "\n\n/sources — список статей, /latest — самые свежие."
        "{admin}"
    ),
    help_inline="\n• в любом чате: <code>@{bot} ваш вопрос</code>",
    help_admin=(
        "\n\n<b>Для администраторов</b>\n"
        "• <code>/add URL</code> или просто ссылка: добавить статью с этой страницы\n"
        "• файл .txt, .md или .html: добавить его как статью\n"
        "• <code>/remove ID</code>: убрать добавленную статью (id есть в /sources)\n"
        "• /reindex: перестроить весь индекс"
    ),
    no_articles="В индексе пока нет статей.",
    indexed="В индексе {articles}",
    newest="Последние {shown} · всего {articles}",
    more_articles="… и ещё {count}.",
    undated="без даты",
    non_text_hint="Я читаю только текст. Напишите вопрос о мирных переговорах России и Украины или отправьте /help.",
    ask_usage="Спросите так: <code>/ask Кто возглавляет российскую делегацию?</code>",
    sorry="Извините, у меня что-то пошло не так. Попробуйте ещё раз через минуту.",
    expired="Эта кнопка устарела. Задайте вопрос ещё раз.",
    newer_button="‹ Новые",
    older_button="Старые ›",
    more_button="Ещё фрагменты ▸",
    no_more="Других фрагментов по этому вопросу нет.",
    inline_hint="Напишите вопрос о мирных переговорах",
    inline_unanswered="Ответа в статьях нет. Нажмите для справки",
    inline_unanswered_related="Ответа в статьях нет, эти фрагменты могут не подойти. Нажмите для справки",
    may_not_answer="Может не отвечать: {title}",
    untitled_quote="Цитата",
    reindex_refused="Извините, перестраивать индекс могут только администраторы бота.",
    reindex_started="Перестраиваю индекс… Пока отвечаю по текущему.",
    already_rebuilding="Индекс уже перестраивается; сообщу, когда закончу.",
    progress="Перестраиваю индекс… {stage}",
    progress_encoding="Перестраиваю индекс… кодирую новые статьи, {percent}%",
    stages={"starting": "начинаю", "reading": "читаю статьи", "saving": "сохраняю"},
    rebuild_cancelled="Перестройка отменена: бот останавливается. Работает прежний индекс.",
    rebuild_failed="Перестроить индекс не удалось: {reason}\nРаботает прежний индекс.",
    rebuilt="Индекс перестроен за {seconds} с: {counts}. Теперь отвечаю по новому.",
    skipped="Не вошли в индекс ({files}):",
    skipped_more="… и ещё {count} (см. журнал).",
    only_admins_add="Добавлять статьи могут только администраторы бота.",
    only_admins_remove="Удалять статьи могут только администраторы бота.",
    link_from_non_admin=(
        "Добавлять статьи могут только администраторы бота. "
        "Задайте лучше вопрос о мирных переговорах или загляните в /help."
    ),
    add_usage="Добавьте статью так: /add https://example.org/news/talks (или просто пришлите ссылку).",
    one_link="Присылайте по одной ссылке: я добавляю статью с этой страницы.",
    remove_usage="Удалите статью так: /remove ARTICLE_ID (id есть в /sources).",
    not_added="Не добавлено: {reason}",
    not_an_article_file="{name} — не файл статьи. Пришлите файл {types}.",
    too_large="{name} больше {limit} байт.",
    download_failed="не удалось скачать {name} из Telegram ({reason}).",
    add_failed="Не добавлено: {what}: {reason}. Индекс не изменился.",
    add_crashed="Не добавлено: {what}: не удалось обновить индекс ({reason}). Работает прежний индекс.",
    added="Добавлено: {title} ({passages}), уже доступно для поиска",
    updated="Обновлено: {title} ({passages}), уже доступно для поиска",
    not_removed="Не удалено: {reason}.",
    removed="Удалено: {title}. Теперь в индексе {articles}.",
    console_intro=(
        "Спрашивайте о мирных переговорах России и Украины. Команды: /sources, /more, /help, /quit (или Ctrl-D)."
    ),
    console_more="(/more — следующие фрагменты)",
    commands={
        "ask": "Задать вопрос о мирных переговорах",
        "sources": "Статьи, из которых я цитирую",
        "latest": "Самые свежие статьи",
        "help": "Что я знаю и как спрашивать",
    },
    missing={
        "unknown_name": "Ни в одной статье не упоминается {subject}.",
        "unknown_number": "Ни в одной статье нет числа {subject}.",
        "unknown_word": "Ни в одной статье нет слова «{subject}».",
        "name_not_shown": "В показанных фрагментах не упоминается {subject}.",
        "number_not_shown": "В показанных фрагментах нет числа {subject}.",
        "word_not_shown": "В показанных фрагментах нет слова «{subject}».",
        "undated": "В статьях нет ничего за {period}{closest}.",
        "not_from": "Среди показанных фрагментов нет ни одного за {period}{closest}.",
        "no_type_duration": "В показанных фрагментах нет продолжительности, которая отвечала бы на вопрос.",
        "no_type_clock": "В показанных фрагментах нет точного времени, которое отвечало бы на вопрос.",
        "no_type_number": "В показанных фрагментах нет числа, которое отвечало бы на вопрос.",
        "no_type_date": "В показанных фрагментах нет даты, которая отвечала бы на вопрос.",
        "no_type_name": "В показанных фрагментах нет имени, которое отвечало бы на вопрос.",
        "no_type_place": "В показанных фрагментах нет места, которое отвечало бы на вопрос.",
        "no_type_statement": "В показанных фрагментах нет высказывания, которое отвечало бы на вопрос.",
        "another_of_series": "Ближайший фрагмент — о другом событии того же ряда (№ {other}), а не о № {subject}.",
        "speaker_unnamed": "{subject} не упоминается ни в ближайшем фрагменте, ни рядом с ним.",
    },
    closest_published="; ближайшие фрагменты — из статей за {period}",
    closest_written="; ближайшие фрагменты упоминают {period}",
    months="январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    months_of="января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    day="{day} {month} {year} года",
    day_yearless="{day} {month}",
    month="{month} {year} года",
    year="{year} год",
    span="период «{text}»",
    thousands="\u00a0",
    decimal=",",
)

UK = Texts(
    language="uk",
    article=("стаття", "статті", "статей"),
    indexed_article=("стаття", "статті", "статей"),
    passage=("фрагмент", "фрагменти", "фрагментів"),
    file=("файл", "файли", "файлів"),
    question_label="Питання:",
    examples=(
        "Хто очолює російську делегацію в Стамбулі?",
        "На що посилається пропозиція Росії щодо переговорів?",
    ),
    ask_prompt="Поставте запитання про мирні переговори Росії та України, наприклад:\n{examples}",
    small_talk={
        "greeting": "Вітаю! Я відповідаю на запитання про мирні переговори Росії та України цитатами з новинних "
        "статей. Запитайте, наприклад:\n{examples}",
        "about": "Я відповідаю на запитання про мирні переговори Росії та України цитатами з новинних статей із "
        "зазначенням джерел і кажу, коли в статтях відповіді немає. Запитайте, наприклад:\n{examples}\n"
        "Докладніше: /help, список статей: /sources.",
        "thanks": "Прошу. Ставте нові запитання будь-коли.",
        "farewell": "До побачення! Ставте запитання будь-коли.",
        "acknowledgement": "Ставте запитання про мирні переговори Росії та України будь-коли.",
    },
    nothing_found=(
        "У статтях немає нічого, що відповідало б на це запитання.{missing} "
        "Спробуйте інші слова або загляньте в /sources: там усе, що я знаю."
    ),
    not_answered="У статтях не знайшлося відповіді на це запитання.",
    related="Найближчі за змістом фрагменти; можливо, вони на нього не відповідають:",
    page_of="(сторінка {page} з {pages})",
    hedge="Близький за змістом фрагмент; можливо, він не відповідає на запитання «{question}».",
    help=(
        "Я відповідаю на запитання про <b>мирні переговори Росії та України</b> цитатами з новинних статей "
        "({articles}) з посиланнями на джерела. Відповідей від себе я не вигадую: якщо в статтях цього немає, "
        "так і скажу.\n\n"
        "<b>Як запитати</b>\n"
        "• тут: просто напишіть запитання\n"
        "• у групі: <code>/ask ваше запитання</code>, згадайте мене або відповідайте на моє повідомлення"
        "{inline}\n\n"
        "<b>Наприклад</b>\n"
        "{examples}"
        "\n\n/sources — перелік статей, /latest — найсвіжіші."
        "{admin}"
    ),
    help_inline="\n• у будь-якому чаті: <code>@{bot} ваше запитання</code>",
    help_admin=(
        "\n\n<b>Для адміністраторів</b>\n"
        "• <code>/add URL</code> або просто посилання: додати статтю з цієї сторінки\n"
        "• файл .txt, .md або .html: додати його як статтю\n"
        "• <code>/remove ID</code>: прибрати додану статтю (id є в /sources)\n"
        "• /reindex: перебудувати весь індекс"
    ),
    no_articles="В індексі поки немає статей.",
    indexed="В індексі {articles}",
    newest="Останні {shown} · усього {articles}",
    more_articles="… і ще {count}.",
    undated="без дати",
    non_text_hint="Я читаю лише текст. Напишіть запитання про мирні переговори Росії та України або надішліть /help.",
    ask_usage="Запитайте так: <code>/ask Хто очолює російську делегацію?</code>",
    sorry="Вибачте, у мене щось пішло не так. Спробуйте ще раз за хвилину.",
    expired="Ця кнопка застаріла. Поставте запитання ще раз.",
    newer_button="‹ Новіші",
    older_button="Старіші ›",
    more_button="Ще фрагменти ▸",
    no_more="Інших фрагментів за цим запитанням немає.",
    inline_hint="Напишіть запитання про мирні переговори",
    inline_unanswered="Відповіді в статтях немає. Натисніть для довідки",
    inline_unanswered_related="Відповіді в статтях немає, ці фрагменти можуть не підійти. Натисніть для довідки",
    may_not_answer="Може не відповідати: {title}",
    untitled_quote="Цитата",
    reindex_refused="Вибачте, перебудовувати індекс можуть лише адміністратори бота.",
    reindex_started="Перебудовую індекс… Тим часом відповідаю за поточним.",
    already_rebuilding="Індекс уже перебудовується; повідомлю, коли завершу.",
    progress="Перебудовую індекс… {stage}",
    progress_encoding="Перебудовую індекс… кодую нові статті, {percent}%",
    stages={"starting": "починаю", "reading": "читаю статті", "saving": "зберігаю"},
    rebuild_cancelled="Перебудову скасовано: бот зупиняється. Працює попередній індекс.",
    rebuild_failed="Перебудувати індекс не вдалося: {reason}\nПрацює попередній індекс.",
    rebuilt="Індекс перебудовано за {seconds} с: {counts}. Тепер відповідаю за новим.",
    skipped="Не ввійшли до індексу ({files}):",
    skipped_more="… і ще {count} (див. журнал).",
    only_admins_add="Додавати статті можуть лише адміністратори бота.",
    only_admins_remove="Вилучати статті можуть лише адміністратори бота.",
    link_from_non_admin=(
        "Додавати статті можуть лише адміністратори бота. "
        "Краще поставте запитання про мирні переговори або загляньте в /help."
    ),
    add_usage="Додайте статтю так: /add https://example.org/news/talks (або просто надішліть посилання).",
    one_link="Надсилайте по одному посиланню: я додаю статтю з цієї сторінки.",
    remove_usage="Вилучіть статтю так: /remove ARTICLE_ID (id є в /sources).",
    not_added="Не додано: {reason}",
    not_an_article_file="{name} — не файл статті. Надішліть файл {types}.",
    too_large="{name} більший за {limit} байтів.",
    download_failed="не вдалося завантажити {name} з Telegram ({reason}).",
    add_failed="Не додано: {what}: {reason}. Індекс не змінився.",
    add_crashed="Не додано: {what}: не вдалося оновити індекс ({reason}). Працює попередній індекс.",
    added="Додано: {title} ({passages}), уже доступно для пошуку",
    updated="Оновлено: {title} ({passages}), уже доступно для пошуку",
    not_removed="Не вилучено: {reason}.",
    removed="Вилучено: {title}. Тепер в індексі {articles}.",
    console_intro=(
        "Запитуйте про мирні переговори Росії та України. Команди: /sources, /more, /help, /quit (або Ctrl-D)."
    ),
    console_more="(/more — наступні фрагменти)",
    commands={
        "ask": "Поставити запитання про мирні переговори",
        "sources": "Статті, з яких я цитую",
        "latest": "Найсвіжіші статті",
        "help": "Що я знаю і як запитувати",
    },
    missing={
        "unknown_name": "У жодній статті не згадується {subject}.",
        "unknown_number": "У жодній статті немає числа {subject}.",
        "unknown_word": "У жодній статті немає слова «{subject}».",
        "name_not_shown": "У показаних фрагментах не згадується {subject}.",
        "number_not_shown": "У показаних фрагментах немає числа {subject}.",
        "word_not_shown": "У показаних фрагментах немає слова «{subject}».",
        "undated": "У статтях немає нічого за {period}{closest}.",
        "not_from": "Серед показаних фрагментів немає жодного за {period}{closest}.",
        "no_type_duration": "У показаних фрагментах немає тривалості, яка відповідала б на запитання.",
        "no_type_clock": "У показаних фрагментах немає точного часу, який відповідав би на запитання.",
        "no_type_number": "У показаних фрагментах немає числа, яке відповідало б на запитання.",
        "no_type_date": "У показаних фрагментах немає дати, яка відповідала б на запитання.",
        "no_type_name": "У показаних фрагментах немає імені, яке відповідало б на запитання.",
        "no_type_place": "У показаних фрагментах немає місця, яке відповідало б на запитання.",
        "no_type_statement": "У показаних фрагментах немає висловлювання, яке відповідало б на запитання.",
        "another_of_series": "Найближчий фрагмент — про іншу подію того ж ряду (№ {other}), а не про № {subject}.",
        "speaker_unnamed": "{subject} не згадується ні в найближчому фрагменті, ні поруч із ним.",
    },
    closest_published="; найближчі фрагменти — зі статей за {period}",
    closest_written="; найближчі фрагменти згадують {period}",
    months="січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень",
    months_of="січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    day="{day} {month} {year} року",
    day_yearless="{day} {month}",
    month="{month} {year} року",
    year="{year} рік",
    span="період «{text}»",
    thousands="\u00a0",
    decimal=",",
)

TEXTS: dict[Language, Texts] = {"en": EN, "ru": RU, "uk": UK}


def texts(language: Language) -> Texts:
    """The bot's words in `language`."""
    return TEXTS[language]


def language_for(question: str | None, language_code: str | None) -> Language:
    """The language of a reply: the question's if it has words, else the user's Telegram language, else English.
    A short Russian or Ukrainian text told by neither its letters nor the dictionaries ("ок") follows the user's
    Telegram where that is Russian or Ukrainian."""
    code = CODES.get((language_code or "").lower().replace("_", "-").split("-")[0], "en")
    if question and any(c.isalpha() for c in question):
        language, sure = detected_language(question)
        return language if sure or code == "en" else code
    return code


def language_of(update: Update, question: str | None = None) -> Language:
    """The language to answer `update` in: `question`'s (a short one told surely, `language_for`), else its sender's
    Telegram language, else English."""
    user = update.effective_user
    return language_for(question, user.language_code if user else None)


def number(value: int, language: Language) -> str:
    """'1,204' in English, '1 204' (with a no-break space) in Russian and Ukrainian."""
    return f"{value:,}".replace(",", texts(language).thousands)


def decimal(value: float, language: Language, digits: int = 1) -> str:
    """'12.5' in English, '12,5' in Russian and Ukrainian."""
    return f"{value:.{digits}f}".replace(".", texts(language).decimal)


def plural(count: int, noun: Noun, language: Language) -> str:
    """'1 article', '2 articles'; '1 статья', '2 статьи', '5 статей', '21 статья', '11 статей'."""
    one, few, many = noun
    if language == "en":
        form = one if count == 1 else few
    elif count % 10 == 1 and count % 100 != 11:
        form = one
    elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        form = few
    else:
        form = many
    return f"{number(count, language)} {form}"


def period_words(period: Period, language: Language) -> str:
    """The period as the object of 'за …' ('май 2025 года', '16 травня 2025 року'); English: its label."""
    if language == "en":
        return period.label
    t = texts(language)
    start, end = period.start, period.end
    if period.yearless:
        return t.day_yearless.format(day=start.day, month=t.months_of.split()[start.month - 1])
    if start == end:
        return t.day.format(day=start.day, month=t.months_of.split()[start.month - 1], year=start.year)
    if period.whole_year:
        return t.year.format(year=start.year)
    if start.day == 1 and (start.month, start.year) == (end.month, end.year):
        return t.month.format(month=t.months.split()[start.month - 1], year=start.year)
    return t.span.format(text=period.text)


def missing_text(reason: Missing, language: Language) -> str:
    """One reason why the articles may not answer, as a sentence in `language`."""
    if language == "en":
        return reason.english
    t = texts(language)
    if reason.kind == "no_type":
        return t.missing.get(f"no_type_{reason.subject}", t.missing["no_type_number"])
    if reason.kind in ("undated", "not_from"):
        assert reason.period is not None
        closest = ""
        if reason.closest is not None:
            said = t.closest_published if reason.closest_published else t.closest_written
            closest = said.format(period=period_words(reason.closest, language))
        return t.missing[reason.kind].format(period=period_words(reason.period, language), closest=closest)
    if reason.kind == "another_of_series":  # as numbers: the ordinals are written in the question's or article's words
        asked, told = (ordinal_number(w) or w for w in (reason.subject, reason.other))
        return t.missing[reason.kind].format(subject=asked, other=told)
    return one_full_stop(t.missing[reason.kind].format(subject=reason.subject))

"""Telegram handlers: each translates between an update and the engine, and holds no retrieval logic."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, InlineKeyboardButtonLimit, InlineQueryLimit, InlineQueryResultLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.answers import Answer, Quote
from bot.ingest import add_link, is_admin, links_in, only_a_link
from bot.reindex import run_reindex
from bot.render import (
    LATEST,
    MAX_MESSAGE,
    MAX_TITLE_CHARS,
    SOURCES_PAGE,
    answer_html,
    cut,
    fitted_quote_html,
    hedge_html,
    help_html,
    page_start,
    sources_page_html,
)
from bot.state import state_of
from bot.texts import TEXTS, language_of, texts
from index.languages import Language

log = logging.getLogger(__name__)

INLINE_RESULTS = min(10, InlineQueryLimit.RESULTS)
INLINE_DESCRIPTION_CHARS = 120
MORE = "more:"  # callback data of the "more" button: MORE + the page to show + ":" + the question's hash
MORE_DATA = re.compile(rf"^{MORE}(\d+):([0-9a-f]{{8}})$")  # older buttons' `more:N` carry no hash: expired
SOURCES = "src:"  # callback data of the /sources paging buttons: SOURCES + the offset of the page to show
SOURCES_DATA = re.compile(rf"^{SOURCES}(\d{{1,9}})$")
INLINE_CACHE_SECONDS = 30
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: say what the bot knows and how to ask it."""
    if update.effective_message:
        admin = is_admin(update, context)
        text = help_html(state_of(context).engine.articles, context.bot.username, admin, language_of(update))
        await update.effective_message.reply_html(text, link_preview_options=NO_PREVIEW)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The first page of the indexed articles, newest first, with buttons to page through the rest."""
    if update.effective_message:
        text, markup = _sources_page(update, context, 0)
        await update.effective_message.reply_html(text, reply_markup=markup, link_preview_options=NO_PREVIEW)


async def sources_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An "Older ›" or "‹ Newer" button of /sources: show that page in the same message."""
    query = update.callback_query
    if query is None:
        return
    data = SOURCES_DATA.match(query.data or "")
    if data is None or not isinstance(query.message, Message):
        await query.answer(texts(language_of(update)).expired, show_alert=True)
        return
    text, markup = _sources_page(update, context, int(data[1]))
    await query.answer()
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # the page shown already (say, a double tap)
            raise


def _sources_page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, offset: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The page of /sources from `offset` (ids shown to admins) and its paging buttons."""
    articles, language = state_of(context).engine.articles, language_of(update)
    offset = page_start(len(articles), offset)
    text, shown = sources_page_html(articles, offset, ids=is_admin(update, context), language=language)
    t, buttons = texts(language), []
    if offset > 0:
        buttons.append(InlineKeyboardButton(t.newer_button, callback_data=f"{SOURCES}{max(0, offset - SOURCES_PAGE)}"))
    if offset + shown < len(articles):
        buttons.append(InlineKeyboardButton(t.older_button, callback_data=f"{SOURCES}{offset + shown}"))
    return text, InlineKeyboardMarkup([buttons]) if buttons else None


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The newest articles with their dates."""
    if update.effective_message:
        articles = state_of(context).engine.articles
        ids, language = is_admin(update, context), language_of(update)
        text, _ = sources_page_html(articles, 0, LATEST, ids=ids, latest=True, language=language)
        await update.effective_message.reply_html(text, link_preview_options=NO_PREVIEW)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask QUESTION` (also `/ask@botname` in groups)."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_html(texts(language_of(update)).ask_usage, do_quote=_in_group(message))
        return
    await answer_message(message, question, context, language_of(update, question))


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat a text is a question; an admin's link is an article to add, a link alone is no question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if is_admin(update, context) and (links := links_in(message)):
        await add_link(message, links, context, language_of(update))
    elif only_a_link(message):
        await message.reply_text(texts(language_of(update)).link_from_non_admin)
    else:
        await answer_message(message, message.text, context, language_of(update, message.text))


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only messages that mention the bot or reply to it; leave the rest alone."""
    message = update.effective_message
    if message is None or not message.text:
        return
    username = context.bot.username
    mention = re.compile(rf"@{re.escape(username)}\b", re.IGNORECASE)
    replied_to_bot = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if not mention.search(message.text) and not replied_to_bot:
        return
    question = mention.sub(" ", message.text).strip()
    if not question:
        await message.reply_html(texts(language_of(update)).ask_usage, do_quote=True)
        return
    await answer_message(message, question, context, language_of(update, question))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like in a private chat get a short hint."""
    if update.effective_message:
        await update.effective_message.reply_text(texts(language_of(update)).non_text_hint)


async def answer_message(
    message: Message, question: str, context: ContextTypes.DEFAULT_TYPE, language: Language
) -> None:
    """Answer a question in `language` in the chat it came from, threaded to it in groups."""
    # No "typing…" action: answers take milliseconds, and each API call spends Telegram's flood budget.
    answer = await asyncio.to_thread(state_of(context).engine.answer, question)
    await message.reply_html(
        answer_html(answer, language=language),
        do_quote=_in_group(message),
        reply_markup=_more_button(answer, 1, language),
        link_preview_options=NO_PREVIEW,
    )


def _more_button(answer: Answer, page: int, language: Language) -> InlineKeyboardMarkup | None:
    """A "more" button for `page` of the answer, if there is such a page, labelled in `language`."""
    if page >= answer.pages:
        return None
    data = f"{MORE}{page}:{_question_hash(answer.question)}"
    assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts(language).more_button, callback_data=data)]])


def _question_hash(question: str) -> str:
    """8 hex digits of the question as the engine cleaned it: the "more" button checks the echo against it."""
    return hashlib.blake2b(" ".join(question.split()).encode(), digest_size=4).hexdigest()


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "more" button: send the answer's next page and take the button off the old message.

    Stateless: the question is read back from the message the button is under, and must match the
    hash in the button's data, so a button only ever pages through the question it was made for (not
    a shortened echo of it, nor another answer it is forged onto), and still works after a restart.
    """
    query = update.callback_query
    if query is None or not query.data:
        return
    message = query.message
    question = _question_of(message) if isinstance(message, Message) else None
    data = MORE_DATA.match(query.data)
    # The next page in the first one's language, whoever presses (a short question may follow the asker's Telegram).
    language = (_answered_in(message) if isinstance(message, Message) else None) or language_of(update, question)
    if not isinstance(message, Message) or question is None or data is None or data[2] != _question_hash(question):
        await query.answer(texts(language).expired, show_alert=True)
        return
    page = int(data[1])
    answer = await asyncio.to_thread(state_of(context).engine.answer, question)
    if not 0 < page < answer.pages:
        await query.answer(texts(language).no_more, show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await message.reply_html(
        answer_html(answer, page, language),
        reply_markup=_more_button(answer, page + 1, language),
        link_preview_options=NO_PREVIEW,
        do_quote=_in_group(message),
    )


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on a button this version does not know (say, from before an upgrade)."""
    if update.callback_query:
        await update.callback_query.answer(texts(language_of(update)).expired, show_alert=True)


def _answered_in(message: Message) -> Language | None:
    """The language of an answer, by the label it starts with; None for any other message."""
    return next((t.language for t in TEXTS.values() if (message.text or "").startswith(f"{t.question_label} ")), None)


def _question_of(message: Message) -> str | None:
    """The question an answer echoes in italics after its label (in any language); None for any other message."""
    language = _answered_in(message)
    if language is None:
        return None
    italics = sorted(message.parse_entities([MessageEntity.ITALIC]).items(), key=lambda item: item[0].offset)
    if not italics or italics[0][0].offset != len(texts(language).question_label) + 1:
        return None
    return italics[0][1].strip() or None


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@botname question` in any chat: one result per quote."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    language = language_of(update, question)
    t = texts(language)
    answer = await asyncio.to_thread(state_of(context).engine.answer, question, INLINE_RESULTS) if question else None
    if answer is None or answer.small_talk:  # nothing asked: "", "hi"
        hint = InlineQueryResultsButton(text=t.inline_hint, start_parameter="help")
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=hint)
        return
    # Only the first quote of a found answer was judged to answer it: the others are hedged like related passages.
    hedge = hedge_html(answer.question, language)
    made = (
        _inline_result(q, None if answer.found and n == 0 else hedge, language) for n, q in enumerate(answer.quotes)
    )
    results: dict[str, InlineQueryResultArticle] = {}
    for result in made:  # one result per id, the first kept: Telegram refuses an answer with a repeated id as a whole
        results.setdefault(result.id, result)
    button = None
    if not answer.found:
        text = t.inline_unanswered_related if results else t.inline_unanswered
        button = InlineQueryResultsButton(text=text, start_parameter="help")
    await query.answer(list(results.values())[:INLINE_RESULTS], cache_time=INLINE_CACHE_SECONDS, button=button)


def _inline_result(q: Quote, hedge: str | None, language: Language) -> InlineQueryResultArticle:
    """A quote as an inline result, every part within Telegram's limits; a related passage says it may not answer."""
    t = texts(language)
    title = cut(q.title or t.untitled_quote, MAX_TITLE_CHARS)
    body = fitted_quote_html(q) if hedge is None else hedge + "\n" + fitted_quote_html(q, MAX_MESSAGE - len(hedge) - 1)
    return InlineQueryResultArticle(
        id=_result_id(q),
        title=title if hedge is None else cut(t.may_not_answer.format(title=title), MAX_TITLE_CHARS),
        description=cut(" ".join(q.quote.split()), INLINE_DESCRIPTION_CHARS),
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW),
    )


def _result_id(q: Quote) -> str:
    """A short id unique to the quote: Telegram wants at most 64 bytes, distinct within one answer."""
    digest = hashlib.blake2b(f"{q.article_id}:{q.start}:{q.end}".encode(), digest_size=16).hexdigest()
    assert len(digest) <= InlineQueryResultLimit.MAX_ID_LENGTH
    return digest


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index in the background (admins only); answers keep coming from the old one."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    state, language = state_of(context), language_of(update)
    t = texts(language)
    if user is None or user.id not in state.settings.admin_ids:
        await message.reply_text(t.reindex_refused)
        return
    if state.engine.rebuilding:
        await message.reply_text(t.already_rebuilding)
        return
    status = await message.reply_text(t.reindex_started)
    context.application.create_task(run_reindex(state.engine, status, language), update=update, name="reindex")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error, then tell the user something short and polite where they asked something."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    text = update.effective_message.text if update.effective_message else None
    sorry = texts(language_of(update, None if (text or "/").startswith("/") else text)).sorry  # a question's language
    if update.callback_query:
        await _quietly(update.callback_query.answer(sorry))
    elif update.effective_message and (
        update.effective_chat is None
        or update.effective_chat.type == ChatType.PRIVATE
        or (update.effective_message.text or "").startswith("/")
    ):
        await _quietly(update.effective_message.reply_text(sorry))


async def _quietly(call: object) -> None:
    """Await a Bot API call whose failure must not raise from the error handler itself."""
    try:
        await call  # type: ignore[misc]
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


def _in_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

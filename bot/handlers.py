"""Telegram handlers: each translates between an update and the engine, and holds no retrieval logic."""

from __future__ import annotations

import asyncio
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
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.answers import Answer
from bot.reindex import run_reindex
from bot.render import answer_html, help_html, quote_html, sources_html
from bot.state import BotState, state_of

log = logging.getLogger(__name__)

INLINE_RESULTS = 10
INLINE_CACHE_SECONDS = 30
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NON_TEXT_HINT = "I can only read text. Send me a question about the Russia–Ukraine peace talks, or /help."
ASK_USAGE = "Ask like this: <code>/ask Who leads the Russian delegation?</code>"
SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: say what the bot knows and how to ask it."""
    if update.effective_message:
        text = help_html(state_of(context).engine.articles, context.bot.username)
        await update.effective_message.reply_html(text, link_preview_options=NO_PREVIEW)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the indexed articles."""
    if update.effective_message:
        text = sources_html(state_of(context).engine.articles)
        await update.effective_message.reply_html(text, link_preview_options=NO_PREVIEW)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask QUESTION` (also `/ask@botname` in groups)."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_html(ASK_USAGE, do_quote=_in_group(message))
        return
    await answer_message(message, question, context)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat any text is a question."""
    if update.effective_message and update.effective_message.text:
        await answer_message(update.effective_message, update.effective_message.text, context)


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
        await message.reply_html(ASK_USAGE, do_quote=True)
        return
    await answer_message(message, question, context)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like in a private chat get a short hint."""
    if update.effective_message:
        await update.effective_message.reply_text(NON_TEXT_HINT)


async def answer_message(message: Message, question: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question in the chat it came from, threaded to it in groups."""
    state = state_of(context)
    # No "typing…" action: answers take milliseconds, and each API call spends Telegram's flood budget.
    answer = await asyncio.to_thread(state.engine.answer, question)
    await message.reply_html(
        answer_html(answer),
        do_quote=_in_group(message),
        reply_markup=_more_button(state, answer, 1),
        link_preview_options=NO_PREVIEW,
    )


def _more_button(state: BotState, answer: Answer, page: int, key: str | None = None) -> InlineKeyboardMarkup | None:
    """A "more" button for `page` of the answer, if there is such a page."""
    if page >= answer.pages:
        return None
    key = key or state.answers.put(answer)
    return InlineKeyboardMarkup([[InlineKeyboardButton("More passages ▸", callback_data=f"more:{key}:{page}")]])


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "more" button: send the answer's next page and take the button off the old message."""
    query = update.callback_query
    if query is None or not query.data:
        return
    state = state_of(context)
    match = re.fullmatch(r"more:([\w-]+):(\d+)", query.data)
    answer = state.answers.get(match.group(1)) if match else None
    if match is None or answer is None:
        await query.answer("That answer has expired. Please ask again.", show_alert=True)
        return
    page = int(match.group(2))
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    await message.edit_reply_markup(reply_markup=None)
    await message.reply_html(
        answer_html(answer, page),
        reply_markup=_more_button(state, answer, page + 1, key=match.group(1)),
        link_preview_options=NO_PREVIEW,
        do_quote=_in_group(message),
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@botname question` in any chat: one result per quote."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if not question:
        hint = InlineQueryResultsButton(text="Type a question about the peace talks", start_parameter="help")
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, button=hint)
        return
    answer = await asyncio.to_thread(state_of(context).engine.answer, question, INLINE_RESULTS)
    results = [
        InlineQueryResultArticle(
            id=f"{q.article_id}:{q.start}"[:64],
            title=(q.title or "Quote")[:256],
            description=q.quote[:120],
            input_message_content=InputTextMessageContent(
                quote_html(q), parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            ),
        )
        for q in answer.quotes[:INLINE_RESULTS]
    ]
    button = None
    if not results:
        button = InlineQueryResultsButton(text="No article answers this. Tap for help", start_parameter="help")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, button=button)


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index in the background (admins only); answers keep coming from the old one."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    state = state_of(context)
    if user is None or user.id not in state.settings.admin_ids:
        await message.reply_text("Sorry, only the bot's admins can rebuild the index.")
        return
    if state.reindexing:
        await message.reply_text("A rebuild is already running; I will report when it is done.")
        return
    state.reindexing = True
    status = await message.reply_text("Rebuilding the index… I keep answering from the current one meanwhile.")
    context.application.create_task(run_reindex(state, status), update=update, name="reindex")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error, then tell the user something short and polite where they asked something."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.callback_query:
        await _quietly(update.callback_query.answer(SORRY))
    elif update.effective_message and (
        update.effective_chat is None
        or update.effective_chat.type == ChatType.PRIVATE
        or (update.effective_message.text or "").startswith("/")
    ):
        await _quietly(update.effective_message.reply_text(SORRY))


async def _quietly(call: object) -> None:
    """Await a Bot API call whose failure must not raise from the error handler itself."""
    try:
        await call  # type: ignore[misc]
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


def _in_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)

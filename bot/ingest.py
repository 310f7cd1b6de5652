"""Telegram's ways into the corpus: admins' links and files, posts of INGEST_CHATS, and /remove.

Each ends in `Engine.add` or `Engine.remove`, run in a worker thread; a failure is a one-line reply and
leaves the live index and the article store as they were.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, FileSizeLimit, MessageLimit
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.render import cut
from bot.state import BotState, state_of
from bot.texts import language_of, number, plural, texts
from index.articles import SUFFIXES, UnreadableArticle
from index.errors import BuildInProgressError, FetchError, TalksbotError
from index.fetch import fetch_page, shown
from index.ingest import Outcome, draft_of_file, draft_of_page
from index.languages import Language
from index.library import Draft

log = logging.getLogger(__name__)

MIN_POST_CHARS = 200  # a shorter post is a remark, not an article
POST_TITLE_CHARS = 120
FILE_TYPES = ", ".join(sorted(SUFFIXES))
RETRY_SECONDS = 5.0  # a post that finds the index busy is added again this much later…
PATIENCE_SECONDS = 15 * 60.0  # …for up to this long (a full rebuild of a large corpus)


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the update comes from one of ADMIN_IDS."""
    user = update.effective_user
    return user is not None and user.id in state_of(context).settings.admin_ids


async def admins_message(update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str) -> Message | None:
    """The update's message if an admin sent it; anyone else gets `refusal` as the reply, and None comes back."""
    message = update.effective_message
    if message is not None and not is_admin(update, context):
        await message.reply_text(refusal)
        return None
    return message


def links_in(message: Message) -> list[str]:
    """The links Telegram marked in a message's text, in order, each once (a bare domain gets https://)."""
    links: list[str] = []
    for entity, text in message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK]).items():
        link = entity.url if entity.type == MessageEntity.TEXT_LINK and entity.url else text
        link = link if "://" in link else f"https://{link}"
        if link not in links:
            links.append(link)
    return links


def only_a_link(message: Message) -> bool:
    """Whether the message's text is nothing but one link."""
    urls = message.parse_entities([MessageEntity.URL])
    return len(urls) == 1 and (message.text or "").strip() == next(iter(urls.values()))


async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL (admins): fetch the page and add its article."""
    language = language_of(update)
    message = await admins_message(update, context, texts(language).only_admins_add)
    if message is None:
        return
    links = links_in(message)
    if not links:
        await message.reply_text(texts(language).add_usage)
        return
    await add_link(message, links, context, language)


async def add_link(
    message: Message, links: Sequence[str], context: ContextTypes.DEFAULT_TYPE, language: Language
) -> None:
    """Fetch the one link an admin sent and add its article, replying with the outcome in `language`."""
    t = texts(language)
    if len(links) != 1:
        await message.reply_text(t.one_link)
        return
    await message.reply_chat_action(ChatAction.TYPING)
    state = state_of(context)
    try:
        page = await fetch_page(links[0], state.settings)
    except FetchError as exc:
        log.info("not added from %s: %s", shown(links[0]), exc)
        await message.reply_text(_said(t.not_added.format(reason=exc)))
        return
    await message.reply_text(await add_drafts(state, [draft_of_page(page)], shown(links[0]), language))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A .txt, .md or .html file in a private chat (admins): add it as an article."""
    language = language_of(update)
    t = texts(language)
    message = await admins_message(update, context, t.only_admins_add)
    if message is None or message.document is None:
        return
    state = state_of(context)
    name = message.document.file_name or "article"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        reason = t.not_an_article_file.format(name=name, types=FILE_TYPES)
        await message.reply_text(_said(t.not_added.format(reason=reason)))
        return
    limit = min(state.settings.fetch_max_bytes, FileSizeLimit.FILESIZE_DOWNLOAD)
    too_large = t.not_added.format(reason=t.too_large.format(name=name, limit=number(limit, language)))
    if (message.document.file_size or 0) > limit:
        await message.reply_text(_said(too_large))
        return
    await message.reply_chat_action(ChatAction.TYPING)
    try:
        content = await (await message.document.get_file()).download_as_bytearray()
    except TelegramError as exc:
        log.warning("could not download %s: %s", name, exc)
        reason = t.download_failed.format(name=name, reason=exc.message)
        await message.reply_text(_said(t.not_added.format(reason=reason)))
        return
    if len(content) > limit:
        await message.reply_text(_said(too_large))
        return
    try:
        draft = await asyncio.to_thread(_draft_of_bytes, bytes(content), suffix)
    except UnreadableArticle as exc:
        await message.reply_text(_said(t.not_added.format(reason=f"{name}: {exc}")))
        return
    draft = draft if draft.title else replace(draft, title=Path(name).stem)
    await message.reply_text(await add_drafts(state, [draft], name, language))


def _draft_of_bytes(content: bytes, suffix: str) -> Draft:
    """A downloaded file as a draft, read from a temporary file with its own suffix (which says its format)."""
    with tempfile.TemporaryDirectory(prefix="talksbot-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        return draft_of_file(path)


async def add_drafts(
    state: BotState, drafts: list[Draft], what: str, language: Language = "en", patient: bool = False
) -> str:
    """Add the drafts in a worker thread; what became of each, or why nothing was added, in `language`.

    Additions from chats wait for each other. `patient`: while a rebuild or a feed poll holds the index,
    try again every RETRY_SECONDS for up to PATIENCE_SECONDS (a channel's post has no one to tell to retry).
    """
    waited, t = 0.0, texts(language)
    try:
        while True:
            async with state.adding:
                try:
                    change = await asyncio.to_thread(state.engine.add, drafts)
                    break
                except BuildInProgressError:
                    if not patient or waited >= PATIENCE_SECONDS:
                        raise
            log.info("the index is busy; adding %s again in %g s", what, RETRY_SECONDS)
            await asyncio.sleep(RETRY_SECONDS)
            waited += RETRY_SECONDS
    except TalksbotError as exc:
        log.warning("not added: %s: %s", what, exc)
        return _said(t.add_failed.format(what=what, reason=exc))
    except Exception as exc:
        log.exception("adding %s failed", what)
        return _said(t.add_crashed.format(what=what, reason=f"{type(exc).__name__}: {exc}"))
    for outcome in change.outcomes:
        log.info("%s", outcome.describe())
    return _said("\n".join(outcome_text(o, language) for o in change.outcomes))


def outcome_text(outcome: Outcome, language: Language) -> str:
    """One line for the admin: "Added: title (12 passages), searchable now", or why not, in `language`."""
    t = texts(language)
    draft = outcome.draft
    title = (outcome.article.title if outcome.article else None) or draft.title or draft.url or t.article[0]
    if outcome.refused:
        return t.not_added.format(reason=f"{title}: {outcome.refused}")
    said = t.updated if outcome.replaced else t.added
    return said.format(title=title, passages=plural(outcome.passages, t.passage, language))


async def chat_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post (new or edited) in a channel or group: an article if the chat is one of INGEST_CHATS."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    state = state_of(context)
    where = f"@{chat.username}" if chat.username else str(chat.id)
    if not state.settings.ingests(chat.id, chat.username):
        # Anyone can add the bot to a channel: say so in the log. A group's chatter is only a debug line.
        level = logging.INFO if chat.type == ChatType.CHANNEL else logging.DEBUG
        log.log(level, "ignored a post from %s (%s): not one of INGEST_CHATS", where, chat.type)
        return
    draft, reason = draft_of_post(message)
    if draft is None:
        log.info("skipped post %s of %s: %s", message.message_id, where, reason)
        return
    log.info("%s", await add_drafts(state, [draft], f"post {message.message_id} of {where}", "en", patient=True))


def draft_of_post(message: Message) -> tuple[Draft | None, str]:
    """A post as a draft (title: its first line; URL: its t.me link; date: the day it was posted), or why not."""
    text = (message.text or message.caption or "").strip()
    if len(text) < MIN_POST_CHARS:
        return None, f"{len(text)} characters, shorter than an article ({MIN_POST_CHARS})"
    url = post_link(message)
    if url is None:
        return None, "a basic group's posts have no links to tell them apart: make it a supergroup"
    first_line = text.splitlines()[0].strip()
    chat = message.chat
    source = chat.title or (f"@{chat.username}" if chat.username else None)
    return Draft(text, cut(first_line, POST_TITLE_CHARS), source, url, message.date.date().isoformat()), ""


def post_link(message: Message) -> str | None:
    """The post's t.me link: by username where the chat has one, else the private t.me/c/ form."""
    chat = message.chat
    if chat.type not in (ChatType.CHANNEL, ChatType.SUPERGROUP):
        return None
    if chat.username:
        return f"https://t.me/{chat.username}/{message.message_id}"
    return f"https://t.me/c/{str(chat.id).removeprefix('-100')}/{message.message_id}"


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove ARTICLE_ID (admins): take an added article out of the index and the article store."""
    language = language_of(update)
    t = texts(language)
    message = await admins_message(update, context, t.only_admins_remove)
    if message is None:
        return
    article_id = " ".join(context.args or []).strip()
    if not article_id:
        await message.reply_text(t.remove_usage)
        return
    engine = state_of(context).engine
    title = next((a.title or a.id for a in engine.articles if a.id == article_id), article_id)
    try:
        report = await asyncio.to_thread(engine.remove, [article_id])
    except TalksbotError as exc:
        await message.reply_text(_said(t.not_removed.format(reason=exc)))
        return
    log.info("removed %s (%s)", article_id, title)
    articles = plural(report.articles, t.article, language)
    await message.reply_text(_said(t.removed.format(title=title, articles=articles)))


def _said(text: str) -> str:
    """A reply within Telegram's message length."""
    return cut(text, MessageLimit.MAX_TEXT_LENGTH)

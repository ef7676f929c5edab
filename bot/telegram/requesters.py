"""Who is asking: the core's Requester for a Telegram update, with the chat-admin check."""

from __future__ import annotations

import logging

from telegram import Bot, Chat, ChatMember, Message, User
from telegram.error import TelegramError

from bot.core import Requester

log = logging.getLogger(__name__)

PLATFORM = "telegram"
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def is_chat_admin(bot: Bot, chat: Chat, user: User, message: Message | None = None) -> bool:
    """True if `user` administers the group `chat` (getChatMember); False in private chats.

    A message sent "as the group" by an anonymous admin (sender_chat is the chat) counts too.
    """
    if chat.type == Chat.PRIVATE:
        return False
    sender_chat = message.sender_chat if message is not None else None
    if sender_chat is not None and sender_chat.id == chat.id:
        return True
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.warning("getChatMember(%s, %s) failed: %s", chat.id, user.id, error)
        return False
    return member.status in ADMIN_STATUSES


def requester(chat_id: int, user_id: int, is_admin: bool = False) -> Requester:
    """The core's Requester for a user in a chat."""
    return Requester(PLATFORM, str(user_id), str(chat_id), is_platform_admin=is_admin)


async def admin_requester(bot: Bot, chat: Chat, user: User, message: Message | None = None) -> Requester:
    """The Requester, with `is_platform_admin` looked up (one getChatMember in groups)."""
    return requester(chat.id, user.id, await is_chat_admin(bot, chat, user, message))

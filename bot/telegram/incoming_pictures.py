"""Images in Telegram messages: which file to take, checks before downloading, photo-size limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from telegram import Bot, Message
from telegram.constants import FileSizeLimit

from bot.core import InvalidImage, shown_name

DOWNLOAD_LIMIT_BYTES = FileSizeLimit.FILESIZE_DOWNLOAD  # 20 MB: getFile's limit (Bot API)
PHOTO_LIMIT_BYTES = FileSizeLimit.PHOTOSIZE_UPLOAD  # 10 MB: sendPhoto's limit (Bot API)
PHOTO_MAX_WIDTH_PLUS_HEIGHT = 10_000  # sendPhoto: width + height at most 10000 (Bot API)
PHOTO_MAX_ASPECT = 20  # sendPhoto: width / height ratio at most 20 (Bot API)


@dataclass(frozen=True)
class ImageRef:
    """A user's image on Telegram's servers: its file id, declared size and the message it came in.

    kind: "photo" (recompressed by Telegram, at most 2560 px) or "document" (the original file).
    """

    file_id: str
    file_size: int | None
    message_id: int
    kind: str
    name: str


def _megabytes(count: int) -> str:
    """'12.3 MB' for a byte count."""
    return f"{count / 1e6:.1f} MB"


def image_from_message(message: Message) -> ImageRef | None:
    """The largest size of a photo, or the document, of `message`; None if it has neither."""
    if message.photo:
        largest = message.photo[-1]
        return ImageRef(largest.file_id, largest.file_size, message.message_id, "photo", "photo")
    document = message.document
    if document is None:
        return None
    name = shown_name(document.file_name or "file")  # the format is judged from the bytes, as on Discord
    return ImageRef(document.file_id, document.file_size, message.message_id, "document", name)


def check_before_download(image: ImageRef, max_bytes: int) -> None:
    """Refuse, from the size Telegram declares, a file that cannot or may not be downloaded.

    Raises InvalidImage above getFile's 20 MB or above `max_bytes` (the bot's own limit).
    """
    size = image.file_size
    if size is None:
        return
    if size > DOWNLOAD_LIMIT_BYTES:
        raise InvalidImage(
            f"{image.name} is {_megabytes(size)}, and Telegram lets bots download at most "
            f"{_megabytes(DOWNLOAD_LIMIT_BYTES)}. Send a smaller file, or send it as a photo."
        )
    if size > max_bytes:
        raise InvalidImage(
            f"{image.name} is {_megabytes(size)}; this bot accepts images up to "
            f"{_megabytes(max_bytes)}. Send a smaller file, or send it as a photo."
        )


async def download(bot: Bot, image: ImageRef) -> bytes:
    """The file's bytes, through getFile and the file download URL."""
    file = await bot.get_file(image.file_id)
    return bytes(await file.download_as_bytearray())


def fits_as_photo(path: Path) -> bool:
    """True if sendPhoto takes this image file: <= 10 MB, width + height <= 10000, ratio <= 20."""
    if path.stat().st_size > PHOTO_LIMIT_BYTES:
        return False
    with Image.open(path) as image:
        width, height = image.size
    ratio = max(width, height) / max(1, min(width, height))
    return width + height <= PHOTO_MAX_WIDTH_PLUS_HEIGHT and ratio <= PHOTO_MAX_ASPECT

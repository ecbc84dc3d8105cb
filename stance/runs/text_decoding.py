"""Bytes to article text: encoding, size limit and the checks whose messages say the fix.

Offsets in every record refer to the text produced here, so decoding is strict: a file
in the wrong encoding is refused with the option or command that reads it, never
guessed at or repaired with replacement characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from stance.errors import ConfigError, InputError

__all__ = [
    "DEFAULT_ENCODING",
    "DEFAULT_MAX_CHARS",
    "STDIN",
    "TextRules",
    "check_id",
    "clean_text",
    "printable",
]

STDIN = "<stdin>"
DEFAULT_ENCODING = "utf-8"
# About 300,000 words, far beyond any news article; a larger "article" is almost
# always a dump or a wrong file, and would cost thousands of model calls.
DEFAULT_MAX_CHARS = 2_000_000
# No common encoding needs more than four bytes for one character, so a file larger
# than this many bytes per allowed character is refused before it is read.
_MAX_BYTES_PER_CHAR = 4
_WIDE = ("utf-16", "utf-32")  # encodings where NUL bytes are ordinary


def clean_text(text: str) -> str:
    """Drop a BOM and normalise line endings: the stored text is what offsets refer to."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class TextRules:
    """How input bytes become article text; built once per run by ``make``."""

    encoding: str = DEFAULT_ENCODING
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def make(cls, encoding: str, max_chars: int) -> TextRules:
        """Check the options up front, so a typo stops the run before any file is read."""
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            msg = f"unknown --encoding {encoding!r}; use e.g. utf-8, latin-1 or cp1252"
            raise ConfigError(msg) from None
        if max_chars < 1:
            raise ConfigError(f"--max-chars must be at least 1, got {max_chars}")
        return cls(name, max_chars)

    def check_size(self, nbytes: int, where: str) -> None:
        """Refuse a file that cannot fit the limit, from its size alone (no read)."""
        if nbytes > _MAX_BYTES_PER_CHAR * self.max_chars:
            self._too_large(f"{nbytes / 1e6:.1f} MB", nbytes, where)

    def check_length(self, text: str, where: str) -> None:
        if len(text) > self.max_chars:
            self._too_large(f"{len(text):,} characters", len(text), where)

    def _too_large(self, size: str, enough: int, where: str) -> None:
        raise InputError(
            f"{where}: article too large ({size}); the limit is {self.max_chars:,} "
            f"characters per article. Split it, or raise the limit with --max-chars {enough}"
        )

    def decode(self, data: bytes, where: str) -> str:
        """Decoded, cleaned, non-blank text, or InputError saying how to fix the file."""
        utf8 = self.encoding == "utf-8"
        if utf8 and data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(
                f"{where}: text is UTF-16, expected UTF-8; rerun with --encoding utf-16 "
                "or convert it with iconv -f UTF-16 -t UTF-8"
            )
        if b"\x00" in data and not self.encoding.startswith(_WIDE):
            raise InputError(f"{where}: binary file (contains NUL bytes); expected text")
        try:
            text = clean_text(data.decode(self.encoding))
        except UnicodeDecodeError as exc:
            raise InputError(self._undecodable(data, exc, where)) from None
        if "\x00" in text:
            raise InputError(f"{where}: binary file (contains NUL characters); expected text")
        if not text.strip():
            what = "is empty" if not text else "contains only whitespace"
            raise InputError(f"{where}: {what}; expected article text")
        return text

    def _undecodable(self, data: bytes, exc: UnicodeDecodeError, where: str) -> str:
        byte = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        if self.encoding != "utf-8":
            return f"{where}: not valid {self.encoding} ({byte}); check --encoding"
        convert = (
            "pipe it through iconv -f LATIN1 -t UTF-8"
            if where == STDIN
            else f"convert it, e.g. iconv -f LATIN1 -t UTF-8 {where} > fixed{Path(where).suffix}"
        )
        return (
            f"{where}: not valid UTF-8 ({byte}); if it is Latin-1 or Windows text, rerun "
            f"with --encoding cp1252, or {convert}"
        )


def _control(text: str) -> str | None:
    return next((c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)


def check_id(article_id: str, where: str) -> None:
    """Ids are data, never paths, so '/' and '..' are kept; but a control character
    (newline, tab, NUL) would break every line-oriented output that lists ids."""
    bad = _control(article_id)
    if bad is not None:
        raise InputError(
            f"{where}: id {article_id!r} contains a control character (U+{ord(bad):04X}); "
            "ids must be one line of printable text"
        )


def printable(name: str) -> str:
    """``name`` with control characters escaped, to key the failure of an unusable id."""
    return repr(name)[1:-1] if _control(name) else name

"""Text normalisation shared by the policy rules: what a model would read, not what bytes say.

Every string in a lesson (values and keys, however deeply nested) becomes a ``TextField`` with
four views: ``raw``; ``visible`` (invisible and format characters removed); ``normalized``
(NFKC of ``visible``, whitespace collapsed); and ``skeleton`` (``normalized`` with confusable
look-alikes mapped to their Latin/ASCII prototype, case-folded) — so "ｉｇｎｏｒｅ",
"i\u200bgnore" and "іgnore" (Cyrillic і) all read "ignore" to the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from guardian.schemas import escape_pointer_token

# Characters with no visible glyph that are not ordinary whitespace.
_EXTRA_INVISIBLE = {
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E,
    0x180F, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
    0x3164, 0xFEFF, 0xFFA0, 0x1D173, 0x1D174, 0x1D175, 0x1D176, 0x1D177, 0x1D178, 0x1D179,
    0x1D17A,
}
_RANGES_INVISIBLE = (
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2066, 0x2069),  # bidi isolates
    (0x206A, 0x206F),  # deprecated format characters
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0000, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
    (0xFFF0, 0xFFF8),
)


def is_invisible(ch: str) -> bool:
    """True for characters that render as nothing (format, tag, variation selector, ...)."""
    cp = ord(ch)
    if cp in _EXTRA_INVISIBLE:
        return True
    for lo, hi in _RANGES_INVISIBLE:
        if lo <= cp <= hi:
            return True
    return unicodedata.category(ch) in ("Cf", "Co", "Cn") and cp > 0x7F and not (
        # unassigned code points in the BMP private-use are not "invisible", just odd
        0xE000 <= cp <= 0xF8FF
    )


@cache
def _invisible_table() -> dict[int, None]:
    table: dict[int, None] = {}
    for cp in _EXTRA_INVISIBLE:
        table[cp] = None
    for lo, hi in _RANGES_INVISIBLE:
        for cp in range(lo, hi + 1):
            table[cp] = None
    for cp in range(0x80, 0x30000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cf":
            table[cp] = None
    return table


def strip_invisible(text: str) -> str:
    """``text`` without invisible and format characters."""
    if text.isascii():
        return text
    return text.translate(_invisible_table())


_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC of the visible text with runs of whitespace collapsed to one space."""
    visible = strip_invisible(text)
    if not visible.isascii():
        visible = unicodedata.normalize("NFKC", visible)
        visible = strip_invisible(visible)
    return _WS.sub(" ", visible).strip()


@cache
def _confusable_table() -> dict[int, str]:
    from guardian.confusables import CONFUSABLES

    return {ord(k): v for k, v in CONFUSABLES.items()}


def skeleton(text: str) -> str:
    """Confusable skeleton of already-normalised text: look-alikes mapped to Latin, casefolded."""
    if not text.isascii():
        text = text.translate(_confusable_table())
        # drop combining marks that survive (e.g. "ı̇" tricks), keep base letters
        text = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    return text.casefold()


@dataclass(frozen=True, slots=True)
class TextField:
    """One string of a lesson with its normalised views. ``is_key`` marks an object key."""

    pointer: str
    raw: str
    visible: str
    normalized: str
    skeleton: str
    is_key: bool = False


def text_field(pointer: str, raw: str, *, is_key: bool = False) -> TextField:
    visible = strip_invisible(raw)
    normalized = normalize(raw)
    return TextField(pointer, raw, visible, normalized, skeleton(normalized), is_key)


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every string in a JSON-like value as ``(pointer, text, is_key)``, keys included."""
    if isinstance(value, str):
        yield pointer, value, False
    elif isinstance(value, Mapping):
        for key, item in value.items():
            sub = f"{pointer}/{escape_pointer_token(str(key))}"
            if isinstance(key, str):
                yield sub, key, True
            yield from iter_strings(item, sub)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from iter_strings(item, f"{pointer}/{i}")


def text_fields(data: Mapping[str, Any]) -> list[TextField]:
    """The ``TextField`` of every string in a lesson document."""
    return [text_field(p, s, is_key=k) for p, s, k in iter_strings(data)]


def excerpt(text: str, start: int, end: int, *, width: int = 60) -> str:
    """A short, printable snippet of ``text`` around ``[start, end)`` with hidden chars shown."""
    lo = max(0, start - width // 3)
    hi = min(len(text), max(end, start + 1) + width // 3)
    snippet = text[lo:hi]
    shown = "".join(
        c if c.isprintable() and not is_invisible(c) else f"<U+{ord(c):04X}>" for c in snippet
    )
    if len(shown) > width * 2:
        shown = shown[: width * 2] + "..."
    return ("..." if lo > 0 else "") + shown + ("..." if hi < len(text) else "")

"""Text normalisation shared by the policy rules: what a model would read, not what bytes say.

Every string in a lesson (values and keys, however deeply nested) becomes a ``TextField`` with
four views: ``raw``; ``visible`` (invisible and format characters removed); ``normalized``
(NFKC of ``visible``, whitespace collapsed); and ``skeleton`` (``normalized`` with confusable
look-alikes mapped to their Latin/ASCII prototype, case-folded) — so "ｉｇｎｏｒｅ",
"i\u200bgnore" and "іgnore" (Cyrillic і) all read "ignore" to the rules.

Two more views undo spacing tricks (``collapse_spaced``: "i g n o r e" reads "ignore";
``squash``: letters and digits only, per sentence), and ``decode_embedded`` finds text hidden
in base64, hex, percent/HTML/backslash escapes, ROT13, reversed text, Unicode tag characters
and variation-selector runs, so rules can re-check what it says.
"""

from __future__ import annotations

import binascii
import re
import sys
import unicodedata
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from guardian.records import Severity
from guardian.schemas import escape_pointer_token


@cache
def regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once, on first use, so that importing a module stays cheap."""
    return re.compile(pattern)


class LazyPattern:
    """A regular expression compiled on first use, so that importing a rule stays cheap.

    ``guardian check`` on one lesson runs only the few patterns whose word gates open; paying
    for the compilation of every pattern at import would cost tens of milliseconds.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize
               ) -> re.Match[str] | None:
        """As ``re.Pattern.search``."""
        return self.compiled().search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize
              ) -> re.Match[str] | None:
        """As ``re.Pattern.match``."""
        return self.compiled().match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                  ) -> re.Match[str] | None:
        """As ``re.Pattern.fullmatch``."""
        return self.compiled().fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                 ) -> Iterator[re.Match[str]]:
        """As ``re.Pattern.finditer``."""
        return self.compiled().finditer(string, pos, endpos)

    def findall(self, string: str) -> list[Any]:
        """As ``re.Pattern.findall``."""
        return self.compiled().findall(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str) -> str:
        """As ``re.Pattern.sub``."""
        return self.compiled().sub(repl, string)


# Characters with no visible glyph that are not ordinary whitespace, as inclusive ranges:
# every format character (Cf) of Unicode 14, plus fillers, joiners and selectors that are
# not Cf. Precomputed so that importing this module and the first normalisation stay cheap.
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x0600, 0x0605),  # Arabic number signs
    (0x061C, 0x061C),  # Arabic letter mark
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),  # Hangul choseong/jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x200B, 0x200F),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible math operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format characters
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte order mark / zero-width no-break space
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFFB),  # unassigned specials, interlinear annotation
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_STARTS = [lo for lo, _ in INVISIBLE_RANGES]


def is_invisible(ch: str) -> bool:
    """True for characters that render as nothing (format, tag, variation selector, ...)."""
    cp = ord(ch)
    if cp < 0xAD:
        return False
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= INVISIBLE_RANGES[i][1]:
        return True
    category = unicodedata.category(ch)
    # Format characters added after Unicode 14; unassigned and private-use code points outside
    # the BMP private-use area (which fonts do draw) show nothing either.
    return category == "Cf" or (category in ("Co", "Cn") and not 0xE000 <= cp <= 0xF8FF)


def _non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of ``text``.

    Building one small set and then calling ``str.replace`` per distinct character is several
    times faster than a regular-expression or ``translate`` pass over non-ASCII text.
    """
    return {c for c in set(text) if c > "\x7f"}


def _strip(text: str, chars: set[str]) -> str:
    for c in chars:
        if is_invisible(c):
            text = text.replace(c, "")
    return text


def strip_invisible(text: str) -> str:
    """``text`` without invisible and format characters."""
    if text.isascii():
        return text
    return _strip(text, _non_ascii(text))


def _normalize_visible(visible: str) -> str:
    if not visible.isascii() and not unicodedata.is_normalized("NFKC", visible):
        visible = strip_invisible(unicodedata.normalize("NFKC", visible))
    return " ".join(visible.split())


def normalize(text: str) -> str:
    """NFKC of the visible text with runs of whitespace collapsed to one space."""
    return _normalize_visible(strip_invisible(text))


@cache
def _confusable_map() -> dict[str, str]:
    from guardian.confusables import CONFUSABLES

    return CONFUSABLES


def skeleton(text: str) -> str:
    """Confusable skeleton of already-normalised text: look-alikes mapped to Latin, casefolded."""
    if text.isascii():
        return text.casefold()
    table = _confusable_map()
    for c in _non_ascii(text):
        proto = table.get(c)
        if proto is not None:
            text = text.replace(c, proto)
    if not text.isascii() and not unicodedata.is_normalized("NFD", text):
        # Drop combining marks that survive (accents, "ı̇" tricks), keep base letters.
        text = unicodedata.normalize("NFD", text)
        for c in _non_ascii(text):
            if unicodedata.combining(c):
                text = text.replace(c, "")
    return text.casefold()


_SQUASH = str.maketrans("", "", "".join(
    chr(c) for c in range(128) if not chr(c).isalnum() and chr(c) not in "|\x1e"))


def squash(text: str) -> str:
    """Letters and digits only, sentences kept apart by "|".

    Undoes spaces, hyphens, dots and other punctuation inserted inside or between words
    ("i.g.n.o.r.e", "ig nore", "ignore\u200bprevious" once invisibles are gone); keyword
    checks on this view catch what word-by-word patterns miss, while "|" (from ". ", "! ",
    "? ", "; " and newlines) keeps a match inside one sentence. Meant for ``skeleton`` text.
    The record separator "\x1e" is kept, so many texts can be squashed in one call.
    """
    for end in (". ", "! ", "? ", "; ", "\n"):
        if end in text:
            text = text.replace(end, "|")
    text = text.translate(_SQUASH)
    if not text.isascii():
        for c in _non_ascii(text):
            if not c.isalnum():
                text = text.replace(c, "")
    return text


_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_WORD = r"[a-z0-9@$]*(?:[a-z][0-9@$]|[0-9@$][a-z])[a-z0-9@$]*"


def unleet(text: str) -> str | None:
    """``text`` with leetspeak undone in words mixing letters and digits ("1gn0r3" reads
    "ignore"), or None when no word does. Numbers and plain words stay as they are."""
    if len(regex(r"[a-z][013457@$][a-z0-9]|[013457@$][a-z]").findall(text)) < 3:
        return None  # "utf8", "sha256", "x86_64" are not leetspeak
    undone = regex(_LEET_WORD).sub(lambda m: m.group().translate(_LEET), text)
    return undone if undone != text else None


def squash_all(texts: Sequence[str]) -> list[str]:
    """``squash`` of each text, computed in one pass."""
    return squash("\x1e".join(texts)).split("\x1e") if texts else []


#: Object keys and enum values that the lesson schema fixes: text that no author chose.
SCHEMA_KEYS = frozenset({
    "$schema", "id", "kind", "title", "body", "code", "scope", "tasks", "tags", "paths",
    "evidence", "suite", "task_id", "case_id", "counterexample", "error", "provenance", "source",
    "agent", "model", "time", "run", "file", "line", "supersedes"})


def authored(field: TextField) -> bool:
    """False for text the lesson schema fixes (its keys, ``kind``, provenance ``source``)."""
    if field.is_key:
        return field.raw not in SCHEMA_KEYS
    return field.pointer not in ("/kind", "/provenance/source")


class TextField(NamedTuple):
    """One string of a lesson with its normalised views. ``is_key`` marks an object key.

    A named tuple rather than a dataclass: a lesson has dozens of strings and every check
    builds them, so construction cost matters (about a third of a frozen dataclass's).
    """

    pointer: str
    raw: str
    visible: str
    normalized: str
    skeleton: str
    is_key: bool = False


def text_field(pointer: str, raw: str, *, is_key: bool = False) -> TextField:
    """The ``TextField`` of one string found at ``pointer``."""
    if raw.isascii():
        normalized = " ".join(raw.split())
        return TextField(pointer, raw, raw, normalized, normalized.casefold(), is_key)
    visible = strip_invisible(raw)
    normalized = _normalize_visible(visible)
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
    """The ``TextField`` of every string in a lesson document (``iter_strings`` order)."""
    out: list[TextField] = []
    _collect(data, "", out)
    return out


def _collect(value: Any, pointer: str, out: list[TextField]) -> None:
    # iter_strings without generator overhead: this runs for every lesson checked.
    if isinstance(value, str):
        out.append(text_field(pointer, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            token = str(key)
            if "~" in token or "/" in token:
                token = escape_pointer_token(token)
            sub = f"{pointer}/{token}"
            if isinstance(key, str):
                out.append(text_field(sub, key, is_key=True))
            _collect(item, sub, out)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _collect(item, f"{pointer}/{i}", out)


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


def redacted(text: str) -> str:
    """``text`` with secret-looking tokens masked (the secrets rule's ``scrub``), for excerpts.

    Findings are printed, logged and uploaded as SARIF; a key inside a matched command must
    not travel with them. Imported lazily: only findings pay for it.
    """
    try:
        from guardian.rules.secrets import scrub
    except ImportError:  # pragma: no cover - the secrets rule ships with guardian
        return text
    masked: str = scrub(text)
    return masked


def shorten(text: str, limit: int = 80) -> str:
    """``text`` on one line, hidden characters shown, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return excerpt(flat, 0, min(len(flat), limit), width=limit)[: limit + 3]


# ---------------------------------------------------------------------------------------------
# Embedded encodings

_MAX_DECODED = 20_000  # characters kept of one decoded text
_MAX_RESULTS = 16

# Cheap pre-tests decide whether any decoder could find something: a run of 16+ base64/hex
# characters, separated hex bytes, escape introducers, and (for ROT13 and reversed text) the
# words injections are made of in those forms. ``str.translate`` plus ``in`` is several times
# faster than a regular expression over the same text.
_B64_RUN = str.maketrans(dict.fromkeys(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_", "a"))
_HEX_SEP = str.maketrans({**dict.fromkeys("0123456789abcdefABCDEF", "h"),
                          **dict.fromkeys(" :,", "s")})
_ROT13_WORDS = ("vtaber", "qvfertneq", "vafgehpgvba", "flfgrz", "cebzcg", "wnvyoernx",
                "fvyragyl", "gryy gur", "nffvfgnag", "cerivbhf", "rot13", "rot-13")
_REVERSED_WORDS = ("erongi", "dragersid", "noitcurtsni", "tpmorp", "resu eht", "suoiverp")
_B64 = r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,6}(?![A-Za-z0-9+/=_-])"
_B64_WRAPPED = (
    r"(?:[A-Za-z0-9+/]{20,}={0,2}[ \t]*\r?\n[ \t]*){1,}[A-Za-z0-9+/]{4,}={0,2}")
# Base64 cut into short chunks, one per comment line ("# SWdub3Jl" / "# IGFsbCBw" / ...).
_B64_CHUNK = r"^[ \t]*(?:#+|//+|--|;+|\*|>|'|\")?[ \t]*([A-Za-z0-9+/]{8,}={0,2})[ \t]*\r?$"
_B64_LINE = "(?m)" + _B64_CHUNK
_B64_TAIL = _B64_LINE.replace("{8,}", "{2,}")
_B64_LINES = "(?m)" + _B64_CHUNK[:-1] + "\n" + _B64_CHUNK
_B32 = r"(?<![A-Za-z0-9])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9])"
_HEX = (
    r"(?<![0-9A-Za-z])(?:(?:[0-9A-Fa-f]{2}){8,}"
    r"|(?:[0-9A-Fa-f]{2}[ :,-]){7,}[0-9A-Fa-f]{2}"
    r"|(?:0x[0-9A-Fa-f]{2}[, ]*){8,})(?![0-9A-Za-z])")
_PERCENT = r"(?:%[0-9A-Fa-f]{2})+"
_BACKSLASH = (
    r"\\u\{([0-9A-Fa-f]{1,6})\}|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})"
    r"|((?:\\x[0-9A-Fa-f]{2})+)|((?:\\[0-7]{3})+)")
_ENTITY = r"&#(?:[xX]([0-9A-Fa-f]{1,6})|(\d{1,7}));?|&(lt|gt|amp|quot|apos|nbsp);"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "nbsp": " "}
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
_TAGS = r"[\U000e0000-\U000e007f]+"
_VS_RUN = r"[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}"


def _as_text(data: bytes) -> str | None:
    """``data`` as text when it is UTF-8 that reads like words, else None."""
    if data[:2] in (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b"):
        try:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
            data = inflater.decompress(data, _MAX_DECODED)
        except zlib.error:
            return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _readable(text) else None


def _readable(text: str) -> bool:
    """True when ``text`` looks like words someone wrote, not random bytes."""
    if len(text) < 4:
        return False
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    letters = sum(1 for c in text if c.isalpha() or c == " ")
    return printable >= 0.95 * len(text) and letters >= 0.5 * len(text) and bool(
        re.search(r"[^\W\d_]{2}", text))


def _b64(token: str) -> str | None:
    token = token.rstrip("=")
    if "-" in token or "_" in token:
        if "+" in token or "/" in token:
            return None
        token = token.replace("-", "+").replace("_", "/")
    if len(token) % 4 == 1:
        token = token[:-1]
    token += "=" * (-len(token) % 4)
    try:
        return _as_text(binascii.a2b_base64(token, strict_mode=True))
    except (binascii.Error, ValueError):
        return None


def _b32(token: str) -> str | None:
    import base64

    token = token.rstrip("=")
    token += "=" * (-len(token) % 8)
    try:
        return _as_text(base64.b32decode(token))
    except (binascii.Error, ValueError):
        return None


def _hex(token: str) -> str | None:
    digits = re.sub(r"0x|[^0-9A-Fa-f]", "", token)
    try:
        return _as_text(bytes.fromhex(digits))
    except ValueError:
        return None


def _bytes_run(hexes: list[str]) -> str:
    return bytes(int(h, 16) for h in hexes).decode("utf-8", "replace")


def _unescape_backslashes(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        brace, u4, u8, xs, octs = m.groups()
        if xs:
            return _bytes_run(re.findall(r"\\x([0-9A-Fa-f]{2})", xs))
        if octs:
            return bytes(int(o, 8) & 0xFF for o in re.findall(r"\\([0-7]{3})", octs)).decode(
                "utf-8", "replace")
        cp = int(brace or u4 or u8, 16)
        return chr(cp) if cp < 0x110000 and not 0xD800 <= cp < 0xE000 else m.group()
    return regex(_BACKSLASH).sub(one, text)


def _unescape_entities(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        hexa, dec, name = m.groups()
        if name:
            return _NAMED[name]
        cp = int(hexa, 16) if hexa else int(dec)
        return chr(cp) if cp < 0x110000 and not 0xD800 <= cp < 0xE000 else m.group()
    return regex(_ENTITY).sub(one, text)


def _unpercent(text: str) -> str:
    return regex(_PERCENT).sub(lambda m: _bytes_run(m.group().split("%")[1:]), text)


def decode_tags(text: str) -> str:
    """The ASCII that Unicode tag characters (U+E0020–U+E007E) in ``text`` spell out."""
    return "".join(chr(ord(c) - 0xE0000) for c in text if 0xE0020 <= ord(c) <= 0xE007E)


def decode_variation_selectors(run: str) -> bytes:
    """The bytes a run of variation selectors encodes (VS1–16 = 0–15, VS17–256 = 16–255)."""
    out = bytearray()
    for c in run:
        cp = ord(c)
        out.append(cp - 0xFE00 if cp <= 0xFE0F else cp - 0xE0100 + 16)
    return bytes(out)


def _ascii(text: str) -> str:
    """``text`` with each non-ASCII character as "?": same length, and ``translate`` is fast."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")


def _runs(mapped: str, seed: str, ch: str) -> Iterator[tuple[int, int]]:
    """Spans of the maximal runs of ``ch`` in ``mapped`` that contain ``seed``."""
    i = mapped.find(seed)
    while i >= 0:
        end = i + len(seed)
        while end < len(mapped) and mapped[end] == ch:
            end += 1
        yield i, end
        i = mapped.find(seed, end)


def _worth_decoding(text: str) -> bool:
    if len(text) < 12:
        return False  # too short to hide an instruction in any of the encodings
    if not text.isascii() and any(
            "\U000e0000" <= c <= "\U000e007f" or "\ufe00" <= c <= "\ufe0f"
            or "\U000e0100" <= c <= "\U000e01ef" for c in set(text)):
        return True
    if "%" in text or "\\" in text or "&" in text:
        return True
    if "\n" in text and regex(_B64_LINES).search(text):
        return True
    flat = _ascii(text)
    if "a" * 16 in flat.translate(_B64_RUN) or "hhs" * 7 + "hh" in flat.translate(_HEX_SEP) or (
            text.count("0x") >= 8):
        return True
    lowered = text.lower()
    return any(w in lowered for w in _ROT13_WORDS) or any(w in lowered for w in _REVERSED_WORDS)


def _b64_chunks(text: str) -> Iterator[str]:
    """Base64 split over consecutive (comment) lines, joined and decoded."""
    lines = text.split("\n")
    run: list[str] = []
    for line in [*lines, ""]:
        m = regex(_B64_TAIL if run else _B64_LINE).match(line)
        if m is not None:
            run.append(m.group(1))
            continue
        if len(run) >= 2 and sum(map(len, run)) >= 16:
            joined = "".join(run)
            if (decoded := _b64(joined)) is not None:
                yield decoded
        run = []


def _decode_once(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not text.isascii():
        if regex(_TAGS).search(text):
            tags = decode_tags(text)
            if tags.strip():
                found.append(("unicode-tags", tags))
        for m in regex(_VS_RUN).finditer(text):
            smuggled = decode_variation_selectors(m.group()).decode("utf-8", "replace")
            if smuggled.strip():
                found.append(("variation-selectors", smuggled))
    visible = strip_invisible(text)
    runs = _ascii(visible).translate(_B64_RUN)
    if "a" * 16 in runs:
        for start, run_end in _runs(runs, "a" * 16, "a"):
            stop = run_end
            while stop < len(visible) and stop - run_end < 6 and visible[stop] == "=":
                stop += 1  # keep the padding
            token = visible[start:stop][:_MAX_DECODED * 2]
            if (b64 := _b64(token)) is not None:
                found.append(("base64url" if "-" in token or "_" in token else "base64", b64))
            elif token.isupper() and regex(_B32).fullmatch(token) and (
                    b32 := _b32(token)) is not None:
                found.append(("base32", b32))
        if "a" * 20 + "\n" in runs:  # base64 wrapped over several lines
            for m in regex(_B64_WRAPPED).finditer(visible):
                if (wrapped := _b64(re.sub(r"\s+", "", m.group()))) is not None:
                    found.append(("base64", wrapped))
    if "\n" in visible and regex(_B64_LINES).search(visible):
        found.extend(("base64", chunked) for chunked in _b64_chunks(visible))
    hexes = _ascii(visible).translate(_HEX_SEP)
    if "h" * 16 in hexes or "hhs" * 7 + "hh" in hexes or visible.count("0x") >= 8:
        for m in regex(_HEX).finditer(visible):
            if (hexed := _hex(m.group())) is not None:
                found.append(("hex", hexed))
    transforms = (
        ("percent", "%", _PERCENT, _unpercent),
        ("escape", "\\", _BACKSLASH, _unescape_backslashes),
        ("html", "&", _ENTITY, _unescape_entities),
    )
    for name, marker, pattern, transform in transforms:
        if marker in visible and regex(pattern).search(visible):
            unescaped = transform(visible)
            if unescaped != visible:
                found.append((name, unescaped))
    lowered = visible.lower()
    if any(word in lowered for word in _ROT13_WORDS):
        found.append(("rot13", visible.translate(_ROT13)))
    if any(word in lowered for word in _REVERSED_WORDS):
        found.append(("reversed", visible[::-1]))
    return found


@lru_cache(maxsize=4096)
def _decode_cached(text: str) -> tuple[tuple[str, str], ...]:
    if not _worth_decoding(text):
        return ()
    results: list[tuple[str, str]] = []
    seen = {text}
    queue = [(enc, dec, 1) for enc, dec in _decode_once(text)]
    while queue and len(results) < _MAX_RESULTS:
        encoding, decoded, level = queue.pop(0)
        decoded = decoded[:_MAX_DECODED]
        if decoded in seen:
            continue
        seen.add(decoded)
        results.append((encoding, decoded))
        if level < 3 and _worth_decoding(decoded):
            queue.extend(
                (f"{encoding}+{enc}", dec, level + 1) for enc, dec in _decode_once(decoded))
    return tuple(results)


def decode_embedded(text: str) -> list[tuple[str, str]]:
    """Text hidden in ``text`` by an encoding, as ``(encoding, decoded)`` pairs.

    Finds base64 (standard and URL-safe, 16+ characters, also wrapped over lines and
    zlib/gzip-compressed), base32, hex (16+ digits, also separated or 0x-prefixed), percent
    encoding, ``\\uXXXX``/``\\xXX``/octal escapes, HTML character references, ROT13 and
    reversed text (only when they hide known trigger words), Unicode tag characters and
    variation-selector runs. Decoders that yield bytes keep only results that read as text, so
    hashes, images and other binary data give nothing. Nested encodings are followed up to
    three levels (reported as e.g. ``"base64+hex"``). Results are cached by ``text``.
    """
    return list(_decode_cached(text)) if len(text) >= 12 else []


# ---------------------------------------------------------------------------------------------
# Anchored phrase matching

@dataclass(frozen=True, slots=True)
class Phrase:
    """A pattern a rule looks for in ``skeleton`` text, found through literal anchors.

    ``anchors`` are literal substrings every match contains (lowercase); the ``pattern`` is
    only tried at a ``lead`` anchor or searched in a window around it, so a rule with a
    hundred patterns costs one scan of the text. ``negatable`` phrases name an action that
    advice may warn against ("never run ``rm -rf /``") and do not match when negated.
    ``accept`` can veto a match.
    """

    key: str
    anchors: tuple[str, ...]
    pattern: str
    message: str
    severity: Severity = "block"
    negatable: bool = False
    accept: Callable[[re.Match[str]], bool] | None = None
    lead: bool = False  # a match starts where an anchor starts: try only there
    back: int | None = None  # how far before an anchor a match may start (default: matcher's)


def phrase(key: str, anchors: str | tuple[str, ...], pattern: str, message: str,
           **kw: Any) -> Phrase:
    """A ``Phrase``; ``anchors`` as a tuple or as one string separated by "|"."""
    found = anchors if isinstance(anchors, tuple) else tuple(anchors.split("|"))
    return Phrase(key, found, pattern, message, **kw)


def lead_phrase(key: str, anchors: str | tuple[str, ...], pattern: str, message: str,
                **kw: Any) -> Phrase:
    """A ``Phrase`` whose matches begin where one of its anchors begins."""
    return phrase(key, anchors, pattern, message, lead=True, **kw)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """Where a phrase matched: the phrase and the span in the scanned text."""

    phrase: Phrase
    start: int
    end: int
    text: str


_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, factored as a trie.

    Python's engine tries the branches of an alternation one by one at every position; a
    trie keeps that to one branch per distinct next character (about 15x faster here).
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


class _Trigger:
    """Finds every occurrence of a set of literal anchors, as ``(start, end, anchor)``.

    Anchors that begin with a letter or digit are looked for only where a word begins (with
    ``word_start``), through one trie-shaped pattern inside a lookahead so that overlapping
    anchors are all seen; that skips most positions of ordinary text cheaply. The few other
    anchors get a plain trie, whose first-character test the regex engine does quickly. A
    small set of anchors is searched with ``str.find``, which beats any pattern.
    """

    #: Characters to scan by hand before compiling the trie patterns. Compiling them costs
    #: tens of milliseconds (Python's regex parser is pure Python), which would dominate a
    #: pre-commit run over one lesson; over a large batch the compiled patterns win.
    COMPILE_AFTER = 40_000

    def __init__(self, anchors: Sequence[str], word_start: bool) -> None:
        self.small = tuple(anchors) if len(anchors) <= 24 else ()
        self.word_start = word_start
        self._words = [a for a in anchors if a[:1].isalnum()] if word_start else list(anchors)
        self._others = [a for a in anchors if a not in self._words]
        self.words: re.Pattern[str] | None = None
        self.others: re.Pattern[str] | None = None
        self._compiled = bool(self.small)
        self._scanned = 0
        self._index: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None
        self._other_index: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None

    def compile(self) -> None:
        """Switch to the compiled trie patterns (same results, faster on large inputs)."""
        if self._compiled:
            return
        self._compiled = True
        if self._words:
            self.words = re.compile(("(?<![a-z0-9])" if self.word_start else "") + "(?=(" +
                                    _trie(self._words) + "))")
        if self._others:
            self.others = re.compile(_trie(self._others))

    @staticmethod
    def _build(anchors: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        by_two: dict[str, list[str]] = {}
        by_one: dict[str, list[str]] = {}
        for anchor in anchors:
            if len(anchor) >= 2:
                by_two.setdefault(anchor[:2], []).append(anchor)
            else:
                by_one.setdefault(anchor, []).append(anchor)
        for table in (by_two, by_one):
            for bucket in table.values():
                bucket.sort(key=len, reverse=True)
        return by_two, by_one

    @staticmethod
    def _longest(index: tuple[dict[str, list[str]], dict[str, list[str]]], text: str,
                 i: int) -> str | None:
        by_two, by_one = index
        for anchor in by_two.get(text[i:i + 2], ()):
            if text.startswith(anchor, i):
                return anchor
        found = by_one.get(text[i])
        return found[0] if found else None

    def _scan_by_hand(self, text: str) -> Iterator[tuple[int, int, str]]:
        """What the compiled patterns report, found with dictionary look-ups instead."""
        if self._words:
            if self._index is None:
                self._index = self._build(self._words)
            index = self._index
            starts = {k[0] for k in index[0]} | set(index[1])
            for i, ch in enumerate(text):
                if ch not in starts:
                    continue
                if self.word_start and i and text[i - 1] in _ASCII_WORD:
                    continue
                anchor = self._longest(index, text, i)
                if anchor is not None:
                    yield i, i + len(anchor), anchor
        if self._others:
            if self._other_index is None:
                self._other_index = self._build(self._others)
            index = self._other_index
            starts = {k[0] for k in index[0]} | set(index[1])
            i = 0
            while i < len(text):
                if text[i] in starts:
                    anchor = self._longest(index, text, i)
                    if anchor is not None:
                        yield i, i + len(anchor), anchor
                        i += len(anchor)
                        continue
                i += 1

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        if not self._compiled:
            self._scanned += len(text)
            if self._scanned <= self.COMPILE_AFTER:
                yield from self._scan_by_hand(text)
                return
            self.compile()
        for anchor in self.small:
            check = self.word_start and anchor[:1].isalnum()
            i = text.find(anchor)
            while i >= 0:
                if not (check and i and (text[i - 1].isalnum() and text[i - 1].isascii())):
                    yield i, i + len(anchor), anchor
                i = text.find(anchor, i + 1)
        if self.words is not None:
            for m in self.words.finditer(text):
                yield m.start(), m.end(1), m.group(1)
        if self.others is not None:
            for m in self.others.finditer(text):
                yield m.start(), m.end(), m.group()


def _searches(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> Iterator[
        re.Match[str]]:
    """Every match of ``pattern`` in ``text[lo:hi]``, one per start position."""
    pos = lo
    while (m := pattern.search(text, pos, hi)) is not None:
        yield m
        pos = m.start() + 1


class PhraseMatcher:
    """Finds the first match of each ``Phrase`` in a text, anchors first, windows second."""

    def __init__(self, phrases: Sequence[Phrase], *, back: int = 120, ahead: int = 240,
                 word_start: bool = True) -> None:
        self.phrases = tuple(phrases)
        self.back, self.ahead = back, ahead
        by_anchor: dict[str, set[int]] = {}
        for i, phrase in enumerate(self.phrases):
            for anchor in phrase.anchors:
                by_anchor.setdefault(anchor, set()).add(i)
        # At one position the trigger reports only the longest anchor; give it the phrases of
        # the shorter anchors that are its prefixes (anchors starting later are found anyway).
        self._by_anchor = {
            anchor: sorted(set(ids).union(*(by_anchor.get(anchor[:n], ()) for n in range(
                1, len(anchor))))) for anchor, ids in by_anchor.items()}
        self._anchors = tuple(by_anchor)
        self._word_start = word_start
        self._compiled_trigger: _Trigger | None = None

    def scan(self, text: str) -> list[PhraseHit]:
        """The first hit of every phrase in ``text`` (negated actions skipped)."""
        return [hit for _, hit in self.scan_all((text,))]

    def scan_all(self, texts: Sequence[str]) -> list[tuple[int, PhraseHit]]:
        """``scan`` for many texts at once: ``(index of the text, hit)`` pairs.

        The texts are joined and scanned for anchors in one pass, which costs far less than
        one pass per text for the many short strings of a lesson; windows never cross from
        one text into the next, and hit positions are relative to their own text.
        """
        if not self._anchors or not texts:
            return []
        if self._compiled_trigger is None:  # compiled on first use: cheap construction
            self._compiled_trigger = _Trigger(self._anchors, self._word_start)
        joined = "\n".join(texts)
        starts = [0]
        for text in texts[:-1]:
            starts.append(starts[-1] + len(text) + 1)
        hits: list[tuple[int, PhraseHit]] = []
        done: set[tuple[int, int]] = set()
        for start, end, anchor in self._compiled_trigger.find(joined):
            k = bisect_right(starts, start) - 1
            base = starts[k]
            text = texts[k]
            at = start - base
            hi = min(len(text), end - base + self.ahead)
            for i in self._by_anchor[anchor]:
                if (k, i) in done:
                    continue
                phrase = self.phrases[i]
                pattern = regex(phrase.pattern)
                candidates: Iterable[re.Match[str]]
                if phrase.lead:
                    found = pattern.match(text, at, hi)
                    candidates = () if found is None else (found,)
                else:
                    back = self.back if phrase.back is None else phrase.back
                    candidates = _searches(pattern, text, max(0, at - back), hi)
                for m in candidates:
                    if (phrase.accept is None or phrase.accept(m)) and not (
                            phrase.negatable and is_negated(text, m.start(), m.end())):
                        done.add((k, i))
                        hits.append((k, PhraseHit(phrase, m.start(), m.end(), m.group())))
                        break
        return hits


_NEGATOR = (
    r"(?:\b(?:never|not|no|don't|dont|do not|does not|doesn't|did not|didn't|must not|mustn't"
    r"|should not|shouldn't|cannot|can't|won't|avoid|avoiding|instead of|rather than|without"
    r"|stop|refuse to|forbid|forbidden|prohibit|prohibited|disallow|disallowed|nor|unsafe to"
    r"|dangerous to|bad idea to|no need to)\b|\b(?:bad|wrong|avoid|don't|never|insecure"
    r"|dangerous|unsafe)\s?[:\-\u2014]|#\s?(?:bad|wrong|insecure|unsafe|dangerous)\b"
    r"|anti-?pattern|\u274c|\u2717)")
# Negators that are not negation: "don't forget to ...", "no matter", "not only".
_FALSE_NEGATION = (
    r"(?:don't|dont|do not|never) (?:forget|hesitate|worry|be afraid|fear|miss|ask)\b"
    r"|no matter|not only|no longer need|no problem|not just|without (?:asking|waiting|hesitat)")
_CLAUSE_END = r"[.;!?]\s|\n"
_RESUMES = r",\s?(?:but|then|just|simply|so|and|instead|rather)\b|\bbut\b"
# A comma that only continues the warned-against object: a list item ("`a`, `b`"), or a
# relative clause about it ("never write X, which an empty variable turns into Y").
_CONTINUES = (r"^\s?(?:(?:or|and|nor)\s)?[`'\"(\[]|^\s?(?:which|that|where|because|since|as"
              r"|or|nor|and|otherwise|lest|e\.g\.|i\.e\.|let alone|or worse|even)\b")
# After a colon the negated phrase is over ("don't investigate: git reset --hard"), unless
# the words before it point ahead at what is warned against ("never run: ...").
_POINTS_AHEAD = (r"(?:^|\s)(?:run|do|use|type|write|execute|call|try|pass|set|add|commit|push"
                 r"|this|these|that|those|following|commands?|like|e\.g\.|such as|ever|things"
                 r"|patterns?|examples?|anything|either|something|(?:do|run|use|try) it|code"
                 r"|lines?|[`'\")\]])\s?$")
_INTENSIFIERS = (
    r"^\s?(?:under any circumstances|ever|even once|even|please|for any reason|in any case"
    r"|at all|in production|on main|in ci|again)\b")
_DISAPPROVED = (
    r"^[`'\")\]]*\s?(?:is|are|was|would be|will be)\s(?:(?:very|extremely|always|never) )?"
    r"(?:dangerous|insecure|unsafe|forbidden|not allowed|banned|prohibited|a bad idea"
    r"|never (?:ok|okay|acceptable|allowed)|not (?:ok|okay|acceptable|safe)|destructive"
    r"|a security (?:risk|hole)|disabled by policy)")


def _in_parentheses(text: str, at: int) -> bool:
    """True when ``text[at]`` sits inside brackets opened (and not closed) before it."""
    return text.count("(", 0, at) > text.count(")", 0, at) or text.count(
        "[", 0, at) > text.count("]", 0, at)


def is_negated(text: str, start: int, end: int | None = None) -> bool:
    """True when the action at ``text[start:end]`` is warned against, not asked for.

    Looks back within the clause (up to about eight words) for a negator ("never", "don't",
    "instead of", "avoid", "# bad:") that is not a false one ("don't forget to"), and ahead
    for a verdict ("... is dangerous"). A comma that resumes the sentence ("don't worry, just
    run ...") ends the negation, one inside a list or before a relative clause does not; a
    colon ends it ("don't investigate: reset") unless it introduces the example. Only for
    actions: "do not tell the user" is itself the attack.
    """
    window = text[max(0, start - 90):start]
    cut = 0
    for m in regex(_CLAUSE_END).finditer(window):
        cut = m.end()
    window = window[cut:]
    words = window.split()
    limit = 15 if regex(r",\s(?:which|that|where)\b").search(window) else 9
    if len(words) > limit:
        window = " ".join(words[-limit:])
    negator = None
    for m in regex(_NEGATOR).finditer(window):
        negator = m
    if negator is not None and not regex(_FALSE_NEGATION).search(window, negator.start()):
        rest = window[negator.end():]
        colon = rest.find(": ")
        ended = colon >= 0 and rest[:colon].strip() != "" and not regex(_POINTS_AHEAD).search(
            rest[:colon])  # the negated phrase ended at the colon
        if not ended and not regex(_RESUMES).search(rest) and all(
                regex(_CONTINUES).match(rest[c.end():])
                or regex(_INTENSIFIERS).match(rest[c.end():]) or _in_parentheses(rest, c.start())
                for c in re.finditer(",", rest)):
            return True
    if end is not None:
        return bool(regex(_DISAPPROVED).match(text[end:end + 60]))
    return False

"""Hidden Unicode: tag characters, bidi controls, invisible characters, mixed-script words.

What a person reviewing a lesson sees must be what the model reads. Characters that render as
nothing can carry a hidden message (tag characters, variation-selector runs, zero-width bit
strings), reorder what is displayed (bidi overrides, "Trojan Source") or split a keyword so a
filter misses it; look-alike letters from another script disguise a word. Each of these has
honest uses, which pass: emoji ZWJ sequences, flags and keycaps, marks inside Arabic or Hebrew
text, joiners in Persian and Indic scripts, ideographic variation sequences, soft hyphens,
whole Russian or Greek words and Greek letters in formulas.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.text import (
    TextField,
    decode_embedded,
    decode_tags,
    decode_variation_selectors,
    excerpt,
    is_invisible,
    regex,
    shorten,
)

# --- character classes -------------------------------------------------------------------

_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2194, 0x21AA), (0x231A, 0x23FF), (0x24C2, 0x24C2), (0x25AA, 0x25FE),
    (0x2600, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3299), (0x1F000, 0x1FAFF), (0x1FC00, 0x1FFFD),
)
_RTL = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFC), (0x10800, 0x10FFF),
        (0x1E800, 0x1EFFF))
# Scripts whose shaping uses ZWJ/ZWNJ: Arabic, Syriac, Thaana, NKo, the Brahmic scripts of
# India and South-East Asia, Tibetan, Myanmar, Khmer, Mongolian, Sinhala, Hangul jamo.
_JOINING = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x109F), (0x1780, 0x18AF),
            (0xA8E0, 0xA8FF), (0xA980, 0xA9FF), (0xAA60, 0xAA7F), (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFC), (0x11000, 0x111FF), (0x11300, 0x1137F))
_CJK = ((0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
# Context in which an otherwise invisible character is ordinary script machinery.
_CONTEXT = {
    0x034F: ((0x0300, 0x036F), (0x0590, 0x05FF)),  # CGJ after marks, in Hebrew
    0x115F: ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)),  # Hangul fillers
    0x1160: ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)),
    0x17B4: ((0x1780, 0x17FF),), 0x17B5: ((0x1780, 0x17FF),),  # Khmer
    0x180B: ((0x1800, 0x18AF),), 0x180C: ((0x1800, 0x18AF),), 0x180D: ((0x1800, 0x18AF),),
    0x180E: ((0x1800, 0x18AF),), 0x180F: ((0x1800, 0x18AF),),  # Mongolian
    0x070F: ((0x0700, 0x074F),),  # Syriac abbreviation mark
    # Zero-width space marks word breaks in scripts written without spaces.
    0x200B: ((0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF),
             (0x3400, 0x9FFF), (0xAC00, 0xD7AF)),
    0x110BD: ((0x11080, 0x110CF),), 0x110CD: ((0x11080, 0x110CF),),  # Kaithi
}
for _cp in (*range(0x0600, 0x0606), 0x06DD, 0x0890, 0x0891, 0x08E2):  # Arabic number signs
    _CONTEXT[_cp] = ((0x0600, 0x08FF), (0x30, 0x39), (0x0660, 0x0669), (0x06F0, 0x06F9))
for _cp in range(0x13430, 0x13439):  # Egyptian hieroglyph format controls
    _CONTEXT[_cp] = ((0x13000, 0x1342F),)
for _cp in range(0x1BCA0, 0x1BCA4):  # shorthand format controls (Duployan)
    _CONTEXT[_cp] = ((0x1BC00, 0x1BC9F),)
for _cp in range(0x1D173, 0x1D17B):  # musical symbol format controls
    _CONTEXT[_cp] = ((0x1D100, 0x1D1FF),)

ZWJ, ZWNJ, BLACK_FLAG, CANCEL_TAG = 0x200D, 0x200C, 0x1F3F4, 0xE007F
RGI_SUBDIVISION_FLAGS = frozenset({"gbeng", "gbsct", "gbwls"})
_BIDI_OVERRIDES = frozenset({0x202D, 0x202E})
_BIDI_EMBEDS = frozenset({0x202A, 0x202B, 0x202C, 0x2066, 0x2067, 0x2068, 0x2069})
_BIDI_MARKS = frozenset({0x200E, 0x200F, 0x061C})
# Characters from which zero-width binary encodings are built.
_ZERO_WIDTH = frozenset({0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
                         0xFEFF, 0x180E, 0x034F, 0x2800, 0x3164, 0x115F, 0x1160, 0xFFA0})
# Scripts whose letters are used as Latin look-alikes.
_LOOKALIKE_SCRIPTS = frozenset({
    "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "CANADIAN", "TIFINAGH",
    "OSAGE", "DESERET", "WARANG", "MIAO", "LYCIAN", "CARIAN", "OLD", "ELBASAN", "VAI",
    "GEORGIAN", "RUNIC", "BAMUM", "AHOM", "OGHAM",
})


_CONFUSABLE: dict[str, str] = {}  # filled with the confusable table on first use


def _in(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def _is_pictographic(ch: str) -> bool:
    return _in(ord(ch), _PICTOGRAPHIC)


def _is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _is_tag(cp: int) -> bool:
    return 0xE0000 <= cp <= 0xE007F


def _script(ch: str) -> str:
    """A rough script name: the first word of the character's Unicode name (LATIN, GREEK...)."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "COMMON"
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


_ASCII_LETTERS = [bytes([c]) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]


@cache
def _lookalikes() -> dict[str, str]:
    """Non-Latin letters that look like an ASCII letter -> their script."""
    from guardian.confusables import CONFUSABLES

    _CONFUSABLE.update(CONFUSABLES)
    out: dict[str, str] = {}
    for ch, proto in CONFUSABLES.items():
        if proto.isascii() and proto.isalpha() and ch.isalpha():
            script = _script(ch)
            if script in _LOOKALIKE_SCRIPTS:
                out[ch] = script
    return out


# --- scanning ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Problem:
    kind: str
    severity: Severity
    start: int
    end: int
    detail: str = ""


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest visible character from ``i`` in direction ``step`` ("" at the edge)."""
    j = i + step
    while 0 <= j < len(text):
        if not is_invisible(text[j]):
            return text[j]
        j += step
    return ""


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _emoji_zwj(text: str, i: int) -> bool:
    """True when the ZWJ at ``i`` joins two emoji (skin tones and VS16 skipped before it)."""
    j = i - 1
    while j >= 0 and (_is_variation_selector(ord(text[j])) or _is_tag(ord(text[j]))):
        j -= 1
    return j >= 0 and i + 1 < len(text) and _is_pictographic(text[j]) and _is_pictographic(
        text[i + 1])


def _flag_sequence(text: str, start: int) -> tuple[int, str] | None:
    """If a valid emoji tag sequence starts at ``start`` (after U+1F3F4), its end and tag."""
    if start == 0 or ord(text[start - 1]) != BLACK_FLAG:
        return None
    j = start
    while j < len(text) and (0xE0030 <= ord(text[j]) <= 0xE0039
                             or 0xE0061 <= ord(text[j]) <= 0xE007A):
        j += 1
    if j < len(text) and ord(text[j]) == CANCEL_TAG and 2 <= j - start <= 7:
        return j + 1, decode_tags(text[start:j])
    return None


def _zero_width_bits(run: str) -> str | None:
    """Text hidden as bits in a run of two kinds of zero-width character, if it reads."""
    kinds = sorted(set(run))
    if len(kinds) != 2 or len(run) < 16:
        return None
    for one in kinds:
        bits = "".join("1" if c == one else "0" for c in run)
        data = bytes(int(bits[k:k + 8], 2) for k in range(0, len(bits) - 7, 8))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if text.isprintable() and sum(c.isalpha() or c == " " for c in text) >= len(text) / 2:
            return text
    return None


def _classify(text: str, i: int, rtl: bool, code: bool) -> tuple[str, Severity] | None:
    """How to treat the invisible character at ``i``: None if legitimate here."""
    cp = ord(text[i])
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    if cp in _BIDI_OVERRIDES:
        return "bidi", "block"
    if cp in _BIDI_EMBEDS:
        near = any(_in(ord(c), _RTL) for c in text[max(0, i - 12):i + 13])
        return ("bidi-rtl", "warn") if rtl and near and not code else ("bidi", "block")
    if cp in _BIDI_MARKS:
        if rtl:
            return None
        return ("split", "block") if _word_char(before) and _word_char(after) else (
            "stray", "warn")
    if cp in (ZWJ, ZWNJ):
        if cp == ZWJ and _emoji_zwj(text, i):
            return None
        if (before and _in(ord(before), _JOINING)) or (after and _in(ord(after), _JOINING)):
            return None
    if _is_variation_selector(cp):
        prev = text[i - 1] if i else ""
        if not prev:
            return "stray-vs", "warn"
        if cp >= 0xE0100:
            return None if _in(ord(prev), _CJK) else ("stray-vs", "warn")
        if cp in (0xFE0E, 0xFE0F):
            category = unicodedata.category(prev)
            ok = _is_pictographic(prev) or prev in "0123456789#*" or category.startswith("S")
            return None if ok else ("stray-vs", "warn")
        ok = _in(ord(prev), _CJK) or unicodedata.category(prev) in ("Sm", "So") or _in(
            ord(prev), ((0x1000, 0x109F), (0x1800, 0x18AF), (0xA840, 0xA87F)))
        return None if ok else ("stray-vs", "warn")
    context = _CONTEXT.get(cp)
    if context is not None and ((before and _in(ord(before), context))
                                or (after and _in(ord(after), context))):
        return None
    if cp == 0xFEFF and i == 0:
        return None  # a byte order mark at the very start
    if cp == 0x00AD:
        return "soft-hyphen", "warn"
    if code and cp in _ZERO_WIDTH:
        return "split", "block"
    if _word_char(before) and _word_char(after) and text[i - 1] != " " and (
            i + 1 >= len(text) or text[i + 1] != " "):
        return "split", "block"
    return "stray", "warn"


def _invisible_problems(text: str, code: bool) -> Iterator[_Problem]:
    chars = {c for c in set(text) if c > "\x7f"}
    hidden = {c for c in chars if is_invisible(c)}
    if not hidden:
        return
    positions = sorted(i for c in hidden for i in _find_all(text, c))
    rtl = sum(1 for c in chars if _in(ord(c), _RTL) and c.isalpha()) >= 2
    skip_until = -1
    run: list[int] = []  # consecutive positions of suspicious invisible characters
    for i in positions:
        if i < skip_until:
            continue
        cp = ord(text[i])
        if _is_tag(cp):
            flag = _flag_sequence(text, i)
            if flag is not None:
                end, tag = flag
                skip_until = end
                if tag not in RGI_SUBDIVISION_FLAGS:
                    yield _Problem("odd-flag", "warn", i - 1, end, tag)
                continue
            end = i
            while end < len(text) and _is_tag(ord(text[end])):
                end += 1
            skip_until = end
            yield _Problem("tags", "block", i, end, decode_tags(text[i:end]))
            continue
        if _is_variation_selector(cp) and i + 1 < len(text) and _is_variation_selector(
                ord(text[i + 1])):
            end = i
            while end < len(text) and _is_variation_selector(ord(text[end])):
                end += 1
            skip_until = end
            payload = decode_variation_selectors(text[i:end]).decode("utf-8", "replace")
            yield _Problem("vs-run", "block", i, end, payload)
            continue
        verdict = _classify(text, i, rtl, code)
        if verdict is None:
            continue
        if run and run[-1] != i - 1:
            yield from _flush(text, run)
            run = []
        run.append(i)
        kind, severity = verdict
        yield _Problem(kind, severity, i, i + 1)
    yield from _flush(text, run)


def _flush(text: str, run: list[int]) -> Iterator[_Problem]:
    if len(run) >= 3:
        start, end = run[0], run[-1] + 1
        yield _Problem("zw-run", "block", start, end, _zero_width_bits(text[start:end]) or "")


def _find_all(text: str, ch: str) -> Iterator[int]:
    i = text.find(ch)
    while i >= 0:
        yield i
        i = text.find(ch, i + 1)


def _script_problems(text: str) -> Iterator[_Problem]:
    """Words that mix Latin with look-alike letters, and look-alike-only words in Latin text."""
    table = _lookalikes()
    chars = {c for c in set(text) if c > "\x7f"}
    present = chars & table.keys()
    if not present:
        return
    # A script with letters that look like nothing Latin is genuinely used in this text.
    genuine = {_script(c) for c in chars if c.isalpha() and c not in table}
    latin_text: bool | None = None
    for m in regex(r"[^\W\d_]+").finditer(text):
        word = m.group()
        if word.isascii():
            continue
        letters = set(word)
        alike = letters & present
        if not alike:
            continue
        latin = len(word.encode("ascii", "ignore")) + sum(
            word.count(c) for c in letters - alike if not c.isascii() and _script(c) == "LATIN")
        if latin:
            scripts = {_script(c) for c in letters - alike if not c.isascii()} | {
                table[c] for c in alike}
            formula = scripts - {"LATIN"} == {"GREEK"} and latin <= 1
            severity: Severity = "block" if len(word) >= 3 and not formula else "warn"
            detail = ", ".join(f"{c} ({table[c].title()}, looks like {_CONFUSABLE[c]})"
                               for c in sorted(alike))
            yield _Problem("mixed-script", severity, m.start(), m.end(), detail)
            continue
        scripts = {table[c] for c in alike}
        if alike != letters or len(word) < 3 or len(scripts) != 1 or scripts & genuine:
            continue
        if latin_text is None:
            ascii_text = text.encode("ascii", "ignore")
            latin_text = sum(ascii_text.count(c) for c in _ASCII_LETTERS) >= 8
        if latin_text:
            yield _Problem("whole-script", "block", m.start(), m.end(), scripts.pop().title())


_MESSAGES = {
    "tags": ("Unicode tag characters (U+E0000-E007F) spell out hidden text{decoded}: they "
             "render as nothing, so a reviewer sees nothing while a model can read them. "
             "Delete them"),
    "odd-flag": ("an emoji tag sequence for the non-standard flag {detail!r}: tag characters "
                 "outside the three standard subdivision flags can carry hidden text. Use a "
                 "standard flag or none"),
    "vs-run": ("a run of {count} variation selectors encodes hidden bytes{decoded} "
               "(variation-selector smuggling): legitimate text never stacks them. Delete them"),
    "zw-run": ("a run of {count} invisible characters{decoded}: sequences of zero-width "
               "characters encode hidden bits. Delete them"),
    "bidi": ("bidirectional control character ({names}) can reorder how text is displayed "
             "(Trojan Source), so the reviewer and the model read different things. Delete it; "
             "write right-to-left text without override or embedding controls"),
    "bidi-rtl": ("bidirectional embedding or isolate ({names}) inside right-to-left text: "
                 "usually harmless, but it can reorder what is displayed. Prefer plain text"),
    "split": ("an invisible character ({names}) inside a word splits it, so it looks whole "
              "to a reviewer but not to a keyword filter. Delete it"),
    "stray": ("invisible character ({names}) in the text; it carries nothing visible and can "
              "hide or split content. Delete it unless it is needed"),
    "stray-vs": ("variation selector ({names}) after a character that has no variants; it "
                 "renders as nothing. Delete it"),
    "soft-hyphen": ("soft hyphen ({names}) inside the text: invisible unless the word wraps. "
                    "Fine for hyphenation hints; delete it otherwise"),
    "mixed-script": ("the word {word!r} mixes Latin letters with look-alikes from another "
                     "script ({detail}), so it reads as a different word than a filter sees. "
                     "Retype it in one script"),
    "whole-script": ("the word {word!r} is written entirely in {detail} letters that look "
                     "Latin, inside Latin text: a disguised word a filter does not recognise. "
                     "Retype it in Latin letters"),
}


def _names(text: str, start: int, end: int) -> str:
    seen = dict.fromkeys(text[start:end])
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in seen)


class HiddenUnicodeRule(BaseRule):
    """Blocks invisible, reordering and look-alike characters that hide what a lesson says."""

    name = "hidden-unicode"
    defaults = {
        "mixed_script": True,  # check words for look-alike letters from other scripts
        "check_decoded": True,  # look for smuggled tags/selectors in escaped or encoded text
        "allow": [],  # code points (as "U+200B" strings) this repository accepts anywhere
    }

    def configure(self) -> None:
        """Parse the allowed code points once."""
        from guardian.errors import PolicyPackError

        allowed = self.options["allow"]
        try:
            self._allow = frozenset(chr(int(str(a).upper().removeprefix("U+"), 16))
                                    for a in allowed)
        except (TypeError, ValueError):
            raise PolicyPackError(
                f"rule {self.id!r}: allow must list code points like 'U+200B'; got "
                f"{allowed!r}") from None

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Findings for hidden characters and disguised words in every field."""
        decode = self.options["check_decoded"]
        for field in ctx.fields(lesson):
            if not field.raw.isascii():
                yield from self._check_field(field)
            if decode and len(field.raw) >= 12:
                yield from self._check_decoded(field)

    def _check_field(self, field: TextField) -> Iterator[Finding]:
        raw = field.raw
        code = field.pointer == "/code"
        grouped: dict[str, list[_Problem]] = {}
        for problem in _invisible_problems(raw, code):
            if problem.end - problem.start == 1 and raw[problem.start] in self._allow:
                continue
            grouped.setdefault(problem.kind, []).append(problem)
        if self.options["mixed_script"]:
            for problem in _script_problems(field.normalized):
                grouped.setdefault(problem.kind, []).append(problem)
        for kind, problems in grouped.items():
            yield self._finding(field, kind, problems)

    def _finding(self, field: TextField, kind: str, problems: list[_Problem]) -> Finding:
        first = problems[0]
        source = field.normalized if kind in ("mixed-script", "whole-script") else field.raw
        severity: Severity = "block" if any(p.severity == "block" for p in problems) else "warn"
        decoded = next((p.detail for p in problems if p.detail), "")
        message = _MESSAGES[kind].format(
            decoded=f" (decoded: {shorten(decoded, 80)!r})" if decoded else "",
            detail=first.detail, count=first.end - first.start,
            names=_names(source, first.start, first.end),
            word=source[first.start:first.end])
        if len(problems) > 1:
            message += f" ({len(problems)} places in this field)"
        return self.finding(field.pointer, message,
                            excerpt=excerpt(source, first.start, first.end), severity=severity)

    def _check_decoded(self, field: TextField) -> Iterator[Finding]:
        for encoding, decoded in decode_embedded(field.raw):
            if encoding in ("unicode-tags", "variation-selectors") or decoded.isascii():
                continue
            tags = decode_tags(decoded)
            if len(tags.strip()) >= 3:
                yield self.finding(field.pointer, (
                    f"{encoding}-encoded text carries Unicode tag characters that spell "
                    f"{shorten(tags, 80)!r}: hidden text written as escapes. Delete it"),
                    excerpt=shorten(decoded))
                return
            for problem in _invisible_problems(decoded, False):
                if problem.kind == "vs-run" and problem.end - problem.start >= 3:
                    yield self.finding(field.pointer, (
                        f"{encoding}-encoded text carries a run of variation selectors that "
                        f"encode {shorten(problem.detail, 80)!r}: smuggled bytes. Delete it"),
                        excerpt=shorten(decoded))
                    return

"""Which characters a name or a text may hold: nothing that can disguise it as another.

Names and titles reach the other participant and the video call, so they may
hold letters, marks, digits, punctuation, symbols and spaces, but no control
characters (Unicode category Cc: NUL, ESC, newlines), no format characters
(Cf: bidi overrides and isolates that reverse what follows, zero-width
spaces and joiners that make two names look alike), no line or paragraph
separators and no surrogates or private-use characters. Longer texts (a
message, a bio, notes) may also hold tabs and line breaks, and the format
characters that emoji sequences and some scripts need (ZWJ, ZWNJ), but still
no other control character and no bidi control.
"""

from __future__ import annotations

import unicodedata

_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_NOT_IN_TEXTS = frozenset({"Cc", "Cs", "Zl", "Zp"})
_TEXT_CONTROLS = frozenset("\t\n\r")
# Every character that changes the direction of the text around it.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f" + "".join(map(chr, range(0x202A, 0x202F))) + "\u2066\u2067\u2068\u2069"
)


def unsafe_in_name(text: str) -> str | None:
    """The first character that a name or title may not hold, or None."""
    return next((c for c in text if unicodedata.category(c) in _NOT_IN_NAMES), None)


def unsafe_in_text(text: str) -> str | None:
    """The first character that a longer free text may not hold, or None."""
    for c in text:
        if c in _TEXT_CONTROLS:
            continue
        if c in BIDI_CONTROLS or unicodedata.category(c) in _NOT_IN_TEXTS:
            return c
    return None


def describe(c: str) -> str:
    """``U+202E`` and its name, for an error message."""
    return f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip()


def clean_name(text: str) -> str:
    """``text`` without the characters a name may not hold (for claims, which cannot be refused)."""
    return "".join(c for c in text if unicodedata.category(c) not in _NOT_IN_NAMES)

"""Escaping for XML built by string joins.

Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are
dropped so every document we send parses. Carriage returns are written as `&#xD;`, as AWS
does, because a parser would otherwise normalise them away.
"""

from __future__ import annotations

import re

_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_ILLEGAL_CHARS = re.compile(f"[{_ILLEGAL}]")
_TEXT_SPECIALS = re.compile(f"[&<>\r{_ILLEGAL}]")
_ATTRIBUTE_SPECIALS = re.compile(f'[&<>"\r\n\t{_ILLEGAL}]')


def escape_text(value: str) -> str:
    """`value` ready to sit between tags."""
    if _TEXT_SPECIALS.search(value) is None:
        return value
    value = _ILLEGAL_CHARS.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def escape_attribute(value: str) -> str:
    """`value` ready to sit inside double quotes, whitespace preserved."""
    if _ATTRIBUTE_SPECIALS.search(value) is None:
        return value
    value = _ILLEGAL_CHARS.sub("", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#xD;")
        .replace("\n", "&#xA;")
        .replace("\t", "&#x9;")
    )


def element(tag: str, text: str) -> str:
    """`<tag>text</tag>` with the text escaped."""
    return f"<{tag}>{escape_text(text)}</{tag}>"

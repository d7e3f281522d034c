"""A minimal, safe XML reader for request bodies.

Built directly on expat so nothing is left to defaults: any DOCTYPE is refused (which rules out
internal entity expansion, "billion laughs", and external entities / DTD fetching), nesting is
capped, and every failure becomes `MalformedInput`. Namespace prefixes are dropped from element
names (AWS matches on local names); attribute names are kept as written (`xsi:type`).
"""

from __future__ import annotations

from xml.parsers import expat

from stratus.protocol.parsers.failures import BODY, MalformedInput

MAX_XML_DEPTH = 64


class Element:
    __slots__ = ("tag", "attributes", "children", "_text")

    def __init__(self, tag: str, attributes: dict[str, str]) -> None:
        self.tag = tag
        self.attributes = attributes
        self.children: list[Element] = []
        self._text: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._text)

    def __repr__(self) -> str:
        return f"<Element {self.tag} children={len(self.children)}>"


class _DoctypeRefused(Exception):
    pass


class _TooDeep(Exception):
    pass


def _local(name: str) -> str:
    colon = name.find(":")
    return name if colon < 0 else name[colon + 1 :]


def parse_xml(raw: bytes) -> Element:
    """The root element of an XML document, or MalformedInput."""
    stack: list[Element] = []
    root: list[Element] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_XML_DEPTH:
            raise _TooDeep
        element = Element(_local(name), attributes)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(name: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1]._text.append(data)

    def refuse_doctype(*args) -> None:
        raise _DoctypeRefused

    parser = expat.ParserCreate(encoding=None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ExternalEntityRefHandler = refuse_doctype
    parser.buffer_text = True
    try:
        parser.Parse(raw, True)
    except _DoctypeRefused:
        raise MalformedInput("DOCTYPE declarations are not allowed", BODY, syntax=True) from None
    except _TooDeep:
        raise MalformedInput("The XML document is nested too deeply", BODY, syntax=True) from None
    except expat.ExpatError as error:
        raise MalformedInput(f"The XML document is not well-formed: {error}", BODY, syntax=True) from None
    except (ValueError, LookupError) as error:  # e.g. an unknown encoding in the XML declaration
        raise MalformedInput(f"The XML document cannot be read: {error}", BODY, syntax=True) from None
    if not root:
        raise MalformedInput("The XML document has no root element", BODY, syntax=True)
    return root[0]

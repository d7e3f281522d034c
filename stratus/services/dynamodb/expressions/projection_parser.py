"""Parser of ProjectionExpression: `path (',' path)*`."""

from __future__ import annotations

from functools import lru_cache

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import ParsedProjection
from stratus.services.dynamodb.expressions.parser_base import RESERVED, ParseFailure, Parser


class ProjectionParser(Parser):
    def parse(self) -> ParsedProjection:
        paths = [self.parse_path()]
        while self.at_punct(","):
            self.advance()
            paths.append(self.parse_path())
        self.expect_end()
        return ParsedProjection(tuple(paths))


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedProjection | str:
    parser = ProjectionParser(text)
    try:
        parsed = parser.parse()
    except ParseFailure as failure:
        return failure.message
    return parser.first_noted((RESERVED,)) or parsed


def parse_projection(text: str) -> ParsedProjection:
    """Parse a ProjectionExpression (cached by text); ValidationException `Invalid
    ProjectionExpression: ...` for a syntax error or a reserved word."""
    if text == "":
        raise messages.invalid("ProjectionExpression", messages.EMPTY)
    size = len(text.encode("utf-8"))
    if size > messages.MAX_EXPRESSION_BYTES:
        raise messages.invalid("ProjectionExpression", messages.too_long(size))
    result = _parse(text)
    if isinstance(result, str):
        raise messages.invalid("ProjectionExpression", result)
    return result

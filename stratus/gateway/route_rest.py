"""Matching a REST request (method, path, query, headers) against one service's URI templates.

Each service's `http.requestUri` templates (`/2015-03-31/functions/{FunctionName}/invocations`,
`/{Bucket}/{Key+}?tagging`, `/portals/{portalArn+}/browserSettings`) are compiled once into a
segment trie. A path walks the trie (literal child first, then a `{Label}`, then a greedy
`{Label+}` taking one or more segments); every template reached is a candidate, and the most
specific one wins:

1. the path: an exact match beats one that ignores a trailing "/"; then, at the first position
   where two templates differ, a literal beats a label, and a label beats a greedy label;
2. more literal query keys of the template (`?tagging`, `?list-type=2`); these must be present;
3. more of the operation's required querystring/header members present (`uploadId`,
   `x-amz-copy-source`), then fewer missing: S3's PutObject/UploadPart/CopyObject differ only so;
4. a non-deprecated operation over a deprecated twin with the same wire form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from stratus.protocol.loader import service_model

_LABEL = re.compile(r"^\{([^}]+)\}$")

_LITERAL, _SINGLE, _GREEDY = 2, 1, 0


@dataclass(frozen=True, slots=True)
class RestEndpoint:
    operation: str
    method: str
    label_names: tuple[str, ...]  # in path order
    path_rank: tuple[int, ...]  # _LITERAL/_SINGLE/_GREEDY per template segment
    literal_query: tuple[tuple[str, str | None], ...]  # from `?a&b=c` in the requestUri
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]  # lower-cased
    static_rank: tuple  # (path_rank, number of literal query keys), precomputed for matching
    preference: tuple[bool, int]  # (not deprecated, -position in the model): the last tie-breaks


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    single: _Node | None = None
    greedy: _Node | None = None
    endpoints: dict[str, list[RestEndpoint]] = field(default_factory=dict)  # by HTTP method

    @property
    def is_leaf(self) -> bool:
        return not self.literals and self.single is None and self.greedy is None


@dataclass(frozen=True, slots=True)
class RestMatch:
    endpoint: RestEndpoint
    uri_params: dict[str, str]
    complete: bool  # every required querystring/header member is present
    score: tuple  # comparable across services (the model order is not part of it)


class _Walk:
    """One request's walk through the trie: what it looks for and what it found."""

    __slots__ = ("method", "segments", "found")

    def __init__(self, method: str, segments: list[str]) -> None:
        self.method = method
        self.segments = segments
        self.found: list[tuple[RestEndpoint, tuple[str, ...], bool]] = []

    def collect(self, node: _Node, captures: tuple[str, ...], exact: bool) -> None:
        for endpoint in node.endpoints.get(self.method, ()):
            self.found.append((endpoint, captures, exact))


class RestTable:
    """The compiled URI templates of one REST service."""

    __slots__ = ("service", "_root")

    def __init__(self, service: str, endpoints: list[tuple[list[str], RestEndpoint]]) -> None:
        self.service = service
        self._root = _Node()
        for segments, endpoint in endpoints:
            node = self._root
            for segment in segments:
                label = _LABEL.match(segment)
                if label is None:
                    node = node.literals.setdefault(segment, _Node())
                elif label.group(1).endswith("+"):
                    node.greedy = node.greedy or _Node()
                    node = node.greedy
                else:
                    node.single = node.single or _Node()
                    node = node.single
            node.endpoints.setdefault(endpoint.method, []).append(endpoint)

    def match(
        self,
        method: str,
        segments: list[str],
        query: dict[str, list[str]],
        headers: dict[str, str],
    ) -> RestMatch | None:
        """The best endpoint for the request, if any template matches it."""
        walk = _Walk(method, segments)
        _walk(self._root, walk, 0, ())
        best: tuple[RestEndpoint, tuple[str, ...], int] | None = None
        best_ranked: tuple = ()
        for endpoint, captures, exact in walk.found:
            if endpoint.literal_query and not _has_literal_query(endpoint, query):
                continue
            present = 0
            for name in endpoint.required_query:
                present += name in query
            for name in endpoint.required_headers:
                present += name in headers
            missing = len(endpoint.required_query) + len(endpoint.required_headers) - present
            ranked = (exact, endpoint.static_rank, present, -missing, endpoint.preference)
            if best is None or ranked > best_ranked:
                best_ranked = ranked
                best = (endpoint, captures, missing)
        if best is None:
            return None
        endpoint, captures, missing = best
        # The model order (last in `preference`) only breaks ties inside one service.
        score = best_ranked[:-1] + (best_ranked[-1][0],)
        return RestMatch(endpoint, _decode(endpoint, captures), missing == 0, score)


def _walk(node: _Node, walk: _Walk, index: int, captures: tuple[str, ...]) -> None:
    segments = walk.segments
    remaining = len(segments) - index
    if remaining == 0:
        walk.collect(node, captures, True)
        trailing = node.literals.get("")  # the template ends with "/", the request does not
        if trailing is not None:
            walk.collect(trailing, captures, False)
        return
    segment = segments[index]
    if remaining == 1 and segment == "":
        walk.collect(node, captures, False)  # the request ends with "/", the template does not
    child = node.literals.get(segment)
    if child is None and "%" in segment:
        child = node.literals.get(unquote(segment))
    if child is not None:
        _walk(child, walk, index + 1, captures)
    if node.single is not None and segment:
        _walk(node.single, walk, index + 1, (*captures, segment))
    greedy = node.greedy
    if greedy is not None:
        # A greedy label takes one or more segments; at the end of a template, all of them.
        shortest = len(segments) if greedy.is_leaf else index + 1
        for end in range(len(segments), shortest - 1, -1):
            value = "/".join(segments[index:end])
            if value:
                _walk(greedy, walk, end, (*captures, value))


def _has_literal_query(endpoint: RestEndpoint, query: dict[str, list[str]]) -> bool:
    for name, value in endpoint.literal_query:
        values = query.get(name)
        if values is None or (value is not None and value not in values):
            return False
    return True


def _decode(endpoint: RestEndpoint, captures: tuple[str, ...]) -> dict[str, str]:
    return {name: unquote(raw) for name, raw in zip(endpoint.label_names, captures, strict=True)}


def split_path(path: str) -> list[str]:
    """Raw path segments, empty ones kept (they matter inside S3 keys); "/" gives []."""
    if path in ("", "/"):
        return []
    return path[1:].split("/") if path[0] == "/" else path.split("/")


def _literal_query(query_part: str) -> tuple[tuple[str, str | None], ...]:
    pairs = []
    for item in query_part.split("&"):
        if item:
            name, equals, value = item.partition("=")
            pairs.append((name, value if equals else None))
    return tuple(pairs)


@cache
def rest_table(service: str) -> RestTable:
    """The compiled templates of `service`, built on its first request."""
    model = service_model(service)
    return RestTable(
        service,
        [_compile(order, model.operation_model(name)) for order, name in enumerate(model.operation_names)],
    )


def _compile(order: int, operation) -> tuple[list[str], RestEndpoint]:
    path, _, query_part = operation.http.get("requestUri", "/").partition("?")
    segments = split_path(path)
    label_names: list[str] = []
    rank: list[int] = []
    for segment in segments:
        label = _LABEL.match(segment)
        if label is None:
            rank.append(_LITERAL)
        elif label.group(1).endswith("+"):
            rank.append(_GREEDY)
            label_names.append(label.group(1)[:-1])
        else:
            rank.append(_SINGLE)
            label_names.append(label.group(1))
    required_query: list[str] = []
    required_headers: list[str] = []
    input_shape = operation.input_shape
    if input_shape is not None:
        for member_name in input_shape.required_members:
            serialization = input_shape.members[member_name].serialization
            location = serialization.get("location")
            if location == "querystring":
                required_query.append(serialization.get("name", member_name))
            elif location == "header":
                required_headers.append(serialization.get("name", member_name).lower())
    literal_query = _literal_query(query_part)
    endpoint = RestEndpoint(
        operation=operation.name,
        method=operation.http.get("method", "POST").upper(),
        label_names=tuple(label_names),
        path_rank=tuple(rank),
        literal_query=literal_query,
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        static_rank=(tuple(rank), len(literal_query)),
        preference=(not operation.deprecated, -order),
    )
    return segments, endpoint

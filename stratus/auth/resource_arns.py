"""The resource ARN a request names, built from an ARN template and the request's parameters.

`build_renderer` decides once per (operation, resource type) where each placeholder comes from:
the call's partition/region/account, an input member (see placeholder_sources.py and the generic
name rule below), or an ARN the request gives. `ResourceRenderer.render` then only reads values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from urllib.parse import quote

from stratus.auth.arn_templates import (
    ARN_FIELD,
    CONTEXT_PLACEHOLDERS,
    ArnTemplate,
    arn_field,
    compile_template,
)
from stratus.auth.placeholder_sources import Constant, FromParam, FromRequest, Source, sources_for

Context = tuple[str, str, str]  # (account, region, partition) of the call
Getter = Callable[[dict, Context], str | None] | int  # an int: that index of the Context
_CONTEXT_INDEX = {"Account": 0, "Region": 1, "Partition": 2}

# Members that name the resource of a template with a single name placeholder when nothing closer does
# (CreateTopic's Name is the ${TopicName}).
_FALLBACK_NAME_MEMBERS = ("Name", "Id", "Identifier", "ResourceName")
# Members that may hold the resource's own ARN, besides *Arn; used verbatim when it fits the template.
_RESOURCE_MEMBERS = frozenset(("resource", "resourceid", "resourceidentifier", "resourcename", "arn"))


def _is_arn_member(member: str) -> bool:
    """A member that may carry a resource's ARN (ResourceArn, TopicArn, Lambda's `Resource`...)."""
    lowered = member.lower()
    return lowered.endswith("arn") or lowered in _RESOURCE_MEMBERS


def generic_member_candidates(placeholder: str) -> list[str]:
    """Member names that plausibly hold `placeholder`, best first (matched case-insensitively)."""
    bases = [placeholder]
    for suffix in ("WithPath", "WithoutLeadingSlash"):
        if placeholder.endswith(suffix):
            bases.append(placeholder[: -len(suffix)])
    derived: list[str] = []
    for base in bases:
        derived.append(base)
        if base.endswith("Name") and len(base) > 4:
            derived += [base[:-4], base[:-4] + "Arn"]
        elif base.endswith("Id") and len(base) > 2:
            derived += [base + "entifier", base[:-2] + "Arn", base[:-2]]
        elif base.endswith("ID") and len(base) > 2:
            derived += [base[:-2] + "Id", base[:-2] + "Arn"]
    candidates = []
    for name in derived:
        candidates += [name, name + "s", name + "List"]
    return list(dict.fromkeys(candidates))


class ResourceRenderer:
    """Fills one ARN template for one operation's requests."""

    __slots__ = ("template", "resource_type", "_getters", "_direct", "_lists")

    def __init__(
        self,
        template: ArnTemplate,
        resource_type: str,
        getters: tuple[Getter, ...] | None,
        direct: tuple[str, ...],
        lists: tuple[str, ...],
    ) -> None:
        self.template = template
        self.resource_type = resource_type
        self._getters = getters  # None: the resource can only be given as an ARN
        self._direct = direct  # members whose ARN value, if it fits the template, is the resource
        self._lists = lists  # members that may be lists: one resource per item

    def render(self, params: dict, context: Context) -> list[str] | None:
        for member in self._lists:
            value = params.get(member)
            if isinstance(value, list):
                rendered: list[str] = []
                for item in value:
                    rendered += self.render({**params, member: item}, context) or ()
                return rendered or None
        return self._render_one(params, context)

    def _render_one(self, params: dict, context: Context) -> list[str] | None:
        pattern = self.template.pattern
        for member in self._direct:
            value = params.get(member)
            if isinstance(value, str) and value.startswith("arn:") and pattern.fullmatch(value):
                return [value]
        if self._getters is None:
            return None
        literals = self.template.literals
        pieces = [literals[0]]
        for index, getter in enumerate(self._getters, 1):
            # an int is the index of a context value (account, region, partition): no call needed
            value = context[getter] if getter.__class__ is int else getter(params, context)
            if not value:
                return None
            pieces.append(value)
            pieces.append(literals[index])
        return ["".join(pieces)]


def _param_getter(template_names: Callable[[str], list[ArnTemplate]], placeholder: str, source: FromParam):
    member, transform, arn_only, never_arn = (
        source.member,
        source.transform,
        source.arn_only,
        source.never_arn,
    )
    parsers = template_names(placeholder)

    def convert(value: object) -> str | None:
        if isinstance(value, str):
            if value.startswith("arn:") and not never_arn:
                for template in parsers:
                    found = template.parse(value, placeholder)
                    if found:
                        return found
                return None
            if arn_only or not value:
                return None
            return transform(value) if transform else value
        if isinstance(value, bool) or arn_only:
            return None
        if isinstance(value, int):
            return str(value)
        return None

    # a list member is expanded item by item by ResourceRenderer.render before getters run
    return lambda params, context: convert(params.get(member))


def _request_getter(source: FromRequest):
    extract = source.extract
    return lambda params, context: extract(params)


def _constant_getter(source: Constant):
    value = source.value
    return lambda params, context: value


def _chain(getters: list[Getter]) -> Getter:
    if len(getters) == 1:
        return getters[0]

    def getter(params: dict, context: Context) -> str | None:
        for candidate in getters:
            value = candidate(params, context)
            if value:
                return value
        return None

    return getter


def _index_getter(index: int) -> Getter:
    return lambda params, context: context[index]


def _context_getter(placeholder: str, arn_members: tuple[str, ...]) -> Getter:
    """Partition/Region/Account: from an ARN the request gives for this resource, else the call's."""
    index = _CONTEXT_INDEX[placeholder]
    field = ARN_FIELD[placeholder]
    if not arn_members:
        return index  # ResourceRenderer reads context[index] directly

    def getter(params: dict, context: Context) -> str | None:
        for member in arn_members:
            value = params.get(member)
            if isinstance(value, str) and value.startswith("arn:"):
                fields = value.split(":", 5)
                if len(fields) > field and fields[field]:
                    return fields[field]
        return context[index]

    return getter


def _applies(source: Source, members: Collection[str]) -> bool:
    if isinstance(source, FromParam):
        return source.member in members
    if isinstance(source, FromRequest):
        return any(member in members for member in source.members)
    return True


def build_renderer(
    prefix: str,
    resource_type: str,
    template_text: str,
    members: Collection[str],
    service_templates: Iterable[str],
) -> ResourceRenderer | None:
    """A renderer for one resource type of one operation, or None if the input cannot fill it."""
    template = compile_template(template_text)
    lowered = {member.lower(): member for member in members}
    names = template.names
    parsers_cache: dict[str, list[ArnTemplate]] = {}

    def templates_with(placeholder: str) -> list[ArnTemplate]:
        if placeholder not in parsers_cache:
            found = [compile_template(text) for text in service_templates if f"${{{placeholder}}}" in text]
            found.sort(key=lambda candidate: -len(candidate.placeholders))
            if template not in found:
                found.insert(0, template)
            parsers_cache[placeholder] = found
        return parsers_cache[placeholder]

    name_getters: dict[str, Getter] = {}
    used_members: list[str] = []  # members whose ARN value gives partition, region and account
    direct_members: list[str] = []  # FromParam members that may hold this resource's own ARN
    list_members: list[str] = []  # FromParam members: a list value gives one resource per item
    for placeholder in dict.fromkeys(names):
        sources = sources_for(prefix, resource_type, placeholder)
        if sources is None:
            sources = tuple(
                FromParam(lowered[candidate.lower()])
                for candidate in generic_member_candidates(placeholder)
                if candidate.lower() in lowered
            )
            if not sources and len(set(names)) == 1:
                sources = tuple(
                    FromParam(lowered[m.lower()]) for m in _FALLBACK_NAME_MEMBERS if m.lower() in lowered
                )
        applicable = [source for source in sources if _applies(source, members)]
        if not applicable:
            # Only an ARN the request gives (ResourceArn of tagging operations) can name this resource.
            direct_only = tuple(member for member in members if _is_arn_member(member))
            if not direct_only:
                return None
            return ResourceRenderer(template, resource_type, None, direct_only, ())
        getters = []
        for source in applicable:
            if isinstance(source, FromParam):
                getters.append(_param_getter(templates_with, placeholder, source))
                list_members.append(source.member)
                if not source.never_arn:
                    used_members.append(source.member)
                    direct_members.append(source.member)
            elif isinstance(source, FromRequest):  # reads ARNs itself: not a direct member
                getters.append(_request_getter(source))
                used_members += [member for member in source.members if member in members]
            else:
                getters.append(_constant_getter(source))
        name_getters[placeholder] = _chain(getters)

    arn_members = tuple(dict.fromkeys(used_members))
    getters: list[Getter] = []
    for placeholder in template.placeholders:
        if placeholder in CONTEXT_PLACEHOLDERS:
            explicit = sources_for(prefix, resource_type, placeholder)
            fallback = _context_getter(placeholder, arn_members)
            chained = [
                _param_getter(templates_with, placeholder, source)
                if isinstance(source, FromParam)
                else _request_getter(source)
                for source in explicit or ()
                if not isinstance(source, Constant) and _applies(source, members)
            ]
            if chained and isinstance(fallback, int):
                fallback = _index_getter(fallback)
            getters.append(_chain([*chained, fallback]) if chained else fallback)
        else:
            getters.append(name_getters[placeholder])

    direct = tuple(dict.fromkeys([*direct_members, *(m for m in members if _is_arn_member(m))]))
    lists = tuple(dict.fromkeys(list_members))
    return ResourceRenderer(template, resource_type, tuple(getters), direct, lists)


def resource_account(arn: str, caller_account: str) -> str | None:
    """The account an ARN names when it is not the caller's (None for account-less ARNs such as S3's)."""
    if not arn.startswith("arn:"):
        return None
    account = arn_field(arn, "Account")
    return account if account and account != caller_account else None


def sorted_most_specific(renderers: Iterable[ResourceRenderer]) -> list[ResourceRenderer]:
    """Most name placeholders first (table/T/index/I before table/T). Among equals, the template with
    fewer context placeholders first: S3's bucket/object ARNs before the access point forms, which
    only an access point ARN fills, so the common request renders on the first try."""

    def key(renderer: ResourceRenderer) -> tuple[int, int]:
        placeholders = renderer.template.placeholders
        return (-len(renderer.template.names), len(placeholders) - len(renderer.template.names))

    return sorted(renderers, key=key)


_URI_VARIABLE = re.compile(r"\{([^}]+?)\+?\}")


class PathRenderer:
    """API Gateway's management resources: `arn:aws:apigateway:REGION::/restapis/ID/...`, the request path."""

    __slots__ = ("_literals", "_members", "_encode")

    def __init__(self, request_uri: str, uri_members: dict[str, str]) -> None:
        path = request_uri.split("?", 1)[0]
        path = path.removeprefix("/v2")  # API Gateway v2's paths are authorized without the version
        pieces = _URI_VARIABLE.split(path)
        self._literals = tuple(pieces[0::2])
        variables = pieces[1::2]
        self._members = tuple(uri_members.get(variable, variable) for variable in variables)
        self._encode = tuple("arn" in variable.lower() for variable in variables)

    def render(self, params: dict, context: Context) -> list[str] | None:
        pieces = [f"arn:{context[2]}:apigateway:{context[1]}::", self._literals[0]]
        for index, member in enumerate(self._members):
            value = params.get(member)
            if not isinstance(value, str) or not value:
                return None
            pieces.append(quote(value, safe="") if self._encode[index] else value)
            pieces.append(self._literals[index + 1])
        return ["".join(pieces)]

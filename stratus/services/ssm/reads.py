"""GetParameter, GetParameters and GetParametersByPath: the hot path.

A read names a parameter, optionally with a selector (`name:3`, `name:label`); `/aws/service/...`
names are public parameters, `/aws/reference/secretsmanager/...` read Secrets Manager. SecureString
values are answered as stored (base64 ciphertext) unless WithDecryption asks for KMS Decrypt.
SsmProvider supplies `db`.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.ssm import names, public, references, secure
from stratus.services.ssm.common import (
    NOT_FOUND,
    SECURE_STRING,
    Parameter,
    ParameterNotFound,
    ParameterVersion,
    ParameterVersionNotFound,
    ValidationException,
    version_not_found,
)
from stratus.services.ssm.filters import StringFilter, matches, parse_filters
from stratus.services.ssm.output import parameter_output
from stratus.services.ssm.paging import decode_token, encode_token
from stratus.services.ssm.store import (
    SCAN_CHUNK,
    find_parameter,
    find_version,
    parameters_in_order,
    version_labelled,
)
from stratus.services.ssm.tags import read_tags
from stratus.store import Database

BY_PATH_DEFAULT_RESULTS = 10


async def answer_value(ctx: RequestContext, version: ParameterVersion, arn: str, decrypt: bool) -> str:
    """The Value a read answers: a SecureString's plaintext only when asked to decrypt."""
    if version.type != SECURE_STRING or not decrypt:
        return version.value
    return await secure.decrypt(ctx, arn, version.tier, version.value)


def select_version(db: Database, parameter: Parameter, selector: str | None) -> ParameterVersion:
    """The version a selector picks: a number, or a label; none picks the latest."""
    if selector is None:
        return parameter.latest
    number = int(selector) if selector.isdigit() else version_labelled(db, parameter.parameter_id, selector)
    found = find_version(db, parameter, number) if number is not None else None
    if found is None:
        raise version_not_found(parameter.name, selector)
    return found


async def read_one(ctx: RequestContext, db: Database, text: str, decrypt: bool) -> dict:
    """The Parameter answer for one requested name (selector included)."""
    name, selector = names.split_selector(text)
    if references.is_reference(name):
        return await references.read_reference(ctx, name, selector, decrypt)
    name = names.clean(name)
    names.check_name(name)
    if public.is_public(name):
        found = public.find_public(ctx.region, name)
        if found is None or selector not in (None, str(found.version)):
            raise ParameterNotFound(NOT_FOUND)
        return parameter_output(found, public.public_arn(ctx.region, name), found.value, selector)
    parameter = find_parameter(db, ctx.account_id, ctx.region, name)
    if parameter is None:
        raise ParameterNotFound(NOT_FOUND)
    version = select_version(db, parameter, selector)
    value = await answer_value(ctx, version, parameter.arn, decrypt)
    return parameter_output(version, parameter.arn, value, selector)


def _labelled_version(db: Database, parameter: Parameter, labels: tuple[str, ...]) -> ParameterVersion | None:
    for label in labels:
        number = version_labelled(db, parameter.parameter_id, label)
        if number is not None:
            return find_version(db, parameter, number)
    return None


class ReadOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def get_parameter(self, ctx: RequestContext, req: dict) -> dict:
        return {"Parameter": await read_one(ctx, self.db(), req["Name"], bool(req.get("WithDecryption")))}

    async def get_parameters(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        decrypt = bool(req.get("WithDecryption"))
        found: list[dict] = []
        invalid: list[str] = []
        for text in dict.fromkeys(req["Names"]):
            try:
                found.append(await read_one(ctx, db, text, decrypt))
            except (ParameterNotFound, ParameterVersionNotFound, ValidationException):
                invalid.append(text)
        return {"Parameters": found, "InvalidParameters": invalid}

    async def get_parameters_by_path(self, ctx: RequestContext, req: dict) -> dict:
        path = names.normalized_path(req["Path"])
        filters = parse_filters(req.get("ParameterFilters"), by_path=True)
        labels = next((item.values for item in filters if item.key == "Label"), None)
        recursive = bool(req.get("Recursive"))
        limit = req.get("MaxResults") or BY_PATH_DEFAULT_RESULTS
        position = decode_token(req.get("NextToken"), "after")
        after = position["after"] if position else None
        decrypt = bool(req.get("WithDecryption"))
        if path == "/aws" or path.startswith("/aws/"):
            return self._public_page(ctx, path, recursive, after, limit, filters)
        db = self.db()
        page: list[tuple[Parameter, ParameterVersion]] = []
        more = False
        # Without filters a page is exactly the next limit + 1 rows of the index.
        chunk = limit + 1 if not filters else SCAN_CHUNK
        for parameter in parameters_in_order(
            db, ctx.account_id, ctx.region, after, path=path, recursive=recursive, chunk=chunk
        ):
            if not matches(parameter, filters, lambda p=parameter: read_tags(db, p.parameter_id)):
                continue
            version = parameter.latest if labels is None else _labelled_version(db, parameter, labels)
            if version is None:
                continue
            if len(page) == limit:
                more = True
                break
            page.append((parameter, version))
        answers = []
        for parameter, version in page:
            value = await answer_value(ctx, version, parameter.arn, decrypt)
            answers.append(parameter_output(version, parameter.arn, value))
        out: dict = {"Parameters": answers}
        if more:
            out["NextToken"] = encode_token({"after": page[-1][0].name})
        return out

    def _public_page(
        self,
        ctx: RequestContext,
        path: str,
        recursive: bool,
        after: str | None,
        limit: int,
        filters: list[StringFilter],
    ) -> dict:
        """Public parameters (String, untagged, unlabelled): only a Type filter can keep them."""
        keep = all(
            item.key == "Type"
            and any(
                "String".startswith(value) if item.option == "BeginsWith" else value == "String"
                for value in item.values
            )
            for item in filters
        )
        found = public.public_under(ctx.region, path, recursive, after) if keep else []
        page = found[:limit]
        out: dict = {
            "Parameters": [
                parameter_output(version, public.public_arn(ctx.region, version.name), version.value)
                for version in page
            ]
        }
        if len(found) > limit:
            out["NextToken"] = encode_token({"after": page[-1].name})
        return out

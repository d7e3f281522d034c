"""Input validation against the model's constraints, answered the way each service answers it.

What is checked: members listed as `required` on their structure, length `min`/`max` of strings,
blobs, lists and maps, value `min`/`max` of numbers, and string enums. Every violation is
collected and reported in one error, in the style the service really uses:

- Coral services (json, rest-json, smithy-rpc-v2-cbor and most query services):
  `2 validation errors detected: Value 'x' at 'attributeNames.1.member' failed to satisfy
  constraint: Member must satisfy enum value set: [A, B]; Value null at 'queueUrl' failed to
  satisfy constraint: Member must not be null`, paths in lowerCamel member names, list items as
  `.N.member`, sensitive values left out ("Value at 'password'"). The code is
  `ValidationException` for json/rest-json/cbor and `ValidationError` for query (IAM, STS, SNS,
  CloudFormation ...); a few services use their own (CloudWatch Logs and Cognito
  `InvalidParameterException`, ECS `ClientException`, API Gateway and AppSync
  `BadRequestException`, Route 53 `InvalidInput`, CloudFront `InvalidArgument`, CloudWatch
  `MissingParameter`/`InvalidParameterValue`).
- EC2: only missing members, `MissingParameter` "The request must contain the parameter X"
  (EC2's models carry few constraints and its enums, e.g. instance types, grow faster than a
  client's copy of the model, so values are left to the service).
- SQS (both its json and query protocols): `MissingParameter` "The request must contain the
  parameter QueueUrl."; attribute names and values are the provider's to judge
  (`InvalidAttributeName`, `InvalidParameterValue` with SQS's own wording).
- S3 and S3 Control: no enum or length checks (S3 does not make them); a missing body member is
  `MalformedXML`, a missing header or query parameter `InvalidRequest`.

Services can adjust their policy with `register_validation_policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from botocore.model import OperationModel

from stratus.protocol.errors import ServiceError, ValidationError
from stratus.protocol.parsers.failures import S3_MALFORMED_XML
from stratus.protocol.parsers.shapes import Field, StructBody, input_field

CORAL, EC2, SQS, S3 = "coral", "ec2", "sqs", "s3"
_NUMERIC = frozenset({"integer", "long", "float", "double"})


@dataclass(frozen=True, slots=True)
class ValidationPolicy:
    style: str  # CORAL, EC2, SQS or S3: how violations are worded
    code: str  # the error code for violations
    missing_code: str | None = None  # a different code when every violation is a missing member
    check_values: bool = True  # lengths and numeric ranges
    check_enums: bool = True
    status: int = 400


_PROTOCOL_DEFAULTS = {
    "json": ValidationPolicy(CORAL, "ValidationException"),
    "rest-json": ValidationPolicy(CORAL, "ValidationException"),
    "smithy-rpc-v2-cbor": ValidationPolicy(CORAL, "ValidationException"),
    "query": ValidationPolicy(CORAL, "ValidationError"),
    "ec2": ValidationPolicy(EC2, "InvalidParameterValue", "MissingParameter", False, False),
    "rest-xml": ValidationPolicy(CORAL, "ValidationError"),
}
_SQS_POLICY = ValidationPolicy(SQS, "InvalidParameterValue", "MissingParameter", False, False)
_S3_POLICY = ValidationPolicy(S3, "InvalidRequest", None, False, False)
_SERVICE_POLICIES: dict[str, ValidationPolicy] = {
    "sqs": _SQS_POLICY,
    "s3": _S3_POLICY,
    "s3control": _S3_POLICY,
    "ec2": _PROTOCOL_DEFAULTS["ec2"],
    "route53": ValidationPolicy(CORAL, "InvalidInput"),
    "cloudfront": ValidationPolicy(CORAL, "InvalidArgument"),
    "logs": ValidationPolicy(CORAL, "InvalidParameterException"),
    "cognito-idp": ValidationPolicy(CORAL, "InvalidParameterException"),
    "ecs": ValidationPolicy(CORAL, "ClientException"),
    "apigateway": ValidationPolicy(CORAL, "BadRequestException"),
    "apigatewayv2": ValidationPolicy(CORAL, "BadRequestException"),
    "appsync": ValidationPolicy(CORAL, "BadRequestException"),
    "cloudwatch": ValidationPolicy(CORAL, "InvalidParameterValue", "MissingParameter"),
}


def register_validation_policy(service: str, policy: ValidationPolicy) -> None:
    """Override how one service's input is validated and its violations answered."""
    _SERVICE_POLICIES[service] = policy


def policy_for(protocol: str, service: str) -> ValidationPolicy:
    policy = _SERVICE_POLICIES.get(service)
    if policy is not None:
        return policy
    return _PROTOCOL_DEFAULTS.get(protocol, _PROTOCOL_DEFAULTS["json"])


def validate_input(protocol: str, operation: OperationModel, params: dict) -> None:
    """Raise ValidationError (or the service's own error) when params break the model's constraints."""
    checker = _checker(operation, policy_for(protocol, operation.service_model.service_name))
    if checker is None:
        return
    violations: list[_Violation] = []
    checker.structure(checker.root.body, params, (), violations)
    if violations:
        raise checker.error(violations)


# -- violations ------------------------------------------------------------------------------

_NULL = "null"


@dataclass(slots=True)
class _Violation:
    path: tuple  # Fields, list indexes (int) and map keys (str) from the input down
    field: Field
    value: object
    constraint: str  # Coral wording; _NULL for a missing member


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _java_text(value: object) -> str:
    """Roughly how Coral's Java prints a value inside its message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_java_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return "null"
    return str(value)


def _coral_path(path: tuple) -> str:
    parts = []
    for step in path:
        if isinstance(step, Field):
            parts.append(_lower_camel(step.name))
        elif isinstance(step, int):
            parts.append(f"{step}.member")
        else:
            parts.append(str(step))
    return ".".join(parts)


def _wire_path(path: tuple, ec2: bool) -> str:
    parts = []
    for step in path:
        if isinstance(step, Field):
            parts.append(step.ec2_key if ec2 else step.name)
        else:
            parts.append(str(step))
    return ".".join(parts)


def _coral_message(violations: list[_Violation]) -> str:
    lines = []
    for violation in violations:
        where = _coral_path(violation.path)
        if violation.constraint is _NULL:
            lines.append(f"Value null at '{where}' failed to satisfy constraint: Member must not be null")
        elif violation.field.sensitive:
            lines.append(f"Value at '{where}' failed to satisfy constraint: {violation.constraint}")
        else:
            value = _java_text(violation.value)
            lines.append(f"Value '{value}' at '{where}' failed to satisfy constraint: {violation.constraint}")
    count = len(lines)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(lines)


# -- the checker -----------------------------------------------------------------------------


class _Checker:
    """Walks params against one operation's input under one policy, visiting only what can fail."""

    def __init__(self, root: Field, policy: ValidationPolicy) -> None:
        self.root = root
        self.policy = policy
        # Everything below is keyed by id(): Fields and bodies live as long as the compiled input.
        self._own: dict[int, bool] = {}
        self._needs: dict[int, bool] = {}
        self._body_needs: dict[int, bool] = {}
        self._plans: dict[int, tuple[tuple[Field, ...], tuple[Field, ...]]] = {}

    # Precomputation: which members of each structure need a look at all.
    def needs_any_check(self) -> bool:
        return self._structure_needs(self.root.body)

    def _plan(self, body: StructBody) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
        plan = self._plans.get(id(body))
        if plan is None:
            required = tuple(body.members[name] for name in body.required if name in body.members)
            checked = tuple(member for member in body.members.values() if self._field_needs(member))
            plan = self._plans[id(body)] = (required, checked)
        return plan

    def _own_checks(self, field: Field) -> bool:
        own = self._own.get(id(field))
        if own is None:
            policy = self.policy
            kind = field.type
            if policy.check_enums and kind == "string" and field.enum_set:
                own = True
            elif not policy.check_values or (field.min is None and field.max is None):
                own = False
            else:
                own = kind in ("string", "blob", "list", "map", "integer", "long", "float", "double")
            self._own[id(field)] = own
        return own

    def _structure_needs(self, body: StructBody) -> bool:
        """Whether anything below a structure can fail: a search of the (possibly cyclic) shape graph."""
        found = self._body_needs.get(id(body))
        if found is not None:
            return found
        found = False
        seen: set[int] = set()
        pending = [body]
        while pending and not found:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if current.required:
                found = True
                break
            fields = list(current.members.values())
            while fields:
                field = fields.pop()
                if self._own_checks(field):
                    found = True
                    break
                if field.type == "structure":
                    pending.append(field.body)
                elif field.type == "list":
                    fields.append(field.member)
                elif field.type == "map":
                    fields.extend((field.key, field.value))
        self._body_needs[id(body)] = found
        return found

    def _field_needs(self, field: Field) -> bool:
        needs = self._needs.get(id(field))
        if needs is None:
            kind = field.type
            if self._own_checks(field):
                needs = True
            elif kind == "structure":
                needs = self._structure_needs(field.body)
            elif kind == "list":
                needs = self._field_needs(field.member)
            elif kind == "map":
                needs = self._field_needs(field.key) or self._field_needs(field.value)
            else:
                needs = False
            self._needs[id(field)] = needs
        return needs

    # The walk.
    def structure(self, body: StructBody, value: object, path: tuple, out: list[_Violation]) -> None:
        if not isinstance(value, dict):
            return
        required, checked = self._plan(body)
        for member in required:
            if value.get(member.name) is None:
                out.append(_Violation((*path, member), member, None, _NULL))
        for member in checked:
            item = value.get(member.name)
            if item is not None:
                self.value(member, item, (*path, member), out)

    def value(self, field: Field, value: object, path: tuple, out: list[_Violation]) -> None:
        kind = field.type
        if self._own_checks(field) and not self._fine(field, value):
            for constraint in self._constraints(field, value):
                out.append(_Violation(path, field, value, constraint))
        if kind == "structure":
            self.structure(field.body, value, path, out)
        elif kind == "list" and isinstance(value, list):
            member = field.member
            if self._field_needs(member):
                for index, item in enumerate(value, 1):
                    if item is None:
                        out.append(_Violation((*path, index), member, None, _NULL))
                    else:
                        self.value(member, item, (*path, index), out)
        elif kind == "map" and isinstance(value, dict):
            self._map(field, value, path, out)

    def _map(self, field: Field, value: dict, path: tuple, out: list[_Violation]) -> None:
        key_field, value_field = field.key, field.value
        key_problems: list[str] = []
        value_problems: list[str] = []
        nested = value_field.type in ("structure", "list", "map")
        check_keys = self._own_checks(key_field)
        check_values = not nested and self._own_checks(value_field)
        fine = self._fine
        for key, item in value.items():
            if check_keys and not fine(key_field, key):
                key_problems.extend(c for c in self._constraints(key_field, key) if c not in key_problems)
            if item is None:
                continue
            if nested:
                self.value(value_field, item, (*path, key), out)
            elif check_values and not fine(value_field, item):
                value_problems.extend(
                    c for c in self._constraints(value_field, item) if c not in value_problems
                )
        if key_problems:
            constraint = f"Map keys must satisfy constraint: [{', '.join(key_problems)}]"
            out.append(_Violation(path, field, value, constraint))
        if value_problems:
            constraint = f"Map value must satisfy constraint: [{', '.join(value_problems)}]"
            out.append(_Violation(path, field, value, constraint))

    def _fine(self, field: Field, value: object) -> bool:
        """The quick answer for the common case: no constraint of this field is broken."""
        kind = field.type
        if kind in _NUMERIC:
            if value.__class__ not in (int, float):
                return True
            return (field.max is None or value <= field.max) and (field.min is None or value >= field.min)
        if kind == "string":
            if value.__class__ is not str:
                return True
            enums = field.enum_set
            if enums is not None and self.policy.check_enums and value not in enums:
                return False
        elif not isinstance(value, bytes | bytearray | list | dict):
            return True
        if not self.policy.check_values:
            return True
        length = len(value)
        return (field.max is None or length <= field.max) and (field.min is None or length >= field.min)

    def _constraints(self, field: Field, value: object) -> list[str]:
        problems: list[str] = []
        kind = field.type
        policy = self.policy
        if kind in ("integer", "long", "float", "double"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return problems
            if field.max is not None and value > field.max:
                problems.append(f"Member must have value less than or equal to {_number(field.max)}")
            if field.min is not None and value < field.min:
                problems.append(f"Member must have value greater than or equal to {_number(field.min)}")
            return problems
        if kind == "string":
            if not isinstance(value, str):
                return problems
        elif kind == "blob":
            if not isinstance(value, bytes | bytearray):
                return problems
        elif kind == "list":
            if not isinstance(value, list):
                return problems
        elif kind == "map" and not isinstance(value, dict):
            return problems
        if policy.check_values:
            length = len(value)
            if field.max is not None and length > field.max:
                problems.append(f"Member must have length less than or equal to {_number(field.max)}")
            if field.min is not None and length < field.min:
                problems.append(f"Member must have length greater than or equal to {_number(field.min)}")
        if policy.check_enums and field.enum_set and kind == "string" and value not in field.enum_set:
            problems.append(f"Member must satisfy enum value set: [{', '.join(field.enum)}]")
        return problems

    # The answer.
    def error(self, violations: list[_Violation]) -> ServiceError:
        policy = self.policy
        all_missing = all(v.constraint is _NULL for v in violations)
        code = policy.missing_code if (all_missing and policy.missing_code) else policy.code
        if policy.style == CORAL:
            return ValidationError(_coral_message(violations), code=code, status=policy.status)
        first = next((v for v in violations if v.constraint is _NULL), violations[0])
        if policy.style == S3:
            return _s3_error(first)
        where = _wire_path(first.path, ec2=policy.style == EC2)
        if first.constraint is _NULL:
            ending = "." if policy.style == SQS else ""
            message = f"The request must contain the parameter {where}{ending}"
            return ValidationError(message, code=policy.missing_code or policy.code, status=policy.status)
        message = f"Value ({_java_text(first.value)}) for parameter {where} is invalid. {first.constraint}"
        return ValidationError(message, code=policy.code, status=policy.status)


def _s3_error(violation: _Violation) -> ServiceError:
    top = violation.path[0]
    if isinstance(top, Field) and top.location == "header":
        return ValidationError(
            f"Missing required header for this request: {top.wire}", code="InvalidRequest", status=400
        )
    if isinstance(top, Field) and top.location in ("querystring", "uri"):
        return ValidationError(
            f"Missing required parameter for this request: {top.wire}", code="InvalidRequest", status=400
        )
    return ValidationError(S3_MALFORMED_XML, code="MalformedXML", status=400)


@cache
def _checker(operation: OperationModel, policy: ValidationPolicy) -> _Checker | None:
    root = input_field(operation)
    if root is None or root.body is None:
        return None
    checker = _Checker(root, policy)
    return checker if checker.needs_any_check() else None

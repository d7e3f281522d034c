"""ARN templates of the Service Authorization Reference, parsed once into literals, placeholders and regexes.

A template is `arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`. `render` fills the placeholders;
`pattern` recognises an ARN of that resource type (to use an ARN the request gives verbatim);
`parse` reads one placeholder's value back out of such an ARN (a TableArn gives its TableName).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CONTEXT_PLACEHOLDERS = frozenset(("Partition", "Region", "Account"))
ARN_FIELD = {"Partition": 1, "Region": 3, "Account": 4}  # index in arn:partition:service:region:account:...

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class ArnTemplate:
    text: str
    literals: tuple[str, ...]  # len(placeholders) + 1 pieces around the placeholders
    placeholders: tuple[str, ...]
    pattern: re.Pattern[str]  # named groups for each placeholder's first occurrence

    @property
    def names(self) -> tuple[str, ...]:
        """The placeholders that name the resource (everything but partition, region, account)."""
        return tuple(p for p in self.placeholders if p not in CONTEXT_PLACEHOLDERS)

    def parse(self, arn: str, placeholder: str) -> str | None:
        match = self.pattern.fullmatch(arn)
        if match is None and arn.endswith(":*"):  # CloudWatch Logs hands out log-group ARNs ending in ":*"
            match = self.pattern.fullmatch(arn[:-2])
        return match.group(placeholder) if match else None

    def matches(self, arn: str) -> bool:
        return self.pattern.fullmatch(arn) is not None


@lru_cache(maxsize=8192)
def compile_template(text: str) -> ArnTemplate:
    pieces = _PLACEHOLDER.split(text)
    literals = tuple(pieces[0::2])
    placeholders = tuple(pieces[1::2])
    regex = []
    seen: set[str] = set()
    last_name = next((p for p in reversed(placeholders) if p not in CONTEXT_PLACEHOLDERS), None)
    for index, literal in enumerate(literals):
        regex.append(re.escape(literal))
        if index == len(placeholders):
            break
        name = placeholders[index]
        if name in ("Region", "Account"):
            body = "[^:]*"  # empty in global ARNs (S3 buckets, IAM)
        elif name == "Partition":
            body = "[^:]+"
        elif index == len(placeholders) - 1 and name == last_name:
            body = ".+"  # the final name may hold paths and qualifiers ("role/path/name", "key/a/b.txt")
        else:
            body = "[^:/]+"
        if name in seen:
            regex.append(f"(?:{body})")
        else:
            seen.add(name)
            regex.append(f"(?P<{name}>{body})")
    return ArnTemplate(text, literals, placeholders, re.compile("".join(regex), re.DOTALL))


def arn_field(arn: str, placeholder: str) -> str | None:
    """Partition, Region or Account read from any ARN ("" fields count as missing)."""
    fields = arn.split(":", 5)
    index = ARN_FIELD[placeholder]
    if len(fields) > index and fields[index]:
        return fields[index]
    return None


def arn_account(arn: str) -> str | None:
    if not arn.startswith("arn:"):
        return None
    return arn_field(arn, "Account")

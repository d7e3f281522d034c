"""Parameter names and hierarchies: what a name may be, its level and parent path, selectors.

A name is either flat (`db-password`) or a path that starts with `/` (`/prod/db/password`); its
segments use letters, digits and `.-_` only, at most 15 levels deep and 1011 characters long.
Names starting with `aws` or `ssm` (any case, with or without the leading slash) are AWS's own.
Reads may add a selector: `name:3` picks version 3, `name:prod` the version labelled `prod`.
"""

from __future__ import annotations

import re

from stratus.services.ssm.common import (
    AccessDeniedException,
    HierarchyLevelLimitExceededException,
    ValidationException,
)

MAX_LEVELS = 15
MAX_NAME_LENGTH = 1011  # the documented limit for the name a caller gives (the model says 2048)
ROOT = "/"

_FLAT = re.compile(r"[A-Za-z0-9_.\-]+")
_PATH = re.compile(r"(?:/[A-Za-z0-9_.\-]+)+")

# AWS's wording for every malformed name, whichever rule it breaks (spaces, `@`, `a/b`, ...).
INVALID_NAME = (
    'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can '
    "consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, "
    "numbers and the following 3 symbols .-_"
)
# GetParametersByPath's wording for a malformed path (the backslashes are AWS's).
INVALID_PATH = (
    "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a "
    'forward slash "/". It can\'t be prefixed with \\"aws\\" or \\"ssm\\" (case-insensitive). It must '
    "use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). "
    "Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "
    '"/". Valid example: /get/parameters2-/by1./path0_.'
)
# The API reference's description of HierarchyLevelLimitExceededException.
TOO_DEEP = (
    "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and "
    "constraints for parameter names in the AWS Systems Manager User Guide."
)
TOO_LONG = (  # guessed: Coral's wording for the documented 1011-character limit
    "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
    f"Member must have length less than or equal to {MAX_NAME_LENGTH}"
)
BAD_SELECTOR = (  # AWS's wording, two spaces included
    "Invalid parameter name. Please use correct syntax for referencing a version/label  <name>:<version/label>"
)


def clean(name: str) -> str:
    """AWS removes spaces at the beginning and end of a name."""
    return name.strip(" ")


def is_well_formed(name: str) -> bool:
    return bool(_FLAT.fullmatch(name) or _PATH.fullmatch(name))


def levels(name: str) -> int:
    return name.count("/") or 1


def parent_of(name: str) -> str:
    """The path one level up: `/a/b` for `/a/b/c`; the root for `/a` and for flat names."""
    cut = name.rfind("/")
    return name[:cut] if cut > 0 else ROOT


def _reserved_prefix(name: str) -> str | None:
    lowered = name.lstrip("/").lower()
    for prefix in ("aws", "ssm"):
        if lowered.startswith(prefix):
            return prefix
    return None


def check_name(name: str) -> None:
    """A name a read may look up: well formed, not too long or deep (reserved names are readable)."""
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationException(TOO_LONG.format(name=name))
    if not is_well_formed(name):
        raise ValidationException(INVALID_NAME)
    if levels(name) > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException(TOO_DEEP)


def check_writable_name(name: str) -> None:
    """A name a caller may create, change or delete: also outside AWS's reserved prefixes."""
    check_name(name)
    prefix = _reserved_prefix(name)
    if prefix == "aws":
        raise AccessDeniedException(f"No access to reserved parameter name: {name}.")
    if prefix == "ssm":
        raise ValidationException(INVALID_NAME)


def split_selector(text: str) -> tuple[str, str | None]:
    """`name:selector` → (name, selector); a name alone → (name, None)."""
    if ":" not in text:
        return text, None
    parts = text.split(":")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValidationException(BAD_SELECTOR)
    return parts[0], parts[1]


def normalized_path(path: str) -> str:
    """A GetParametersByPath or Path-filter path without its trailing slash (`/` stays `/`)."""
    trimmed = path.rstrip("/") if path != ROOT else path
    if trimmed != ROOT and not _PATH.fullmatch(trimmed):
        raise ValidationException(INVALID_PATH)
    return trimmed or ROOT


def is_under(name: str, path: str, recursive: bool) -> bool:
    """Whether `name` lies below `path` (one level down, or any level when recursive)."""
    if path == ROOT:
        return recursive or parent_of(name) == ROOT
    if not name.startswith(path + "/"):
        return False
    return recursive or parent_of(name) == path

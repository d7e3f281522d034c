"""GetRandomPassword, with AWS's character sets and rules.

By default a password has 32 characters drawn from upper and lower case letters, digits and the
punctuation !"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~, and (RequireEachIncludedType, on unless turned off)
at least one character of each included type; IncludeSpace adds the space. ExcludeCharacters takes
characters out of every set. Randomness comes from the operating system (`secrets`).
"""

from __future__ import annotations

import secrets
import string

from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import InvalidParameterException

DEFAULT_LENGTH = 32
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
TOO_SHORT = "Password length is too short based on the required types."  # moto's wording, unverified
NO_CHARACTERS = (  # guessed wording
    "The password can't be generated: every character type is excluded or all of its characters are "
    "in ExcludeCharacters."
)


def character_types(req: dict) -> list[str]:
    """The character sets a request allows, each already stripped of ExcludeCharacters."""
    excluded = set(req.get("ExcludeCharacters") or "")
    types = []
    for flag, characters in (
        ("ExcludeLowercase", string.ascii_lowercase),
        ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits),
        ("ExcludePunctuation", PUNCTUATION),
    ):
        if not req.get(flag):
            types.append("".join(char for char in characters if char not in excluded))
    if req.get("IncludeSpace") and " " not in excluded:
        types.append(" ")
    return [characters for characters in types if characters]


def random_password(req: dict) -> str:
    length = req.get("PasswordLength") or DEFAULT_LENGTH
    types = character_types(req)
    if not types:
        raise InvalidParameterException(NO_CHARACTERS)
    require_each = req.get("RequireEachIncludedType")
    required = [characters for characters in types if characters != " "] if require_each is not False else []
    if len(required) > length:
        raise InvalidParameterException(TOO_SHORT)
    alphabet = "".join(types)
    chosen = [secrets.choice(characters) for characters in required]
    chosen += [secrets.choice(alphabet) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


class PasswordOperations:
    def get_random_password(self, ctx: RequestContext, req: dict) -> dict:
        return {"RandomPassword": random_password(req)}

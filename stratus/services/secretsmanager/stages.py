"""Staging labels, moved exactly as AWS moves them, and the versions AWS keeps.

A label sits on at most one version. Attaching it elsewhere takes it off its old version; moving
AWSCURRENT moves AWSPREVIOUS to the version AWSCURRENT left. A version without labels is
deprecated: it is kept, but once a secret has more than 100 versions the oldest deprecated ones
created more than 24 hours ago are removed; past that, a new version is refused.

Everything here works on {stage: version_id} dictionaries; the callers read and write the table.
"""

from __future__ import annotations

from stratus.services.secretsmanager.common import (
    AWSCURRENT,
    AWSPREVIOUS,
    DAY,
    InvalidParameterException,
    LimitExceededException,
    Version,
)

MAX_VERSIONS = 100
MAX_LABELS = 20  # labels attached across all versions of a secret (the model allows 20 per call)
# Guessed wordings: AWS does not document them.
TOO_MANY_VERSIONS = (
    "You have exceeded the maximum number of versions (100) for this secret. Secrets Manager does "
    "not remove versions created less than 24 hours ago."
)
TOO_MANY_LABELS = "You can attach at most 20 staging labels to the versions of a secret."


def attach(stages: dict[str, str], version_id: str, labels: list[str]) -> dict[str, str]:
    """`stages` after putting `labels` on `version_id` (PutSecretValue, a new value)."""
    result = dict(stages)
    for label in dict.fromkeys(labels):
        previous = result.get(label)
        result[label] = version_id
        if label == AWSCURRENT and previous is not None and previous != version_id:
            result[AWSPREVIOUS] = previous
    check_label_count(result)
    return result


def check_label_count(stages: dict[str, str]) -> None:
    if len(stages) > MAX_LABELS:
        raise LimitExceededException(TOO_MANY_LABELS)


def remove_from_message(stage: str, holder: str) -> str:
    return (
        f"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached "
        f"to version {holder}, so you must explicitly reference that version in RemoveFromVersionId."
    )


def move(stages: dict[str, str], stage: str, remove_from: str | None, move_to: str | None) -> dict[str, str]:
    """`stages` after UpdateSecretVersionStage. The caller checked that the versions exist."""
    result = dict(stages)
    holder = result.get(stage)
    if move_to is not None:
        if holder is not None and holder != move_to:
            if remove_from is None:
                raise InvalidParameterException(remove_from_message(stage, holder))
            if remove_from != holder:
                # guessed wording
                raise InvalidParameterException(
                    f"The parameter RemoveFromVersionId is not valid. Staging label {stage} is currently "
                    f"attached to version {holder}, so you must explicitly reference that version in "
                    "RemoveFromVersionId."
                )
        if holder == move_to:
            return result
        result[stage] = move_to
        if stage == AWSCURRENT and holder is not None:
            result[AWSPREVIOUS] = holder
        check_label_count(result)
        return result
    if remove_from is None:
        # guessed wording
        raise InvalidParameterException("You must specify MoveToVersionId or RemoveFromVersionId.")
    if holder != remove_from:
        # guessed wording
        raise InvalidParameterException(
            f"The staging label {stage} is not attached to version {remove_from}, so it can't be removed from it."
        )
    if stage == AWSCURRENT:
        # guessed wording: a secret always keeps its current version
        raise InvalidParameterException(
            "You can't remove the staging label AWSCURRENT from a version without moving it to another "
            "version. Specify MoveToVersionId."
        )
    del result[stage]
    return result


def versions_to_remove(versions: list[Version], stages: dict[str, str], now: float) -> list[str]:
    """The versions to drop so that one more fits: the oldest deprecated versions older than a day,
    while the secret would hold more than MAX_VERSIONS. LimitExceededException if that is not
    enough. `versions` are oldest first."""
    labelled = set(stages.values())
    excess = len(versions) + 1 - MAX_VERSIONS
    if excess <= 0:
        return []
    removable = [
        version.version_id
        for version in versions
        if version.version_id not in labelled and version.created_at <= now - DAY
    ]
    if len(removable) < excess:
        raise LimitExceededException(TOO_MANY_VERSIONS)
    return removable[:excess]

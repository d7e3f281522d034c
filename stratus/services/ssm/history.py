"""GetParameterHistory, LabelParameterVersion and UnlabelParameterVersion.

Labels follow AWS's rules: at most 10 per version, one version per label (labelling another version
moves the label), letters, digits and `.-_` only, not starting with a digit, `aws` or `ssm` (any
case); a label breaking them is answered in InvalidLabels rather than attached. SsmProvider
supplies `db`.
"""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.ssm import names
from stratus.services.ssm.common import (
    NOT_FOUND,
    Parameter,
    ParameterNotFound,
    ParameterVersion,
    ParameterVersionLabelLimitExceeded,
    version_not_found,
)
from stratus.services.ssm.output import history_output
from stratus.services.ssm.paging import decode_token, encode_token
from stratus.services.ssm.reads import answer_value
from stratus.services.ssm.store import (
    find_parameter,
    find_version,
    labels_by_version,
    labels_of_version,
    remove_labels,
    set_labels,
    versions_after,
)
from stratus.store import Database

DEFAULT_RESULTS = 50
MAX_LABELS = 10
_LABEL = re.compile(r"[A-Za-z0-9_.\-]+")
TOO_MANY_LABELS = (  # guessed from AWS's documented rule
    "A parameter version can have maximum 10 labels. Move one or more labels to another version and try again."
)


def is_valid_label(label: str) -> bool:
    return (
        bool(_LABEL.fullmatch(label))
        and not label[0].isdigit()
        and not label.lower().startswith(("aws", "ssm"))
    )


def _parameter(ctx: RequestContext, db: Database, name: str) -> Parameter:
    name = names.clean(name)
    names.check_name(name)
    parameter = find_parameter(db, ctx.account_id, ctx.region, name)
    if parameter is None:
        raise ParameterNotFound(NOT_FOUND)
    return parameter


def _version(db: Database, parameter: Parameter, number: int) -> ParameterVersion:
    found = find_version(db, parameter, number)
    if found is None:
        raise version_not_found(parameter.name, str(number))
    return found


class HistoryOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def get_parameter_history(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        parameter = _parameter(ctx, db, req["Name"])
        limit = req.get("MaxResults") or DEFAULT_RESULTS
        position = decode_token(req.get("NextToken"), "after")
        versions = versions_after(db, parameter, position["after"] if position else 0, limit + 1)
        page = versions[:limit]
        labels = labels_by_version(db, parameter.parameter_id)
        decrypt = bool(req.get("WithDecryption"))
        entries = []
        for version in page:
            value = await answer_value(ctx, version, parameter.arn, decrypt)
            entries.append(history_output(version, value, labels.get(version.version, [])))
        out: dict = {"Parameters": entries}
        if len(versions) > limit:
            out["NextToken"] = encode_token({"after": page[-1].version})
        return out

    def label_parameter_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            parameter = _parameter(ctx, db, req["Name"])
            number = req.get("ParameterVersion") or parameter.latest.version
            _version(db, parameter, number)
            wanted = list(dict.fromkeys(req["Labels"]))
            invalid = [label for label in wanted if not is_valid_label(label)]
            valid = [label for label in wanted if is_valid_label(label)]
            present = labels_of_version(db, parameter.parameter_id, number)
            if len(set(present) | set(valid)) > MAX_LABELS:
                raise ParameterVersionLabelLimitExceeded(TOO_MANY_LABELS)
            set_labels(db, parameter.parameter_id, number, valid)
        return {"InvalidLabels": invalid, "ParameterVersion": number}

    def unlabel_parameter_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            parameter = _parameter(ctx, db, req["Name"])
            number = req["ParameterVersion"]
            _version(db, parameter, number)
            present = set(labels_of_version(db, parameter.parameter_id, number))
            wanted = list(dict.fromkeys(req["Labels"]))
            removed = [label for label in wanted if label in present]
            remove_labels(db, parameter.parameter_id, number, removed)
        return {
            "RemovedLabels": removed,
            "InvalidLabels": [label for label in wanted if label not in present],
        }

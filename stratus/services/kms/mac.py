"""HMAC keys: GenerateMac and VerifyMac."""

from __future__ import annotations

import hmac as stdlib_hmac

from cryptography.hazmat.primitives import hmac

from stratus.core.context import RequestContext
from stratus.services.kms import specs
from stratus.services.kms.cipher import current_material
from stratus.services.kms.common import KMSInvalidMacException, algorithm_incompatible, usage_not_valid
from stratus.services.kms.keyring import KeyRing, dry_run
from stratus.services.kms.states import require_enabled
from stratus.services.kms.store import Key


def _mac(raw: bytes, algorithm: str, message: bytes) -> bytes:
    code = hmac.HMAC(raw, specs.MAC_HASHES[algorithm]())
    code.update(message)
    return code.finalize()


def _check(key: Key, algorithm: str, operation: str) -> None:
    if key.key_usage != specs.GENERATE_VERIFY_MAC:
        raise usage_not_valid(key.arn, key.key_usage, operation)
    if specs.MAC_BY_SPEC.get(key.key_spec) != algorithm:
        raise algorithm_incompatible(algorithm, key.key_spec)


class MacOperations(KeyRing):
    def generate_mac(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        _check(key, req["MacAlgorithm"], "GenerateMac")
        loaded = current_material(self.db(), self.materials, key)
        mac = _mac(loaded.raw, req["MacAlgorithm"], req["Message"])
        dry_run(req)
        self.usage.record(ctx, key)
        return {"Mac": mac, "MacAlgorithm": req["MacAlgorithm"], "KeyId": key.arn}

    def verify_mac(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        _check(key, req["MacAlgorithm"], "VerifyMac")
        loaded = current_material(self.db(), self.materials, key)
        expected = _mac(loaded.raw, req["MacAlgorithm"], req["Message"])
        dry_run(req)
        if not stdlib_hmac.compare_digest(expected, req["Mac"]):
            raise KMSInvalidMacException("")
        self.usage.record(ctx, key)
        return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": req["MacAlgorithm"]}

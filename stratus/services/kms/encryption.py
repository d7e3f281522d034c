"""Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom.

A symmetric ciphertext names its key (ciphertext.py), so Decrypt needs no KeyId; when one is given
it must be the key the blob names (IncorrectKeyException otherwise). Asymmetric ciphertexts are
plain RSAES-OAEP output and need the KeyId and the algorithm."""

from __future__ import annotations

import os

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.protocol.errors import NotImplementedFeature
from stratus.services.kms import cipher, ciphertext, specs
from stratus.services.kms.common import InvalidCiphertextException, ValidationException, key_arn
from stratus.services.kms.keyring import KeyRing, dry_run
from stratus.services.kms.states import require_enabled
from stratus.services.kms.store import Key

DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}
DATA_KEY_SIZE_REQUIRED = (
    "Please specify either number of bytes or key spec."  # moto's record of AWS's wording
)
NUMBER_OF_BYTES_REQUIRED = "NumberOfBytes is required."
DRY_RUN_KEY_REQUIRED = "A KeyId is required when DryRunModifiers includes IGNORE_CIPHERTEXT."  # guessed
ATTESTATION = "Stratus cannot verify Nitro Enclaves or NitroTPM attestation documents (Recipient)"


def refuse_recipient(req: dict) -> None:
    if req.get("Recipient"):
        raise NotImplementedFeature(ATTESTATION)


def data_key_length(req: dict) -> int:
    spec, size = req.get("KeySpec"), req.get("NumberOfBytes")
    if (spec is None) == (size is None):
        raise ValidationException(DATA_KEY_SIZE_REQUIRED)
    return DATA_KEY_BYTES[spec] if spec is not None else size


class EncryptionOperations(KeyRing):
    def encrypt(self, ctx: RequestContext, req: dict) -> dict:
        context = req.get("EncryptionContext")
        key = self.key(ctx, req["KeyId"], params=req, encryption_context=context)
        require_enabled(key)
        blob, algorithm, _ = cipher.encrypt(
            self.db(),
            self.materials,
            key,
            req["Plaintext"],
            context,
            req.get("EncryptionAlgorithm"),
            "Encrypt",
        )
        dry_run(req)
        self.usage.record(ctx, key)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}

    def decrypt(self, ctx: RequestContext, req: dict) -> dict:
        refuse_recipient(req)
        self._authorization_only_dry_run(ctx, req, req.get("KeyId"), "kms:Decrypt")
        plaintext, key, algorithm, material_id = self._decrypt(
            ctx,
            req.get("CiphertextBlob") or b"",
            req.get("KeyId"),
            req.get("EncryptionContext"),
            req.get("EncryptionAlgorithm"),
            req,
            action="kms:Decrypt",
        )
        dry_run(req)
        self.usage.record(ctx, key)
        out = {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
        if material_id is not None:
            out["KeyMaterialId"] = material_id
        return out

    def re_encrypt(self, ctx: RequestContext, req: dict) -> dict:
        self._authorization_only_dry_run(ctx, req, req.get("SourceKeyId"), "kms:ReEncryptFrom")
        plaintext, source, source_algorithm, source_material = self._decrypt(
            ctx,
            req.get("CiphertextBlob") or b"",
            req.get("SourceKeyId"),
            req.get("SourceEncryptionContext"),
            req.get("SourceEncryptionAlgorithm"),
            req,
            action="kms:ReEncryptFrom",
        )
        context = req.get("DestinationEncryptionContext")
        destination = self.key(
            ctx, req["DestinationKeyId"], "kms:ReEncryptTo", req, encryption_context=context
        )
        require_enabled(destination)
        blob, algorithm, loaded = cipher.encrypt(
            self.db(),
            self.materials,
            destination,
            plaintext,
            context,
            req.get("DestinationEncryptionAlgorithm"),
            "ReEncrypt",
        )
        dry_run(req)
        self.usage.record(ctx, source)
        self.usage.record(ctx, destination)
        out = {
            "CiphertextBlob": blob,
            "SourceKeyId": source.arn,
            "KeyId": destination.arn,
            "SourceEncryptionAlgorithm": source_algorithm,
            "DestinationEncryptionAlgorithm": algorithm,
        }
        if source_material is not None:
            out["SourceKeyMaterialId"] = source_material
        if destination.key_spec == specs.SYMMETRIC_DEFAULT:
            out["DestinationKeyMaterialId"] = loaded.material_id
        return out

    def generate_data_key(self, ctx: RequestContext, req: dict) -> dict:
        refuse_recipient(req)
        return self._data_key(ctx, req, with_plaintext=True)

    def generate_data_key_without_plaintext(self, ctx: RequestContext, req: dict) -> dict:
        return self._data_key(ctx, req, with_plaintext=False)

    def generate_random(self, ctx: RequestContext, req: dict) -> dict:
        refuse_recipient(req)
        if req.get("CustomKeyStoreId"):
            raise NotImplementedFeature("Stratus does not implement custom key stores")
        size = req.get("NumberOfBytes")
        if size is None:
            raise ValidationException(NUMBER_OF_BYTES_REQUIRED)
        return {"Plaintext": os.urandom(size)}

    # -- shared -----------------------------------------------------------------------------

    def _authorization_only_dry_run(
        self, ctx: RequestContext, req: dict, key_id: str | None, action: str
    ) -> None:
        """DryRun with the IGNORE_CIPHERTEXT modifier checks the permissions on the named key only."""
        if not req.get("DryRun") or "IGNORE_CIPHERTEXT" not in (req.get("DryRunModifiers") or ()):
            return
        if key_id is None:
            raise ValidationException(DRY_RUN_KEY_REQUIRED)
        key = self.key(ctx, key_id, action, req, operation="Decrypt")
        require_enabled(key)
        if action == "kms:ReEncryptFrom":
            destination = self.key(ctx, req["DestinationKeyId"], "kms:ReEncryptTo", req)
            require_enabled(destination)
        dry_run(req)

    def _data_key(self, ctx: RequestContext, req: dict, *, with_plaintext: bool) -> dict:
        context = req.get("EncryptionContext")
        key = self.key(ctx, req["KeyId"], params=req, encryption_context=context)
        require_enabled(key)
        cipher.require_symmetric(key, ctx.operation)
        data_key = os.urandom(data_key_length(req))
        blob, _, loaded = cipher.encrypt(
            self.db(), self.materials, key, data_key, context, None, ctx.operation
        )
        dry_run(req)
        self.usage.record(ctx, key)
        out = {"CiphertextBlob": blob, "KeyId": key.arn, "KeyMaterialId": loaded.material_id}
        if with_plaintext:
            out["Plaintext"] = data_key
        return out

    def _decrypt(
        self,
        ctx: RequestContext,
        blob: bytes,
        key_id: str | None,
        context: dict[str, str] | None,
        algorithm: str | None,
        req: dict,
        *,
        action: str,
    ) -> tuple[bytes, Key, str, str | None]:
        """(plaintext, key, algorithm, key material id for symmetric keys)."""
        algorithm = algorithm or specs.SYMMETRIC_DEFAULT
        try:
            head, body = ciphertext.read_header(blob)
        except ciphertext.MalformedCiphertext:
            head = body = None
        operation = "Decrypt"
        if algorithm == specs.SYMMETRIC_DEFAULT:
            if head is None:
                raise InvalidCiphertextException("")
            if key_id is None:
                if head.region != ctx.region and not head.key_id.startswith("mrk-"):
                    raise InvalidCiphertextException("")
                key_id = key_arn(partition_for_region(ctx.region), ctx.region, head.account_id, head.key_id)
            key = self.key(ctx, key_id, action, req, operation=operation, encryption_context=context)
            if key.key_id != head.key_id:
                raise cipher.IncorrectKeyException(cipher.INCORRECT_KEY)
            require_enabled(key)
            plaintext, loaded = cipher.decrypt_symmetric(self.db(), self.materials, key, head, body, context)
            return plaintext, key, algorithm, loaded.material_id
        if key_id is None:
            raise InvalidCiphertextException("")
        key = self.key(ctx, key_id, action, req, operation=operation)
        require_enabled(key)
        plaintext = cipher.decrypt_asymmetric(self.db(), self.materials, key, blob, algorithm, ctx.operation)
        return plaintext, key, algorithm, None

"""GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh asymmetric key pair, its
private key (PKCS #8 DER) encrypted under a symmetric KMS key. RSA pairs are generated in a worker
thread (DESIGN.md §5)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms import cipher, specs
from stratus.services.kms.encryption import refuse_recipient
from stratus.services.kms.keyring import KeyRing, dry_run
from stratus.services.kms.material import generate, load, unsupported_spec
from stratus.services.kms.states import require_enabled


class DataKeyPairOperations(KeyRing):
    async def generate_data_key_pair(self, ctx: RequestContext, req: dict) -> dict:
        refuse_recipient(req)
        return await self._pair(ctx, req, with_plaintext=True)

    async def generate_data_key_pair_without_plaintext(self, ctx: RequestContext, req: dict) -> dict:
        return await self._pair(ctx, req, with_plaintext=False)

    async def _pair(self, ctx: RequestContext, req: dict, *, with_plaintext: bool) -> dict:
        context = req.get("EncryptionContext")
        key = self.key(ctx, req["KeyId"], params=req, encryption_context=context)
        require_enabled(key)
        cipher.require_symmetric(key, ctx.operation)
        spec = req["KeyPairSpec"]
        if spec == specs.SM2:
            raise unsupported_spec(spec)
        dry_run(req)
        private_der = await ctx.offload(generate, spec) if spec in specs.RSA_SPECS else generate(spec)
        public_der = load(spec, 0, "", private_der).public_key_der
        # The key may have changed while the pair was generated: find it again (authorized above).
        key, _ = self.find(ctx, req["KeyId"])
        require_enabled(key)
        blob, _, loaded = cipher.encrypt(
            self.db(), self.materials, key, private_der, context, None, ctx.operation
        )
        self.usage.record(ctx, key)
        out = {
            "PrivateKeyCiphertextBlob": blob,
            "PublicKey": public_der,
            "KeyId": key.arn,
            "KeyPairSpec": spec,
            "KeyMaterialId": loaded.material_id,
        }
        if with_plaintext:
            out["PrivateKeyPlaintext"] = private_der
        return out

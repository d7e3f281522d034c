"""AWS Security Token Service. The rest of STS comes with the IAM issue."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.base import Provider


class StsProvider(Provider):
    service = "sts"

    def get_caller_identity(self, ctx: RequestContext, req: dict) -> dict:
        principal = ctx.principal
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}

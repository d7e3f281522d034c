"""Parameters of implemented Lambda operations that Stratus cannot honour (yet): refused with a 501
naming them, never silently ignored. Lambda Managed Instances (capacity providers), durable
functions, tenant isolation, EFS mounts and publishing to a capacity provider need machinery that
local processes do not have."""

from __future__ import annotations

from stratus.protocol.errors import NotImplementedFeature

_WHAT = {
    "CapacityProviderConfig": "Lambda Managed Instances (capacity providers)",
    "PublishTo": "publishing to a capacity provider",
    "DurableConfig": "durable functions",
    "DurableExecutionName": "durable functions",
    "TenancyConfig": "tenant isolation mode",
    "TenantId": "tenant isolation mode",
    "FileSystemConfigs": "Amazon EFS file systems",
}


def refuse_unsupported(req: dict) -> None:
    for member, what in _WHAT.items():
        if req.get(member):
            raise NotImplementedFeature(f"Stratus does not implement {member} ({what}) for Lambda yet.")

"""AWS Identity and Access Management: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.iam.access_keys import AccessKeyOperations
from stratus.services.iam.account_ops import AccountOperations
from stratus.services.iam.attachments import AttachmentOperations
from stratus.services.iam.authorization_details import AuthorizationDetailsOperations
from stratus.services.iam.groups import GroupOperations
from stratus.services.iam.inline_policies import InlinePolicyOperations
from stratus.services.iam.instance_profiles import InstanceProfileOperations
from stratus.services.iam.policies import PolicyOperations
from stratus.services.iam.roles import RoleOperations
from stratus.services.iam.service_linked_roles import ServiceLinkedRoleOperations
from stratus.services.iam.simulate import SimulationOperations
from stratus.services.iam.store import MIGRATIONS
from stratus.services.iam.summary import SummaryOperations
from stratus.services.iam.users import UserOperations
from stratus.store.sqlite import Database


class IamProvider(
    AccountOperations,
    UserOperations,
    GroupOperations,
    RoleOperations,
    ServiceLinkedRoleOperations,
    PolicyOperations,
    AttachmentOperations,
    InlinePolicyOperations,
    AccessKeyOperations,
    InstanceProfileOperations,
    AuthorizationDetailsOperations,
    SummaryOperations,
    SimulationOperations,
    Provider,
):
    service = "iam"

    def db(self) -> Database:
        """The iam database, migrated to this code's schema."""
        return self.runtime.state.database("iam", MIGRATIONS)

    def resource_tags(self, ctx, resource_arn: str) -> dict[str, str] | None:
        from stratus.services.iam.resource_tags import tags_of

        return tags_of(self.db(), resource_arn)

    def changed(self) -> None:
        """Every successful change to identities, policies, keys, tags or boundaries calls this:
        authorization caches are keyed on the generation it bumps."""
        self.runtime.auth.invalidate()

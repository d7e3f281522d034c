"""Every stored bucket configuration of S3: one mixin per configuration, composed for the provider.

`S3Provider` mixes in `BucketConfigOperations` and supplies `db()`. The documents live in
`s3_bucket_configs` (see `config_store`); the helpers other S3 modules need are re-exported here:
the default encryption, ACLs and object ownership for object writes, CORS rules and matching for
the CORS handler, notification and lifecycle rules for their workers, the policy for IAM.
"""

from __future__ import annotations

from stratus.services.s3.config_access import (
    PublicAccessBlockOperations,
    acls_enabled,
    object_ownership,
    public_access_block,
    set_object_ownership,
)
from stratus.services.s3.config_acl import AclOperations, access_control_policy, bucket_acl, canned_acl
from stratus.services.s3.config_cors import CorsOperations, cors_rules
from stratus.services.s3.config_encryption import EncryptionOperations, default_encryption
from stratus.services.s3.config_flags import BucketFlagOperations, requester_pays
from stratus.services.s3.config_id_keyed import IdKeyedConfigOperations
from stratus.services.s3.config_lifecycle import LifecycleOperations, lifecycle_rules
from stratus.services.s3.config_logging import LoggingOperations, logging_configuration
from stratus.services.s3.config_notification import NotificationOperations, notification_configuration
from stratus.services.s3.config_object_lock import ObjectLockOperations, default_retention
from stratus.services.s3.config_policy import PolicyOperations, policy_is_public, stored_policy
from stratus.services.s3.config_replication import ReplicationOperations, replication_configuration
from stratus.services.s3.config_store import delete_bucket_configs, read_config, write_config
from stratus.services.s3.config_tagging import TaggingOperations, bucket_tags, check_tag_set
from stratus.services.s3.config_website import WebsiteOperations, website_configuration
from stratus.services.s3.cors import cors_headers, match_cors_rule

__all__ = [
    "BucketConfigOperations",
    "access_control_policy",
    "acls_enabled",
    "bucket_acl",
    "bucket_tags",
    "canned_acl",
    "check_tag_set",
    "cors_headers",
    "cors_rules",
    "default_encryption",
    "default_retention",
    "delete_bucket_configs",
    "lifecycle_rules",
    "logging_configuration",
    "match_cors_rule",
    "notification_configuration",
    "object_ownership",
    "policy_is_public",
    "public_access_block",
    "read_config",
    "replication_configuration",
    "requester_pays",
    "set_object_ownership",
    "stored_policy",
    "website_configuration",
    "write_config",
]


class BucketConfigOperations(
    TaggingOperations,
    PolicyOperations,
    AclOperations,
    PublicAccessBlockOperations,
    CorsOperations,
    LifecycleOperations,
    EncryptionOperations,
    NotificationOperations,
    WebsiteOperations,
    LoggingOperations,
    BucketFlagOperations,
    ObjectLockOperations,
    ReplicationOperations,
    IdKeyedConfigOperations,
):
    """Put/Get/Delete of tagging, policy, ACL, ownership, public access block, CORS, lifecycle,
    encryption, notification, website, logging, request payment, accelerate, object lock,
    replication, inventory, metrics, analytics and intelligent-tiering configurations."""

"""S3's errors for stored bucket configurations, with the messages S3 answers."""

from __future__ import annotations

from stratus.services.s3.common import _error

NoSuchTagSet = _error("NoSuchTagSet", 404, "The TagSet does not exist")
NoSuchBucketPolicy = _error("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
NoSuchCORSConfiguration = _error("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
NoSuchLifecycleConfiguration = _error(
    "NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"
)
ServerSideEncryptionConfigurationNotFoundError = _error(
    "ServerSideEncryptionConfigurationNotFoundError",
    404,
    "The server side encryption configuration was not found",
)
NoSuchWebsiteConfiguration = _error(
    "NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration"
)
NoSuchPublicAccessBlockConfiguration = _error(
    "NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found"
)
OwnershipControlsNotFoundError = _error(
    "OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found"
)
ObjectLockConfigurationNotFoundError = _error(
    "ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket"
)
ReplicationConfigurationNotFoundError = _error(
    "ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found"
)
NoSuchConfiguration = _error("NoSuchConfiguration", 404, "The specified configuration does not exist.")

InvalidTag = _error("InvalidTag", 400, "The TagKey you have provided is invalid")
MalformedPolicy = _error("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'")
MalformedACLError = _error(
    "MalformedACLError",
    400,
    "The XML you provided was not well-formed or did not validate against our published schema",
)
MissingSecurityHeader = _error("MissingSecurityHeader", 400, "Your request was missing a required header")
UnexpectedContent = _error("UnexpectedContent", 400, "This request does not support content")
UnresolvableGrantByEmailAddress = _error(
    "UnresolvableGrantByEmailAddress",
    400,
    "The e-mail address you provided does not match any account on record.",
)
AccessControlListNotSupported = _error("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
InvalidBucketAclWithObjectOwnership = _error(
    "InvalidBucketAclWithObjectOwnership",
    400,
    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
)
InvalidBucketState = _error(
    "InvalidBucketState", 409, "The request is not valid with the current state of the bucket."
)
InvalidTargetBucketForLogging = _error(
    "InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist"
)
CrossLocationLoggingProhibitted = _error(
    "CrossLocationLoggingProhibitted", 403, "Cross S3 location logging not allowed. "
)
IdMismatch = _error("IdMismatch", 400, "Document ID does not match the specified configuration ID.")
InvalidS3DestinationBucket = _error("InvalidS3DestinationBucket", 400, "Invalid bucket ARN.")
TooManyConfigurations = _error(
    "TooManyConfigurations",
    400,
    "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.",
)
InvalidBucketOwnerAWSAccountID = _error(
    "InvalidBucketOwnerAWSAccountID",
    400,
    "The value of the expected bucket owner parameter must be an AWS Account ID...",
)

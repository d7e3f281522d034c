"""Service-linked roles: roles a service defines for itself under /aws-service-role/<service>/."""

from __future__ import annotations

import json
import uuid

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_name
from stratus.services.iam.common import InvalidInput, NoSuchEntity
from stratus.services.iam.entities import ROLE, find, require
from stratus.services.iam.managed_policies import aws_managed_policy
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.roles import SERVICE_ROLE_PATH, insert_role, remove_role
from stratus.services.iam.shapes import role_shape

ROLE_PREFIX = "AWSServiceRoleFor"
SUCCEEDED = "SUCCEEDED"

# The role-name suffix AWS gives the service-linked role of well-known services; any other
# service gets its first DNS label, capitalised ("foo.amazonaws.com" -> AWSServiceRoleForFoo).
KNOWN_ROLE_SUFFIXES = {
    "autoscaling.amazonaws.com": "AutoScaling",
    "elasticloadbalancing.amazonaws.com": "ElasticLoadBalancing",
    "ecs.amazonaws.com": "ECS",
    "eks.amazonaws.com": "AmazonEKS",
    "eks-nodegroup.amazonaws.com": "AmazonEKSNodegroup",
    "eks-fargate.amazonaws.com": "AmazonEKSForFargate",
    "rds.amazonaws.com": "RDS",
    "elasticbeanstalk.amazonaws.com": "ElasticBeanstalk",
    "spot.amazonaws.com": "EC2Spot",
    "spotfleet.amazonaws.com": "EC2SpotFleet",
    "organizations.amazonaws.com": "Organizations",
    "config.amazonaws.com": "Config",
    "es.amazonaws.com": "AmazonElasticsearchService",
    "opensearchservice.amazonaws.com": "AmazonOpenSearchService",
    "elasticache.amazonaws.com": "ElastiCache",
    "ssm.amazonaws.com": "AmazonSSM",
    "guardduty.amazonaws.com": "AmazonGuardDuty",
    "trustedadvisor.amazonaws.com": "TrustedAdvisor",
    "support.amazonaws.com": "Support",
    "cloudtrail.amazonaws.com": "CloudTrail",
    "securityhub.amazonaws.com": "SecurityHub",
    "apigateway.amazonaws.com": "APIGateway",
    "kafka.amazonaws.com": "Kafka",
    "redshift.amazonaws.com": "Redshift",
    "batch.amazonaws.com": "Batch",
    "sso.amazonaws.com": "SSO",
    "replicator.lambda.amazonaws.com": "LambdaReplicator",
    "dynamodb.application-autoscaling.amazonaws.com": "ApplicationAutoScaling_DynamoDBTable",
    "ecs.application-autoscaling.amazonaws.com": "ApplicationAutoScaling_ECSService",
}


def role_suffix(service: str) -> str:
    known = KNOWN_ROLE_SUFFIXES.get(service)
    if known:
        return known
    label = service.split(".", 1)[0]
    return label[:1].upper() + label[1:]


def trust_policy_for(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": ["sts:AssumeRole"]}
            ],
        }
    )


class ServiceLinkedRoleOperations(IamMixin):
    def create_service_linked_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        service = check_name(req["AWSServiceName"], "aWSServiceName")
        if "." not in service:
            raise InvalidInput(f"Invalid service name {service}.")
        suffix = role_suffix(service)
        name = ROLE_PREFIX + suffix
        custom = req.get("CustomSuffix")
        if custom:
            name = f"{name}_{check_name(custom, 'customSuffix')}"
        if find(db, ROLE, ctx.account_id, name):
            raise InvalidInput(
                f"Service role name {name} has been taken in this account, please try a different suffix."
            )
        with db.transaction():
            row = insert_role(
                db,
                ctx,
                name=name,
                path=f"{SERVICE_ROLE_PATH}{service}/",
                trust_policy=trust_policy_for(service),
                description=req.get("Description"),
            )
            # The service's own permissions, when its AWS managed policy ships with Stratus.
            policy = aws_managed_policy(f"arn:aws:iam::aws:policy/aws-service-role/{suffix}ServiceRolePolicy")
            if policy is not None:
                db.execute(
                    "INSERT INTO iam_attachments (account_id, entity_type, entity_id, policy_arn, attached_at) "
                    "VALUES (?, 'role', ?, ?, ?)",
                    (ctx.account_id, row["role_id"], policy.arn, self.now(ctx)),
                )
        self.changed()
        shape = role_shape(db, row)
        shape.pop("RoleLastUsed", None)
        return {"Role": shape}

    def delete_service_linked_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = require(db, ROLE, ctx.account_id, req["RoleName"])
        if not role["path"].startswith(SERVICE_ROLE_PATH):
            raise InvalidInput(f"Role {role['role_name']} is not a service-linked role.")
        service = role["path"][len(SERVICE_ROLE_PATH) :].strip("/")
        task_id = f"task{SERVICE_ROLE_PATH}{service}/{role['role_name']}/{uuid.uuid4()}"
        # The service has nothing that still uses the role, so the deletion succeeds at once.
        with db.transaction():
            remove_role(db, ctx.account_id, role["role_id"])
            db.execute(
                "INSERT INTO iam_role_deletion_tasks (account_id, task_id, status, role_name) VALUES (?, ?, ?, ?)",
                (ctx.account_id, task_id, SUCCEEDED, role["role_name"]),
            )
        self.changed()
        return {"DeletionTaskId": task_id}

    def get_service_linked_role_deletion_status(self, ctx: RequestContext, req: dict) -> dict:
        task_id = req["DeletionTaskId"]
        if not task_id.startswith("task/"):
            raise InvalidInput(f"Invalid deletion task id: {task_id}")
        row = self.db().query_one(
            "SELECT status FROM iam_role_deletion_tasks WHERE account_id = ? AND task_id = ?",
            (ctx.account_id, task_id),
        )
        if row is None:
            raise NoSuchEntity(f"Deletion task {task_id} cannot be found.")
        return {"Status": row["status"]}

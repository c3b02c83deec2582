"""E9105: ECS infrastructure roles use the trust policy AWS documents, without conditions.

Source: the "Amazon ECS infrastructure IAM role" page documents the trust policy
``{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}``
with no ``Condition`` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html);
the infrastructure role for load balancers (blue/green) is documented the same way
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html).
Neither page says ECS sends ``aws:SourceAccount`` or ``aws:SourceArn`` when it assumes the role,
so a condition on them may make every assume-role call fail.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import resources_of_type  # noqa: E402

ECS = "ecs.amazonaws.com"


def _services(principal) -> list:
    service = (principal or {}).get("Service") if isinstance(principal, dict) else None
    return service if isinstance(service, list) else [service]


class EcsInfrastructureRoleTrust(CloudFormationLintRule):
    """A trust-policy condition on a role assumed by ecs.amazonaws.com."""

    id = "E9105"
    shortdesc = "ECS infrastructure roles: documented trust policy only"
    description = "AWS documents the ECS infrastructure role's trust policy without conditions; ECS may not send the keys a condition tests"
    source_url = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html"
    tags = ["tap", "iam", "ecs"]

    def match(self, cfn):
        matches = []
        for logical_id, role in resources_of_type(cfn.template, "AWS::IAM::Role"):
            document = (role.get("Properties") or {}).get("AssumeRolePolicyDocument") or {}
            statements = document.get("Statement") if isinstance(document, dict) else None
            for index, statement in enumerate(statements if isinstance(statements, list) else []):
                if isinstance(statement, dict) and ECS in _services(statement.get("Principal")) and "Condition" in statement:
                    matches.append(RuleMatch(
                        ["Resources", logical_id, "Properties", "AssumeRolePolicyDocument", "Statement", index, "Condition"],
                        f"{logical_id} is assumed by {ECS} (an ECS infrastructure role); AWS documents its trust policy without conditions",
                    ))
        return matches

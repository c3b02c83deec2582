"""E9106: the ALB idle timeout must outlast the longest request a service allows.

Source: an Application Load Balancer closes a connection on which no data has been sent or
received for the idle timeout, 60 seconds unless ``idle_timeout.timeout_seconds`` is set
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
A request that a service may legitimately work on for longer (its Service Connect
``PerRequestTimeoutSeconds``, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-timeoutconfiguration.html)
is cut off by the ALB first when it arrived through the ALB, directly or through the callers in front.

The rule runs on a template and every local nested template below it, so a root whose cluster
stack holds the ALB and whose service stacks hold the timeouts is checked as one platform.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import resources_of_type, template_tree, walk  # noqa: E402

DEFAULT_IDLE_TIMEOUT = 60
ATTRIBUTE = "idle_timeout.timeout_seconds"


def _numbers(value) -> list[int]:
    """Every literal number a (possibly conditional) value can take."""
    found = []
    for _, leaf in walk(value):
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            found.append(int(leaf))
        elif isinstance(leaf, str) and leaf.isdigit():
            found.append(int(leaf))
    return found


def _idle_timeouts(template: dict):
    for logical_id, balancer in resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer"):
        properties = balancer.get("Properties") or {}
        if properties.get("Type", "application") != "application":
            continue
        values = [a.get("Value") for a in properties.get("LoadBalancerAttributes") or [] if isinstance(a, dict) and a.get("Key") == ATTRIBUTE]
        numbers = _numbers(values) if values else [DEFAULT_IDLE_TIMEOUT]
        yield logical_id, min(numbers) if numbers else DEFAULT_IDLE_TIMEOUT


def _request_timeouts(template: dict):
    for logical_id, service in resources_of_type(template, "AWS::ECS::Service"):
        configuration = (service.get("Properties") or {}).get("ServiceConnectConfiguration") or {}
        for entry in configuration.get("Services") or [] if isinstance(configuration, dict) else []:
            timeout = ((entry or {}).get("Timeout") or {}).get("PerRequestTimeoutSeconds") if isinstance(entry, dict) else None
            for seconds in _numbers(timeout):
                yield logical_id, seconds


class AlbIdleTimeout(CloudFormationLintRule):
    """An ALB idle timeout not longer than the longest Service Connect per-request timeout."""

    id = "E9106"
    shortdesc = "ALB idle timeout longer than every request timeout"
    description = "The ALB cuts requests off after its idle timeout (default 60 s); it must exceed the services' per-request timeouts"
    source_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout"
    tags = ["tap", "elb", "service-connect"]

    def match(self, cfn):
        balancers, timeouts = [], []
        for ids, file, template in template_tree(cfn.filename, cfn.template):
            balancers += [(ids, logical_id, idle) for logical_id, idle in _idle_timeouts(template)]
            timeouts += [(ids, file, logical_id, seconds) for logical_id, seconds in _request_timeouts(template)]
        if not timeouts:
            return []
        ids, file, service, longest = max(timeouts, key=lambda t: t[3])
        where = f"{os.path.basename(file)} {service}" if ids else service
        matches = []
        for balancer_ids, logical_id, idle in balancers:
            if idle <= longest:
                path = ["Resources", balancer_ids[0], "Properties", "TemplateURL"] if balancer_ids else ["Resources", logical_id, "Properties", "LoadBalancerAttributes"]
                matches.append(RuleMatch(
                    path,
                    f"ALB {logical_id} closes idle connections after {idle} s, but {where} allows requests of {longest} s; set {ATTRIBUTE} above {longest}",
                ))
        return matches

"""E9104: with Service Connect TLS, a load balancer must not send plain HTTP to the proxied port.

Source: on Fargate the Service Connect proxy listens on the container port unless
``ingressPortOverride`` is set (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html),
and with TLS it speaks TLS 1.3 only ("By default, TLS 1.3 is supported, but TLS 1.0 - 1.2 are not
supported"). AWS's "Service Connect and Application Load Balancer health checks" section asks for a
target group whose protocol is HTTPS, attached to a TLS listener with a TLS 1.3 policy, with the
health check on the container port, and no ``ingressPortOverride``
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html). Before that
section existed the pair was reported broken: https://github.com/aws/containers-roadmap/issues/2321.

Resolved per condition scenario, like ECS Exec's rule: a target group whose protocol follows the
same condition as the TLS block passes.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import condition_names, resolve, scenarios, services_with_tasks  # noqa: E402


def _port_of(task: dict, port_name: str):
    for container in (task.get("Properties") or {}).get("ContainerDefinitions") or []:
        for mapping in container.get("PortMappings") or []:
            if mapping.get("Name") == port_name:
                return mapping.get("ContainerPort")
    return None


class ServiceConnectTlsTargets(CloudFormationLintRule):
    """A target group speaking plain HTTP to a port that Service Connect TLS owns."""

    id = "E9104"
    shortdesc = "Service Connect TLS needs HTTPS target groups on the proxied port"
    description = "With Service Connect TLS the proxy on the container port speaks TLS 1.3 only; HTTP target groups and health checks fail"
    source_url = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html"
    tags = ["tap", "ecs", "service-connect", "elb"]

    def match(self, cfn):
        matches = []
        resources = cfn.template.get("Resources") or {}
        for logical_id, properties, _, task in services_with_tasks(cfn.template):
            if not properties.get("LoadBalancers") or not properties.get("ServiceConnectConfiguration"):
                continue
            groups = {}
            for balancer in properties.get("LoadBalancers") or []:
                ref = balancer.get("TargetGroupArn") if isinstance(balancer, dict) else None
                if isinstance(ref, dict) and ref.get("Ref") in resources:
                    groups[ref["Ref"]] = resources[ref["Ref"]]
                advanced = (balancer or {}).get("AdvancedConfiguration") or {}
                alternate = advanced.get("AlternateTargetGroupArn")
                if isinstance(alternate, dict) and alternate.get("Ref") in resources:
                    groups[alternate["Ref"]] = resources[alternate["Ref"]]
            names = condition_names(properties) | condition_names(list(groups.values()))
            reported = False
            for scenario in scenarios(cfn, names):
                if reported:
                    break
                resolved = resolve(properties, scenario)
                tls_ports = {
                    _port_of(task, entry.get("PortName"))
                    for entry in (resolved.get("ServiceConnectConfiguration") or {}).get("Services") or []
                    if isinstance(entry, dict) and entry.get("Tls") and "IngressPortOverride" not in entry
                }
                for balancer in resolved.get("LoadBalancers") or []:
                    if balancer.get("ContainerPort") not in tls_ports:
                        continue
                    for group_id, group in groups.items():
                        group_properties = resolve(group.get("Properties") or {}, scenario)
                        protocol = group_properties.get("Protocol", "HTTP")
                        health = group_properties.get("HealthCheckProtocol", protocol)
                        if protocol == "HTTP" or health == "HTTP":
                            when = f" when {scenario}" if scenario else ""
                            matches.append(RuleMatch(
                                ["Resources", group_id, "Properties", "Protocol"],
                                f"{group_id} sends {protocol} traffic (health checks {health}) to port {balancer.get('ContainerPort')} of {logical_id}, "
                                f"where the Service Connect proxy speaks TLS 1.3 only{when}; use HTTPS for both, or an IngressPortOverride",
                            ))
                            reported = True
        return matches

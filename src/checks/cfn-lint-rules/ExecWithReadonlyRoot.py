"""E9103: ECS Exec and a read-only root file system never in the same configuration.

Source: "The SSM agent requires that the container file system is able to be written to in order
to create the required directories and files. Therefore, making the root file system read-only
using the readonlyRootFilesystem task definition parameter, or any other method, isn't supported."
(Amazon ECS Exec considerations, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html);
request to support it still open: https://github.com/aws/containers-roadmap/issues/1359.

Conditions are resolved scenario by scenario: ``EnableExecuteCommand: {Fn::If: [C, true, false]}``
with ``ReadonlyRootFilesystem: {Fn::If: [C, false, true]}`` passes, because no configuration
has both.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import condition_names, is_true, resolve, scenarios, services_with_tasks  # noqa: E402


class ExecWithReadonlyRoot(CloudFormationLintRule):
    """An ECS service with EnableExecuteCommand whose task has a container with ReadonlyRootFilesystem."""

    id = "E9103"
    shortdesc = "ECS Exec needs a writable root file system"
    description = "ECS Exec sessions fail when a container's root file system is read-only"
    source_url = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html"
    tags = ["tap", "ecs"]

    def match(self, cfn):
        matches = []
        for logical_id, properties, task_id, task in services_with_tasks(cfn.template):
            if "EnableExecuteCommand" not in properties:
                continue
            containers = (task.get("Properties") or {}).get("ContainerDefinitions") or []
            names = condition_names(properties.get("EnableExecuteCommand")) | condition_names(containers)
            for scenario in scenarios(cfn, names):
                exec_on = is_true(resolve(properties.get("EnableExecuteCommand"), scenario))
                read_only = [c.get("Name", "?") for c in resolve(containers, scenario) if isinstance(c, dict) and is_true(c.get("ReadonlyRootFilesystem"))]
                if exec_on and read_only:
                    when = f" when {scenario}" if scenario else ""
                    matches.append(RuleMatch(
                        ["Resources", logical_id, "Properties", "EnableExecuteCommand"],
                        f"{logical_id} enables ECS Exec{when}, but container(s) {', '.join(read_only)} of {task_id} have a read-only root file system; the SSM agent cannot start",
                    ))
                    break
        return matches

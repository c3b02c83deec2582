"""E9102: no reserved Lambda concurrency.

Source: "You can reserve up to the Unreserved account concurrency value that is shown, minus 100
for functions that don't have reserved concurrency" (Configuring reserved concurrency,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). New accounts often
start with a concurrency quota of 10 or 50, so any reservation is refused there
("...decreases account's UnreservedConcurrentExecution below its minimum value"). The platform's
functions (custom resources, secret rotation) run rarely and one at a time per secret; none needs
a reservation.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import resources_of_type  # noqa: E402


class ReservedConcurrency(CloudFormationLintRule):
    """ReservedConcurrentExecutions on a Lambda function: refused where unreserved concurrency would drop below 100."""

    id = "E9102"
    shortdesc = "No ReservedConcurrentExecutions"
    description = "Reserved concurrency fails to deploy in accounts whose unreserved concurrency would drop below 100"
    source_url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
    tags = ["tap", "lambda", "quotas"]

    def match(self, cfn):
        matches = []
        for logical_id, resource in resources_of_type(cfn.template, "AWS::Lambda::Function"):
            if "ReservedConcurrentExecutions" in (resource.get("Properties") or {}):
                matches.append(RuleMatch(
                    ["Resources", logical_id, "Properties", "ReservedConcurrentExecutions"],
                    f"{logical_id} reserves concurrency; an account whose unreserved concurrency would drop below 100 (new accounts) refuses it",
                ))
        return matches

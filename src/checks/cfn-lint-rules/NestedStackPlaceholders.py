"""E9101: no Fn::Select, Fn::Split or condition over a value that may come from a sibling stack.

Source: with ``IncludeNestedStacks``, a nested stack parameter fed by another nested stack's
output reaches the child's change set as a placeholder (``{{IntrinsicFunction:...}}``,
``KNOWN_AFTER_APPLY``). ``Fn::Select`` with an index of 1 or more over such a value fails change
set creation: https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/759
(open). Templates under the ``AWS::LanguageExtensions`` transform reject the placeholder
outright: https://github.com/aws-cloudformation/cfn-language-discussion/issues/152 (open).
A condition over a placeholder cannot be evaluated when the change set is created; the AWS
documentation is silent on what happens, so the platform does not rely on it.

The rule runs on a parent template and follows its local ``TemplateURL``s down the tree: a child
parameter is "sibling-fed" when the parent passes it from ``Fn::GetAtt <Stack>.Outputs.X`` of a
nested stack, or from a parameter of its own that is sibling-fed. Findings are reported on the
nested stack resource of the file being linted, naming the template and path that misuse the value.
"""

from __future__ import annotations

import os
import sys

from cfnlint.rules import CloudFormationLintRule, RuleMatch

sys.path.insert(0, os.path.dirname(__file__))
from _tap import NESTED_STACK, functions, nested_templates, refs, resources_of_type, stack_outputs_read  # noqa: E402

SPLITTING = ("Fn::Select", "Fn::Split")


def _misuses(template: dict, tainted: set[str]) -> list[tuple[str, str]]:
    """(path, parameter) pairs where a tainted parameter is split, selected from or tested."""
    found: list[tuple[str, str]] = []
    conditions = template.get("Conditions") or {}
    tainted_conditions: set[str] = set()
    changed = True
    while changed:  # a condition over a tainted condition is tainted too
        changed = False
        for name, body in conditions.items():
            if name in tainted_conditions:
                continue
            used = refs(body) & tainted
            nested = {args for _, args in functions(body, "Condition") if isinstance(args, str)} & tainted_conditions
            if used or nested:
                tainted_conditions.add(name)
                found.append((f"Conditions/{name}", ", ".join(sorted(used)) or f"condition {sorted(nested)[0]}"))
                changed = True
    for section in ("Resources", "Outputs"):
        for name in SPLITTING:
            for at, args in functions(template.get(section) or {}, name, (section,)):
                used = refs(args) & tainted
                if used:
                    found.append(("/".join(str(p) for p in at) + f"/{name}", ", ".join(sorted(used))))
    return found


class NestedStackPlaceholders(CloudFormationLintRule):
    """Fn::Select, Fn::Split or a condition over a nested-stack parameter fed by a sibling stack's output."""

    id = "E9101"
    shortdesc = "No Select/Split/condition over values from sibling stacks"
    description = (
        "A parameter fed by another nested stack's output is a placeholder in nested change sets; "
        "Fn::Select/Fn::Split over it fails change set creation (cloudformation-coverage-roadmap#759)"
    )
    source_url = "https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/759"
    tags = ["tap", "nested-stacks", "change-sets"]

    def match(self, cfn):
        matches = []
        template = cfn.template
        stacks = {logical_id for logical_id, _ in resources_of_type(template, NESTED_STACK)}
        # In this template: selecting from a nested stack's output directly.
        for section in ("Resources", "Outputs"):
            for name in SPLITTING:
                for at, args in functions(template.get(section) or {}, name, (section,)):
                    read = stack_outputs_read(args, stacks)
                    if read:
                        matches.append(RuleMatch(list(at), f"{name} over {', '.join(sorted(read))}, a nested stack output that is a placeholder in nested change sets; pass the value as a scalar instead"))
        for top_id, resource, child_file, child in nested_templates(cfn.filename, template):
            self._check(top_id, resource, child_file, child, stacks, set(), matches, (cfn.filename,))
        return matches

    def _check(self, top_id, resource, child_file, child, siblings, tainted_here, matches, trail):
        passed = (resource.get("Properties") or {}).get("Parameters") or {}
        tainted = {
            name for name, value in passed.items()
            if stack_outputs_read(value, siblings) or refs(value) & tainted_here
        }
        if not tainted:
            return
        shown = os.path.relpath(child_file, os.path.dirname(trail[0])) if trail[0] else child_file
        for where, parameters in _misuses(child, tainted):
            matches.append(RuleMatch(
                ["Resources", top_id, "Properties", "TemplateURL"],
                f"{shown} {where} uses {parameters}, which is fed by a sibling stack's output "
                "(a placeholder in nested change sets); pass a scalar or a parameter from the root instead",
            ))
        grandchildren = {logical_id for logical_id, _ in resources_of_type(child, NESTED_STACK)}
        for _, nested, grandchild_file, grandchild in nested_templates(child_file, child):
            if grandchild_file in trail:
                continue
            self._check(top_id, nested, grandchild_file, grandchild, grandchildren, tainted, matches, trail + (child_file,))

"""Helpers shared by the project's cfn-lint rules.

Not a rule: cfn-lint loads every ``[A-Za-z1-9]*.py`` file of an ``--append-rules`` directory as a
plugin, so this module's leading underscore keeps it out of the loader. Rules import it by path.

Everything here reads the template as JSON data (the project renders JSON only) and resolves
``Fn::If`` per condition scenario, so a rule can ask "is this true in any configuration one
template can take?" instead of looking at one branch.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from cfnlint.decode import decode

NESTED_STACK = "AWS::CloudFormation::Stack"

_REMOVED = object()  # what Ref AWS::NoValue resolves to: the property or list item disappears


def walk(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value under ``node`` with its path, depth first."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from walk(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from walk(child, path + (index,))


def functions(node: Any, name: str, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every ``{name: args}`` intrinsic under ``node`` (e.g. ``Fn::Select``) with its path."""
    for at, value in walk(node, path):
        if isinstance(value, dict) and len(value) == 1 and name in value:
            yield at, value[name]


def refs(node: Any) -> set[str]:
    """Names referenced with ``Ref`` or ``${Name}`` in ``Fn::Sub`` anywhere under ``node``."""
    found: set[str] = set()
    for _, value in walk(node):
        if isinstance(value, dict) and len(value) == 1:
            if isinstance(value.get("Ref"), str):
                found.add(value["Ref"])
            sub = value.get("Fn::Sub")
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                for part in text.split("${")[1:]:
                    found.add(part.split("}")[0].split(".")[0])
    return found


def stack_outputs_read(node: Any, stacks: set[str]) -> set[str]:
    """``Stack.Outputs.X`` values read from the given nested stacks anywhere under ``node``."""
    found: set[str] = set()
    for _, args in functions(node, "Fn::GetAtt"):
        if isinstance(args, list) and len(args) == 2 and args[0] in stacks and str(args[1]).startswith("Outputs."):
            found.add(f"{args[0]}.{args[1]}")
        elif isinstance(args, str) and args.split(".")[0] in stacks and ".Outputs." in args:
            found.add(args)
    return found


def condition_names(node: Any) -> set[str]:
    """Conditions an ``Fn::If`` under ``node`` depends on."""
    return {args[0] for _, args in functions(node, "Fn::If") if isinstance(args, list) and args and isinstance(args[0], str)}


def scenarios(cfn: Any, names: set[str]) -> Iterator[dict[str, bool]]:
    """Every satisfiable combination of the named conditions (one empty scenario when none)."""
    declared = {name for name in names if name in (cfn.template.get("Conditions") or {})}
    if not declared:
        yield {}
        return
    yield from cfn.conditions.build_scenarios({name: {True, False} for name in sorted(declared)})


def resolve(node: Any, scenario: dict[str, bool]) -> Any:
    """``node`` with every ``Fn::If`` replaced by its branch in ``scenario`` and NoValue removed."""
    if isinstance(node, dict):
        if len(node) == 1 and node.get("Ref") == "AWS::NoValue":
            return _REMOVED
        if len(node) == 1 and isinstance(node.get("Fn::If"), list) and len(node["Fn::If"]) == 3:
            condition, when_true, when_false = node["Fn::If"]
            if condition in scenario:
                return resolve(when_true if scenario[condition] else when_false, scenario)
        resolved = {key: resolve(value, scenario) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not _REMOVED}
    if isinstance(node, list):
        return [item for item in (resolve(value, scenario) for value in node) if item is not _REMOVED]
    return node


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def resources_of_type(template: dict, resource_type: str) -> Iterator[tuple[str, dict]]:
    for logical_id, resource in (template.get("Resources") or {}).items():
        if isinstance(resource, dict) and resource.get("Type") == resource_type:
            yield logical_id, resource


def services_with_tasks(template: dict) -> Iterator[tuple[str, dict, str, dict]]:
    """(logical id, properties, task logical id, task resource) of every ECS service whose task
    definition is a resource of the same template."""
    resources = template.get("Resources") or {}
    for logical_id, service in resources_of_type(template, "AWS::ECS::Service"):
        properties = service.get("Properties") or {}
        task_ref = properties.get("TaskDefinition")
        task_id = task_ref.get("Ref") if isinstance(task_ref, dict) else None
        if isinstance(task_id, str) and isinstance(resources.get(task_id), dict):
            yield logical_id, properties, task_id, resources[task_id]


def nested_templates(filename: str | None, template: dict) -> Iterator[tuple[str, dict, str, dict]]:
    """(logical id, resource, child file, child template) for nested stacks with a local TemplateURL."""
    if not filename:
        return
    for logical_id, resource in resources_of_type(template, NESTED_STACK):
        url = (resource.get("Properties") or {}).get("TemplateURL")
        if not isinstance(url, str) or "://" in url:
            continue
        child_file = os.path.normpath(os.path.join(os.path.dirname(filename), url))
        if not os.path.isfile(child_file):
            continue
        child, problems = decode(child_file)
        if child is not None and not problems:
            yield logical_id, resource, child_file, child


def template_tree(filename: str | None, template: dict) -> Iterator[tuple[tuple[str, ...], str | None, dict]]:
    """This template and every local nested template below it, each with its nested-stack id path."""
    def visit(ids: tuple[str, ...], file: str | None, node: dict, trail: tuple[str, ...]) -> Iterator:
        yield ids, file, node
        for logical_id, _, child_file, child in nested_templates(file, node):
            if child_file in trail:
                continue
            yield from visit(ids + (logical_id,), child_file, child, trail + (child_file,))

    yield from visit((), filename, template, (filename or "",))

"""
A long-lived check worker: imports cfn-lint and checkov once (each on first use, or at start with
`--preload <tool>`) and checks templates sent to it, one request per line on stdin, one reply per
line on stdout.

Starting a tool costs as much as checking a service template with it (cfn-lint: imports and rule
loading, about 0.9 s, against about 0.7 s per service template; checkov: imports, about 1.7 s,
against 0.3 s; the checkov command line, which imports every framework, 2.7 s), so
`worker-pool.ts` starts one worker per core per run and feeds each many templates.

Requests and replies (JSON, one per line):
  {"id": 1, "tool": "cfn-lint", "args": ["--format", "json", ...], "files": ["templates/x.json"],
   "rules": {"only": ["E9101"]}}   (optional; or {"except": [...]})
  {"id": 2, "tool": "checkov", "files": ["templates/x.json"]}
  -> {"id": 1, "report": <what the CLI prints for these arguments and files, parsed>, "cpu": 0.7}
  -> {"id": 1, "error": "<traceback>", "cpu": 0.1}

cfn-lint runs through its own Runner with the CLI's argument parser, so a request's `args` mean
exactly what they mean on the command line (--append-rules included); the report is the CLI's
JSON formatter output. checkov runs its CloudFormation runner, the one `checkov --framework
cloudformation --skip-download --file ...` runs, and the report has the shape of the CLI's JSON
report restricted to the fields the toolkit reads.

Anything the tools print goes to stderr: the reply channel is a private copy of stdout.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import time
import traceback
from typing import Any, Callable

# checkov forks helpers for parsing when given many files; here each worker is already one per
# core, so it parses in-process. This changes how checkov schedules work, not what it checks.
os.environ.setdefault("CHECKOV_PARALLELIZATION_TYPE", "none")


def _reply_channel() -> Any:
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return channel


# --- cfn-lint -------------------------------------------------------------------------------

_cfn_lint: dict[str, Any] = {}


class _NestedDecodeCache:
    """
    cfn-lint decodes each local nested template three times per parent it lints (twice building
    the parent's context for GetAtt Outputs.X, once for E3043's parameter contract), with its
    pure-Python YAML loader: at 100 services that was 8 of the services stack's 10 seconds; the
    project's tree rules (E9101, E9106) decode every template below again. All of them only read
    what they decode, so within one request each file is decoded once. Emptied before each request,
    so memory stays bounded and an edited file is never served from an older decode.
    """

    def __init__(self, decode: Callable[[str], Any]) -> None:
        self._decode = decode
        self._decoded: dict[str, Any] = {}

    def clear(self) -> None:
        self._decoded.clear()

    def __call__(self, filename: str) -> Any:
        key = os.path.abspath(filename)
        if key not in self._decoded:
            self._decoded[key] = self._decode(filename)
        return self._decoded[key]


def _load_cfn_lint() -> dict[str, Any]:
    if _cfn_lint:
        return _cfn_lint
    import cfnlint.decode
    import cfnlint.rules.resources.cloudformation.NestedStackParameters as nested_parameters
    from cfnlint.config import ConfigMixIn
    from cfnlint.formatters import JsonFormatter
    from cfnlint.rules import Rules
    from cfnlint.runner import Runner

    # The readers of nested templates: cfnlint/context/context.py imports `decode` from
    # cfnlint.decode when it runs, E3043 bound it at import, and the project rules' helpers
    # import it when the rules are loaded, after this. The runner's own decode of the template
    # being linted keeps the original (bound when cfnlint.runner was imported, above): that
    # object is transformed in place.
    nested_decode = _NestedDecodeCache(cfnlint.decode.decode)
    nested_parameters.decode = nested_decode
    cfnlint.decode.decode = nested_decode

    rule_sets: dict[tuple[Any, ...], Any] = {}

    class SharedRulesRunner(Runner):  # type: ignore[misc]
        """The CLI's runner, loading each set of rules (built-in plus --append-rules) once."""

        def _get_rules(self) -> None:
            key = (tuple(self.config.append_rules), json.dumps(self.config.custom_rules, sort_keys=True, default=str))
            if key not in rule_sets:
                super()._get_rules()
                rule_sets[key] = self.rules
            self.rules = rule_sets[key]

    _cfn_lint.update(ConfigMixIn=ConfigMixIn, Runner=SharedRulesRunner, JsonFormatter=JsonFormatter, Rules=Rules, nested_decode=nested_decode)
    return _cfn_lint


def _select_rules(rules: Any, selection: dict[str, list[str]] | None, collection: Any) -> Any:
    """All rules, or {"only": [ids]}, or {"except": [ids]}: the caller runs the rules that read
    the whole nested tree apart from the others (cfn-lint.ts, TREE_RULES). Rules are independent:
    the findings of two runs that split the rules between them are those of one run with all."""
    if not selection:
        return rules
    only, excluded = selection.get("only"), selection.get("except")
    chosen = collection()
    for rule_id, rule in rules.items():
        if (only is not None and rule_id in only) or (excluded is not None and rule_id not in excluded):
            chosen[rule_id] = rule
    return chosen


def run_cfn_lint(args: list[str], files: list[str], selection: dict[str, list[str]] | None = None) -> Any:
    tools = _load_cfn_lint()
    config = tools["ConfigMixIn"]([*args, "--", *files])
    config.validate()
    if config.format not in (None, "json"):
        raise ValueError(f"the worker reports cfn-lint results as JSON (got --format {config.format})")
    runner = tools["Runner"](config)
    runner.rules = _select_rules(runner.rules, selection, tools["Rules"])
    tools["nested_decode"].clear()
    matches = list(runner.run())
    # As the CLI orders them before printing (cfnlint/runner/cli.py, _cli_output).
    matches.sort(key=lambda match: (match.filename, match.linenumber, match.rule.id))
    output = tools["JsonFormatter"]().print_matches(matches, runner.rules, config=config)
    return json.loads(output or "[]")


# --- checkov --------------------------------------------------------------------------------

_checkov: dict[str, Any] = {}


def _load_checkov() -> dict[str, Any]:
    if _checkov:
        return _checkov
    from checkov.cloudformation.runner import Runner
    from checkov.runner_filter import RunnerFilter
    from checkov.version import version

    _checkov.update(Runner=Runner, RunnerFilter=RunnerFilter, version=version)
    return _checkov


def _check_json(record: Any) -> dict[str, Any]:
    result = record.check_result or {}
    return {
        "check_id": record.check_id,
        "check_name": record.check_name,
        "file_path": record.file_path,
        "resource": record.resource,
        "file_line_range": record.file_line_range,
        "check_result": {k: v for k, v in result.items() if k == "suppress_comment"},
    }


def run_checkov(files: list[str]) -> Any:
    tools = _load_checkov()
    # A fresh runner per request: a runner keeps the definitions it parsed and would not parse again.
    runner = tools["Runner"]()
    runner_filter = tools["RunnerFilter"](framework=["cloudformation"], show_progress_bar=False)
    report = runner.run(root_folder=None, files=files, runner_filter=runner_filter)
    reports = report if isinstance(report, list) else [report]
    return [
        {
            "summary": {
                "passed": len(r.passed_checks),
                "failed": len(r.failed_checks),
                "skipped": len(r.skipped_checks),
                "parsing_errors": len(r.parsing_errors),
                "checkov_version": tools["version"],
            },
            "results": {
                "passed_checks": [_check_json(c) for c in r.passed_checks],
                "failed_checks": [_check_json(c) for c in r.failed_checks],
                "skipped_checks": [_check_json(c) for c in r.skipped_checks],
            },
        }
        for r in reports
    ]


# --- loop -----------------------------------------------------------------------------------


def handle(request: dict[str, Any]) -> Any:
    if request["tool"] == "cfn-lint":
        return run_cfn_lint(list(request["args"]), list(request["files"]), request.get("rules"))
    if request["tool"] == "checkov":
        return run_checkov(list(request["files"]))
    raise ValueError(f"unknown tool {request['tool']!r}")


LOADERS = {"cfn-lint": _load_cfn_lint, "checkov": _load_checkov}


def main() -> None:
    replies = _reply_channel()
    # `--preload <tool>`: import it before the first request (the pool starts workers while the
    # command is still rendering and validating, so the import overlaps that work).
    if "--preload" in sys.argv:
        LOADERS[sys.argv[sys.argv.index("--preload") + 1]]()
    # Both tools allocate millions of short-lived objects per template; the cyclic collector,
    # running on allocation counts, spent 20-30% of checkov's time re-scanning the tools' imported
    # modules and caches. Here it runs once after each request instead, and what survives a request
    # (modules, schemas, the decode cache) is frozen so later collections skip it.
    gc.disable()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        started = time.process_time()
        try:
            reply = {"id": request["id"], "report": handle(request)}
        except BaseException:  # noqa: B036 - a request's failure must reach the caller, SystemExit included
            reply = {"id": request["id"], "error": traceback.format_exc()}
        reply["cpu"] = time.process_time() - started  # for `make bench`; includes a tool's import
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
        gc.collect()
        gc.freeze()


if __name__ == "__main__":
    main()

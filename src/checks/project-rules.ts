/**
 * The project's own cfn-lint rules: one Python rule per AWS trap that shows in a template and that
 * every schema check passes (src/checks/cfn-lint-rules/, each rule's docstring names its source).
 * cfn-lint loads them with `--append-rules`, one of CFN_LINT_OPTIONS (cfn-lint.ts); every file in
 * the directory is part of every cached lint result's key, so editing a rule re-lints everything.
 */
import path from 'node:path';

/** Relative to the repository root, which is cfn-lint's working directory. */
export const PROJECT_RULES_DIR = path.join('src', 'checks', 'cfn-lint-rules');

/** cfn-lint arguments that add the project rules to AWS's. */
export const projectRuleArguments = (): string[] => ['--append-rules', PROJECT_RULES_DIR];

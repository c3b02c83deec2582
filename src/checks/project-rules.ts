/**
 * The project's own cfn-lint rules: one Python rule per AWS trap that shows in a template and that
 * every schema check passes (src/checks/cfn-lint-rules/, each rule's docstring names its source).
 * cfn-lint loads them with `--append-rules`; their content is part of every cached lint result's
 * key, so editing a rule re-lints everything.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Relative to the repository root, which is cfn-lint's working directory. */
export const PROJECT_RULES_DIR = path.join('src', 'checks', 'cfn-lint-rules');

/** cfn-lint arguments that add the project rules to AWS's. */
export const projectRuleArguments = (): string[] => ['--append-rules', PROJECT_RULES_DIR];

/** Hash of every rule file (name and content): a rule change invalidates cached lint results. */
export function projectRulesDigest(root: string): string {
  const dir = path.join(root, PROJECT_RULES_DIR);
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) {
    hash.update(`${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest('hex');
}

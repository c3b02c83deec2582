/**
 * Runs the `tap` CLI in-process against a workspace, capturing what it prints.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Capture } from './capture';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/terminal';
import { repoRoot } from '../../src/core/paths';
import type { RuntimeFactory } from '../../src/cli/command';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}


export interface RunCliOptions {
  readonly root?: string;
  readonly env?: Record<string, string | undefined>;
  /** The AWS commands' runtime (e.g. the real one connected to a FakeAws). */
  readonly runtime?: RuntimeFactory;
}

export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const out = new Capture();
  const err = new Capture();
  const output: Output = { out, err, color: false };
  const code = await main(argv, { root: options.root ?? repoRoot(), output, env: options.env ?? {}, ...(options.runtime ? { runtime: options.runtime } : {}) });
  return { code, stdout: out.text, stderr: err.text };
}

export interface EditableEnvironmentFile {
  deployment: Record<string, unknown>;
  parameters: Record<string, unknown>;
  tags?: Record<string, unknown>;
  [key: string]: unknown;
}

export type JsonEdit = (document: EditableEnvironmentFile) => void;

/**
 * A throw-away workspace with the real params/ (optionally edited) and templates/, for tests that
 * must not touch the repository's files.
 */
export function tempWorkspace(edits: Readonly<Record<string, JsonEdit>> = {}): string {
  const root = repoRoot();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-ws-'));
  fs.cpSync(path.join(root, 'params'), path.join(dir, 'params'), { recursive: true });
  fs.cpSync(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  // Tools, not copied: the workspace uses the repository's pinned .venv.
  fs.copyFileSync(path.join(root, 'requirements.txt'), path.join(dir, 'requirements.txt'));
  if (fs.existsSync(path.join(root, '.venv'))) fs.symlinkSync(path.join(root, '.venv'), path.join(dir, '.venv'));
  // The project's cfn-lint rules are part of the tools too.
  fs.mkdirSync(path.join(dir, 'src', 'checks'), { recursive: true });
  fs.symlinkSync(path.join(root, 'src', 'checks', 'cfn-lint-rules'), path.join(dir, 'src', 'checks', 'cfn-lint-rules'));
  for (const [env, edit] of Object.entries(edits)) {
    const file = path.join(dir, 'params', `${env}.json`);
    const document = JSON.parse(fs.readFileSync(file, 'utf8')) as EditableEnvironmentFile;
    edit(document);
    fs.writeFileSync(file, JSON.stringify(document, null, 2));
  }
  return dir;
}

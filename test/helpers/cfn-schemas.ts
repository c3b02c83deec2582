/**
 * CloudFormation resource schemas as bundled by the pinned cfn-lint in .venv (AWS's registry
 * schemas), for tests that need AWS's own answer (e.g. which types accept Tags).
 */
import fs from 'node:fs';
import path from 'node:path';

function schemasDir(): string {
  const lib = path.resolve('.venv/lib');
  const python = fs.readdirSync(lib).find((entry) => entry.startsWith('python'));
  if (!python) throw new Error('no .venv/lib/python*; run `make install`');
  return path.join(lib, python, 'site-packages', 'cfnlint', 'data', 'schemas');
}

let index: Record<string, string> | undefined;

export interface ResourceSchema {
  properties: Record<string, { type?: string | string[]; items?: unknown; $ref?: string; insertionOrder?: boolean }>;
  definitions?: Record<string, unknown>;
}

export function resourceSchema(type: string, region = 'us-east-1'): ResourceSchema | undefined {
  index ??= JSON.parse(fs.readFileSync(path.join(schemasDir(), 'providers', `${region}.json`), 'utf8')) as Record<string, string>;
  const id = index[type];
  if (!id) return undefined;
  return JSON.parse(fs.readFileSync(path.join(schemasDir(), 'resources', `${id}.json`), 'utf8')) as ResourceSchema;
}

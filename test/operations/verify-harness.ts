/**
 * A live environment for `verify` (D-15): the real platform (rendered from src/stacks) deployed
 * through the fake, then brought to life (`FakeAws.goLive`: every service, target, registration,
 * secret, alarm and log group healthy). A scenario breaks one thing in `aws.live` and verifies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { Outcome } from '../../src/operations/operation';
import type { DeployRuntime } from '../../src/operations/runtime';
import type { VerifyReport } from '../../src/operations/verify';
import type { CheckKind, CheckRow, Finding } from '../../src/operations/verify-rules';
import { renderPlatform, type RenderedPlatform } from '../../src/synth/render';
import { Scenario, type RunOptions } from '../helpers/deploy-harness';
import { testAssets } from '../helpers/platform';

/** Every request verify may send: reads only (the fake's recorded calls are checked against it). */
export const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'sts.configuredRegion', 'sts.callerIdentity',
  'cfn.describeStack', 'cfn.listStackResources',
  'ecs.describeServices', 'ecs.listServiceDeployments',
  'elbv2.describeRules', 'elbv2.describeTargetHealth',
  'discovery.listServices', 'discovery.listInstances',
  'secrets.describeSecret',
  'cloudwatch.describeAlarms',
  'logs.filterLogEvents',
  'http.get',
]);

/** The harness runtime names only two services; verify names per-service stacks by the whole catalog. */
export class VerifyScenario extends Scenario {
  override runtime(options: RunOptions): DeployRuntime {
    return { ...super.runtime(options), serviceNames: SERVICE_CATALOG.map((s) => s.name) };
  }

  /** Sets root parameters in params/dev.json (e.g. `ImageTag: ''` for an environment without a release). */
  setParameters(values: Record<string, string>): void {
    const file = path.join(this.root, 'params', `${this.environment}.json`);
    const document = JSON.parse(fs.readFileSync(file, 'utf8')) as { parameters: Record<string, string> };
    document.parameters = { ...document.parameters, ...values };
    fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  }
}

let platform: RenderedPlatform | undefined;
export const realPlatform = (): RenderedPlatform => (platform ??= renderPlatform(SERVICE_CATALOG, testAssets()));

export async function liveEnvironment(parameters: Record<string, string> = {}, imageTags?: Record<string, string>): Promise<VerifyScenario> {
  const s = new VerifyScenario('dev', { platform: realPlatform() });
  s.setParameters(parameters);
  if (imageTags) s.editParams((d) => { d.imageTags = imageTags; });
  await s.deployed();
  s.aws.goLive();
  return s;
}

export function reportOf(outcome: Outcome): VerifyReport {
  if (outcome.type !== 'verified' && outcome.type !== 'verify-failed' && outcome.type !== 'verify-incomplete') throw new Error(`expected a verify outcome, got ${outcome.type}`);
  return outcome.report;
}

/** The rows of one check (and subject, when given). */
export const rowsOf = (report: VerifyReport, check: CheckKind, subject?: string): CheckRow[] =>
  report.rows.filter((r) => r.check === check && (subject === undefined || r.subject === subject));

/** The one row of `check`/`subject`, with its finding narrowed to `kind`. */
export function rowOf<K extends Finding['kind']>(report: VerifyReport, check: CheckKind, subject: string, kind: K): CheckRow & { finding: Extract<Finding, { kind: K }> } {
  const rows = rowsOf(report, check, subject);
  if (rows.length !== 1) throw new Error(`expected one ${check} row for ${subject}, got ${rows.length}: ${report.rows.map((r) => `${r.check}:${r.subject}`).join(', ')}`);
  const [row] = rows;
  if (row.finding.kind !== kind) throw new Error(`expected ${check} ${subject} to be ${kind}, got ${JSON.stringify(row)}`);
  return row as CheckRow & { finding: Extract<Finding, { kind: K }> };
}

/**
 * Wire tests: the real `tap` commands and the real AWS SDK adapter over HTTP against a moto server
 * started by the tests on a free loopback port. Only the workspace is a fixture: a small nested
 * tree moto can deploy (moto lacks most of the platform: nested `Outputs.X` GetAtt answers 500,
 * stacks created by change sets get no root outputs, IncludeNestedStacks is ignored; see
 * shared/reference/moto.md §8), with the real bootstrap template.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Capture } from '../helpers/capture';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/terminal';
import { requireKnownEnvironment } from '../../src/config/environment';
import type { TemplateJson } from '../../src/core/template-json';
import { createSdkPort } from '../../src/aws/sdk';
import { endpointFor } from '../../src/aws/endpoint';
import { systemClock } from '../../src/core/clock';
import type { DeployRuntime, PlatformSource } from '../../src/operations/runtime';
import { sessionFromPort } from '../../src/aws/session';
import { platformOfFiles, rotationAsset } from './moto-fixtures';
import { imageTagParameter } from '../../src/stacks/releases';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, type MotoServer } from '../helpers/moto-server';


export interface WireResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Requests sent, per port operation (from the session's counter). */
  readonly calls: ReadonlyMap<string, number>;
}

export const BUCKET = `tap-artifacts-${MOTO_ACCOUNT_ID}-eu-west-1`;

export class WireWorkspace {
  readonly root: string;
  templates: Record<string, TemplateJson>;

  constructor(readonly moto: MotoServer, templates: Record<string, TemplateJson>) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-wire-'));
    fs.mkdirSync(path.join(this.root, 'params'));
    fs.writeFileSync(path.join(this.root, 'package.json'), JSON.stringify({ name: 'tap-infra', version: '0.1.0-wire' }));
    fs.writeFileSync(path.join(this.root, 'params', 'dev.json'), JSON.stringify({
      deployment: { accountId: MOTO_ACCOUNT_ID, region: 'eu-west-1', stackName: 'tap-dev', artifactBucket: BUCKET },
      parameters: { Environment: 'dev', DataProtection: 'delete' },
      imageTags: {},
      tags: { 'cost-center': 'trading-analytics' },
    }));
    this.templates = templates;
    // The SDK's standard credential chain reads the process environment.
    process.env['AWS_ACCESS_KEY_ID'] = MOTO_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = MOTO_CREDENTIALS.secretAccessKey;
    delete process.env['AWS_PROFILE'];
    delete process.env['AWS_SESSION_TOKEN'];
  }

  /** Edits params/dev.json (a deploy role, image tags). */
  editParams(edit: (document: { deployment: Record<string, unknown>; imageTags: Record<string, string> }) => void): void {
    const file = path.join(this.root, 'params', 'dev.json');
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(document);
    fs.writeFileSync(file, JSON.stringify(document));
  }

  /** The root parameters of the image tags the root template declares (D-16). */
  imageTagParameters(tags: Readonly<Record<string, string>>): Record<string, string> {
    const declared = this.templates['root.json']?.Parameters ?? {};
    return Object.fromEntries(Object.entries(tags).map(([service, tag]) => [imageTagParameter({ name: service }), tag]).filter(([name]) => name in declared));
  }

  private platform(): PlatformSource {
    return { ...platformOfFiles(this.templates), assets: { 'rotate-api-key': rotationAsset } };
  }

  runtime(calls: { current?: () => ReadonlyMap<string, number> }): DeployRuntime {
    const workspace = this;
    return {
      clock: systemClock,
      random: Math.random,
      toolkitVersion: '0.1.0-wire',
      serviceNames: ['frontend', 'api-gateway'],
      prepare(root, name) {
        requireKnownEnvironment(root, name);
        const file = JSON.parse(fs.readFileSync(path.join(root, 'params', `${name}.json`), 'utf8'));
        return {
          platform: workspace.platform(),
          environment: {
            name, file: `params/${name}.json`, deployment: file.deployment, tags: file.tags, imageTags: file.imageTags ?? {},
            stackParameters: { ...file.parameters, ...workspace.imageTagParameters(file.imageTags ?? {}), ArtifactBucket: file.deployment.artifactBucket },
            computedParameters: ['ArtifactBucket'], subnets: { publicSubnets: [], privateSubnets: [] },
          },
        };
      },
      async connect(region, env, onRetry, { credentials, profile, signal } = {}) {
        const endpoint = endpointFor(env, 'S3');
        const session = sessionFromPort(await createSdkPort(region, env, credentials, profile), { region, ...(endpoint ? { endpoint } : {}), clock: systemClock, onRetry, ...(signal ? { signal } : {}) });
        // A deploy role's session comes second (D-17): count the requests of both.
        const earlier = calls.current;
        calls.current = () => {
          const merged = new Map(earlier?.() ?? []);
          for (const [op, n] of session.apiCalls()) merged.set(op, (merged.get(op) ?? 0) + n);
          return merged;
        };
        return session;
      },
      interrupts: () => ({ signal: new AbortController().signal, dispose: () => {} }),
    };
  }

  /** `env`: more variables for the CLI (e.g. AWS_ENDPOINT_URL_CLOUDFORMATION). */
  async run(argv: readonly string[], options: { endpoint?: string; env?: Readonly<Record<string, string>> } = {}): Promise<WireResult> {
    const out = new Capture();
    const err = new Capture();
    const output: Output = { out, err, color: false };
    const calls: { current?: () => ReadonlyMap<string, number> } = {};
    const runtime = this.runtime(calls);
    const env = { AWS_ENDPOINT_URL: options.endpoint ?? this.moto.endpoint, AWS_REGION: 'eu-west-1', ...options.env };
    const code = await main(argv, { root: this.root, output, env, runtime: () => runtime, terminal: () => ({ interactive: false, prompt: async () => undefined }) });
    return { code, stdout: out.text, stderr: err.text, calls: calls.current?.() ?? new Map() };
  }
}

export { motoClientOptions, onMoto } from '../helpers/moto-server';

export const total = (calls: ReadonlyMap<string, number>): number => [...calls.values()].reduce((a, b) => a + b, 0);

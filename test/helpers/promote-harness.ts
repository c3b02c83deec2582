/**
 * D-18 scenarios: two environments in two accounts and regions, each its own FakeAws on its own
 * virtual clock (staging: 444455556666 in eu-west-1; prod: 777788889999 in us-east-1), one
 * workspace with params/dev.json, staging.json and prod.json (prod is promoted from staging, staging
 * from dev). A session reaches the fake of its region, or of its profile when one is named
 * (`profiles`); an assumed role's session reaches the fake that issued its credentials.
 *
 * - `deploy(env)`: a plain deploy of the workspace into one environment (set-up);
 * - `operate(operation)`: an operation on prod's connection, recorded as deploy-harness does;
 * - `run(argv)`: the `tap` CLI through main(), with this runtime.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/terminal';
import { sessionFromPort } from '../../src/aws/session';
import type { AwsPort, TemporaryCredentials } from '../../src/aws/port';
import { openConnection, prepareConnection, type Connection, type PrepareOptions, type PreparedEnvironment } from '../../src/operations/connection';
import type { Answer, OperationIo } from '../../src/operations/operation';
import type { DeployRuntime, PlatformSource } from '../../src/operations/runtime';
import { promote, type PromoteOptions } from '../../src/operations/promote';
import { FakeAws, type RecordedCall } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { CANARY_NOECHO, fixturePlatform } from '../fakes/platform-fixture';
import { Capture } from './capture';
import { deploying, fakeWorkspace, imageTagsAt, pushReleasedImages, recordedIo, type Operated, type RunResult } from './deploy-harness';

export const ENVIRONMENTS = {
  dev: { account: '111122223333', region: 'eu-west-1', promotedFrom: undefined },
  staging: { account: '444455556666', region: 'eu-west-1', promotedFrom: 'dev' },
  prod: { account: '777788889999', region: 'us-east-1', promotedFrom: 'staging' },
} as const;
export type EnvironmentName = keyof typeof ENVIRONMENTS;

export const bucketOf = (name: EnvironmentName): string => `tap-artifacts-${ENVIRONMENTS[name].account}-${ENVIRONMENTS[name].region}`;

function writeParams(root: string, name: EnvironmentName): void {
  const { account, region, promotedFrom } = ENVIRONMENTS[name];
  const document = {
    deployment: { accountId: account, region, stackName: `tap-${name}`, artifactBucket: bucketOf(name), ...(promotedFrom ? { promotedFrom } : {}) },
    parameters: { Environment: name, DataProtection: name === 'prod' ? 'retain' : 'delete', ApiToken: CANARY_NOECHO },
    imageTags: imageTagsAt('1.0.0'),
    tags: { 'cost-center': 'trading-analytics' },
  };
  fs.writeFileSync(path.join(root, 'params', `${name}.json`), `${JSON.stringify(document, null, 2)}\n`);
}

export interface PromoteRunOptions {
  readonly answers?: readonly (Answer | (() => Promise<Answer>))[];
  /** Profiles of the shared AWS config, by name: the environment whose account they reach. */
  readonly env?: Record<string, string | undefined>;
}

export class PromotionScenario {
  readonly root: string;
  readonly clocks: Record<'staging' | 'prod', FakeClock> = { staging: new FakeClock(), prod: new FakeClock() };
  readonly staging: FakeAws;
  readonly prod: FakeAws;
  /** Profiles a session may name (`--from-profile`), and the account each reaches. */
  readonly profiles = new Map<string, 'staging' | 'prod'>([['staging-admin', 'staging'], ['prod-admin', 'prod']]);
  /** The profile each connect named, in order (undefined: the standard chain). */
  readonly profilesUsed: (string | undefined)[] = [];
  /** The templates of the workspace (what a new deploy or the comparison renders). */
  platform: PlatformSource;

  constructor(options: { platform?: PlatformSource; bootstrapped?: boolean } = {}) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-promote-'));
    fs.mkdirSync(path.join(this.root, 'params'));
    fs.writeFileSync(path.join(this.root, 'package.json'), JSON.stringify({ name: 'tap-infra', version: '0.1.0-test' }));
    for (const name of Object.keys(ENVIRONMENTS) as EnvironmentName[]) writeParams(this.root, name);
    this.platform = options.platform ?? fixturePlatform();
    this.staging = new FakeAws({ clock: this.clocks.staging, account: ENVIRONMENTS.staging.account, region: ENVIRONMENTS.staging.region, callerArn: `arn:aws:sts::${ENVIRONMENTS.staging.account}:assumed-role/platform-deployer/ci` });
    this.prod = new FakeAws({ clock: this.clocks.prod, account: ENVIRONMENTS.prod.account, region: ENVIRONMENTS.prod.region, callerArn: `arn:aws:sts::${ENVIRONMENTS.prod.account}:assumed-role/platform-deployer/ci` });
    if (options.bootstrapped !== false) {
      for (const name of ['staging', 'prod'] as const) {
        this.fake(name).createBucket(bucketOf(name));
        this.fake(name).accountRoles.add(`role-cfn-exec-tap-${name}`);
      }
    }
    for (const name of ['staging', 'prod'] as const) pushReleasedImages(this.fake(name), name, this.platform);
  }

  fake(name: 'staging' | 'prod'): FakeAws {
    return name === 'staging' ? this.staging : this.prod;
  }

  /**
   * The fake that issued each set of credentials (AssumeRole of a deploy role), by the object it
   * answered: both fakes number their access keys alike.
   */
  private readonly issuers = new WeakMap<TemporaryCredentials, FakeAws>();

  /** `fake.port`, remembering which credentials its AssumeRole issues. */
  private basePort(fake: FakeAws): AwsPort {
    const issuers = this.issuers;
    return { ...fake.port, sts: { ...fake.port.sts, assumeRole: async (roleArn, sessionName) => {
      const credentials = await fake.port.sts.assumeRole(roleArn, sessionName);
      issuers.set(credentials, fake);
      return credentials;
    } } };
  }

  /** A runtime on `clockOf`'s virtual time, whose sessions reach the fake of their region (or profile). */
  runtime(clockOf: 'staging' | 'prod'): DeployRuntime {
    const scenario = this;
    const clock = this.clocks[clockOf];
    return {
      clock,
      random: () => 0.5,
      toolkitVersion: '0.1.0-test',
      serviceNames: ['frontend', 'api-gateway'],
      prepare: (root, name) => fakeWorkspace(root, name, scenario.platform),
      async connect(region, _env, onRetry, { credentials, profile } = {}) {
        if (!credentials) scenario.profilesUsed.push(profile);
        const byProfile = profile ? scenario.profiles.get(profile) : undefined;
        if (profile && !byProfile) throw new Error(`fake: no profile ${profile}`);
        const fake = byProfile ? scenario.fake(byProfile) : region === ENVIRONMENTS.prod.region ? scenario.prod : scenario.staging;
        const issuer = credentials ? scenario.issuers.get(credentials) : undefined;
        if (credentials && !issuer) throw new Error('fake: credentials that neither fake issued');
        const port: AwsPort = credentials && issuer ? issuer.portFor(credentials) : scenario.basePort(fake);
        return sessionFromPort(port, { region, clock, random: () => 0.5, onRetry });
      },
      interrupts: () => ({ signal: new AbortController().signal, dispose: () => {} }),
    };
  }

  /** Deploys the workspace into one environment, approved (set-up). */
  async deploy(name: 'staging' | 'prod'): Promise<void> {
    const { outcome } = await this.operateOn(name, deploying(), { answers: ['yes'] });
    if (outcome.type !== 'deployed' && outcome.type !== 'no-changes') throw new Error(`set-up deploy of ${name} failed: ${JSON.stringify(outcome).slice(0, 500)}`);
  }

  prepared(name: EnvironmentName, options: Partial<PrepareOptions> = {}): PreparedEnvironment {
    return prepareConnection(this.runtime(name === 'prod' ? 'prod' : 'staging'), this.root, name, {}, { requireFresh: false, ...options });
  }

  /** An operation on one environment's connection, recorded. */
  async operateOn<O>(name: 'staging' | 'prod', operation: (c: Connection, io: OperationIo) => Promise<O>, options: PromoteRunOptions & { prepare?: Partial<PrepareOptions> } = {}): Promise<Operated<O>> {
    const { io, events, questions } = recordedIo(options.answers);
    const before = { staging: this.staging.calls.length, prod: this.prod.calls.length };
    const opened = await openConnection(this.prepared(name, options.prepare), {}, io);
    const outcome = opened.type === 'connected' ? await operation(opened.connection, io) : opened;
    return { outcome, events, questions, calls: [...this.staging.calls.slice(before.staging), ...this.prod.calls.slice(before.prod)] };
  }

  /** `promote` from staging into prod (defaults: deploy mode, nothing allowed), recorded. */
  async promote(options: Partial<Omit<PromoteOptions, 'source'>> & { readonly source?: Partial<PrepareOptions> } & PromoteRunOptions & { prepare?: Partial<PrepareOptions> } = {}): Promise<Operated<Awaited<ReturnType<typeof promote>>> & { readonly stagingCalls: readonly RecordedCall[]; readonly prodCalls: readonly RecordedCall[] }> {
    const before = { staging: this.staging.calls.length, prod: this.prod.calls.length };
    const source = this.prepared('staging', options.source);
    const operated = await this.operateOn('prod', (c, io) => promote(c, io, {
      source,
      variables: {},
      mode: options.mode ?? 'deploy',
      allowMismatch: options.allowMismatch ?? false,
      allowReplace: options.allowReplace ?? [],
      ...(options.review ? { review: options.review } : {}),
    }), options);
    return { ...operated, stagingCalls: this.staging.calls.slice(before.staging), prodCalls: this.prod.calls.slice(before.prod) };
  }

  /** The tap CLI through its real entry point, on prod's clock. */
  async run(argv: readonly string[], options: PromoteRunOptions = {}): Promise<RunResult> {
    const out = new Capture();
    const err = new Capture();
    const output: Output = { out, err, color: false };
    const before = { staging: this.staging.calls.length, prod: this.prod.calls.length };
    const runtime = this.runtime('prod');
    const code = await main(argv, { root: this.root, output, env: options.env ?? {}, runtime: () => runtime, terminal: () => ({ interactive: false, prompt: async () => undefined }) });
    return { code, stdout: out.text, stderr: err.text, calls: [...this.staging.calls.slice(before.staging), ...this.prod.calls.slice(before.prod)] };
  }

  editParams(name: EnvironmentName, edit: (document: { deployment: Record<string, unknown>; parameters: Record<string, unknown>; imageTags: Record<string, string>; tags: Record<string, string> }) => void): void {
    const file = path.join(this.root, 'params', `${name}.json`);
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(document);
    fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  }

  stateFile(name: EnvironmentName, file: string): string {
    return fs.readFileSync(path.join(this.root, '.tap', name, file), 'utf8');
  }

  /** Keys of a bucket, sorted. */
  keys(name: 'staging' | 'prod'): string[] {
    return [...(this.fake(name).buckets.get(bucketOf(name))?.objects.keys() ?? [])].sort();
  }
}

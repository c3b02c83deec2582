/**
 * A scenario: a throw-away workspace (params files), a FakeAws on virtual time, and the `tap`
 * commands run in-process against them with an injected runtime (terminal answers, Ctrl-C).
 * Commands run through the real entry point, main(), with that runtime injected.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Capture } from './capture';
import { main } from '../../src/cli/main';
import type { Output, Terminal } from '../../src/cli/terminal';
import { requireKnownEnvironment } from '../../src/config/environment';
import type { DeployRuntime, PlatformSource } from '../../src/operations/runtime';
import { sessionFromPort } from '../../src/aws/session';
import { FakeAws, type RecordedCall } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { CANARY_NOECHO, fixturePlatform } from '../fakes/platform-fixture';

export const ACCOUNTS = { dev: '111122223333', prod: '777788889999' } as const;


export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: readonly RecordedCall[];
}

export interface RunOptions {
  /** A person at a terminal (prompts allowed; live progress view). */
  readonly tty?: boolean;
  /** Answers to prompts, in order (a function runs when the prompt is shown). */
  readonly answers?: readonly (string | (() => Promise<string>))[];
  /** Simulates Ctrl-C when this returns true for a call. */
  readonly interruptWhen?: (call: RecordedCall) => boolean;
  readonly env?: Record<string, string | undefined>;
}

function writeParams(root: string, environment: 'dev' | 'prod'): void {
  const account = ACCOUNTS[environment];
  const document = {
    deployment: { accountId: account, region: 'eu-west-1', stackName: `tap-${environment}`, artifactBucket: `tap-artifacts-${account}-eu-west-1` },
    parameters: { Environment: environment, DataProtection: environment === 'prod' ? 'retain' : 'delete', ApiToken: CANARY_NOECHO },
    tags: { 'cost-center': 'trading-analytics' },
  };
  fs.writeFileSync(path.join(root, 'params', `${environment}.json`), `${JSON.stringify(document, null, 2)}\n`);
}

/** Values for the real root's parameters (the real-platform scenario renders src/stacks). */
const REAL_PLATFORM_VALUES: Record<string, string> = {
  VpcCidr: '10.10.0.0/16',
  PublicSubnetCidrs: '10.10.192.0/20,10.10.208.0/20,10.10.224.0/20',
  PrivateSubnetCidrs: '10.10.0.0/18,10.10.64.0/18,10.10.128.0/18',
  NatGatewayMode: 'single',
  InterfaceEndpoints: 'disabled',
};

/** What CloudFormation would accept: the root's declared parameters only; required ones filled. */
function rootParameters(platform: PlatformSource, values: Record<string, string>): Record<string, string> {
  const declared = platform.templates[0].template.Parameters ?? {};
  const result: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (values[name] !== undefined) result[name] = values[name];
    else if (spec.Default === undefined) result[name] = String(spec.AllowedValues?.[0] ?? 'test');
  }
  return result;
}

export class Scenario {
  readonly clock = new FakeClock();
  readonly aws: FakeAws;
  readonly root: string;
  readonly environment: 'dev' | 'prod';
  platform: PlatformSource;
  /** Real delays recorded by the retry layer. */
  readonly retryDelays: number[] = [];

  constructor(environment: 'dev' | 'prod' = 'dev', options: { bucket?: boolean; platform?: PlatformSource } = {}) {
    this.environment = environment;
    this.aws = new FakeAws({ clock: this.clock, account: ACCOUNTS[environment] });
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-deploy-'));
    fs.mkdirSync(path.join(this.root, 'params'));
    fs.writeFileSync(path.join(this.root, 'package.json'), JSON.stringify({ name: 'tap-infra', version: '0.1.0-test' }));
    writeParams(this.root, 'dev');
    writeParams(this.root, 'prod');
    this.platform = options.platform ?? fixturePlatform();
    if (options.bucket !== false) this.aws.createBucket(`tap-artifacts-${ACCOUNTS[environment]}-eu-west-1`);
  }

  /** A terminal that types `options.answers` in order, echoing each prompt and answer to `out`. */
  terminal(options: RunOptions, out: Capture): Terminal {
    const answers = [...(options.answers ?? [])];
    return {
      interactive: options.tty ?? false,
      prompt: async (question) => {
        out.write(question);
        const next = answers.shift();
        const answer = typeof next === 'function' ? await next() : next;
        out.write(`${answer ?? '(EOF)'}\n`);
        return answer;
      },
    };
  }

  runtime(options: RunOptions): DeployRuntime {
    const controller = new AbortController();
    const scenario = this;
    return {
      clock: this.clock,
      random: () => 0.5,
      toolkitVersion: '0.1.0-test',
      serviceNames: ['frontend', 'api-gateway'],
      prepare(root, name) {
        requireKnownEnvironment(root, name);
        const file = JSON.parse(fs.readFileSync(path.join(root, 'params', `${name}.json`), 'utf8'));
        return {
          platform: scenario.platform,
          environment: {
            name,
            file: `params/${name}.json`,
            deployment: file.deployment,
            tags: file.tags ?? {},
            stackParameters: rootParameters(scenario.platform, { ...file.parameters, ...REAL_PLATFORM_VALUES, ArtifactBucket: file.deployment.artifactBucket }),
            computedParameters: ['ArtifactBucket'],
            subnets: { publicSubnets: [], privateSubnets: [] },
          },
        };
      },
      async connect(region, _env, onRetry) {
        return sessionFromPort(scenario.aws.port, {
          region,
          clock: scenario.clock,
          random: () => 0.5,
          onRetry: (notice) => {
            scenario.retryDelays.push(notice.delayMs);
            onRetry(notice);
          },
        });
      },
      interrupts: () => {
        if (options.interruptWhen) {
          const previous = scenario.aws.onCall;
          scenario.aws.onCall = (call) => {
            previous?.(call);
            if (options.interruptWhen?.(call)) controller.abort();
          };
        }
        return { signal: controller.signal, dispose: () => {} };
      },
    };
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const out = new Capture();
    const err = new Capture();
    if (options.tty) {
      out.isTTY = true;
      out.columns = 160;
    }
    const output: Output = { out, err, color: false };
    const before = this.aws.calls.length;
    const runtime = this.runtime(options);
    const terminal = this.terminal(options, out);
    let code: number;
    try {
      code = await main(argv, { root: this.root, output, env: options.env ?? {}, runtime: () => runtime, terminal: () => terminal });
    } finally {
      this.aws.onCall = undefined;
    }
    return { code, stdout: out.text, stderr: err.text, calls: this.aws.calls.slice(before) };
  }

  stateFile(file: string): string {
    return fs.readFileSync(path.join(this.root, '.tap', this.environment, file), 'utf8');
  }

  hasStateFile(file: string): boolean {
    return fs.existsSync(path.join(this.root, '.tap', this.environment, file));
  }

  /** Deploys the current platform with --yes and asserts success (scenario set-up). */
  async deployed(): Promise<RunResult> {
    const result = await this.run(['deploy', '--env', this.environment, '--yes']);
    if (result.code !== 0) throw new Error(`set-up deploy failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
  }
}

export const ops = (calls: readonly RecordedCall[]): string[] => calls.map((c) => c.op);

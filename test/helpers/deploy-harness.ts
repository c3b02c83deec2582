/**
 * A scenario: a throw-away workspace (params files), a FakeAws on virtual time, and two ways to
 * drive it:
 * - `operate(operation)`: an operation (src/operations) on an opened connection with a recording
 *   io; tests assert on its outcome, its events and the questions it asked;
 * - `run(argv)`: the `tap` CLI through its real entry point, main(), with the runtime and terminal
 *   injected; tests assert on what it prints, writes and exits with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Capture } from './capture';
import { main } from '../../src/cli/main';
import type { Output, Terminal } from '../../src/cli/terminal';
import { requireKnownEnvironment } from '../../src/config/environment';
import { ELB_LOG_DELIVERY_ACCOUNTS } from '../../src/config/regions';
import type { DeployRuntime, PlatformSource, Workspace } from '../../src/operations/runtime';
import { openConnection, prepareConnection, type Connection, type PrepareOptions } from '../../src/operations/connection';
import { deploy, diff, type DeployOptions } from '../../src/operations/deploy';
import type { Answer, OperationEvent, OperationIo, Precondition, Question } from '../../src/operations/operation';
import { sessionFromPort } from '../../src/aws/session';
import type { AwsPort } from '../../src/aws/port';
import { FakeAws, type AccountProfile, type RecordedCall } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { CANARY_NOECHO, fixturePlatform, props } from '../fakes/platform-fixture';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { imageTagParameter } from '../../src/stacks/releases';

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

export interface OperateOptions {
  /** Answers to the operation's questions, in order; when they run out, nobody is there (the question's default). */
  readonly answers?: readonly (Answer | (() => Promise<Answer>))[];
  /** Simulates Ctrl-C when this returns true for a call. */
  readonly interruptWhen?: (call: RecordedCall) => boolean;
  readonly env?: Record<string, string | undefined>;
  readonly environment?: 'dev' | 'prod';
  readonly prepare?: Partial<PrepareOptions>;
}

export interface Operated<O> {
  /** The operation's outcome, or the guard's precondition when the connection did not open. */
  readonly outcome: O | Precondition;
  readonly events: readonly OperationEvent[];
  readonly questions: readonly Question[];
  readonly calls: readonly RecordedCall[];
}

/** `deploy` with these options over the defaults (no --force, nothing allowed, no replace). */
export const deploying = (options: Partial<DeployOptions> = {}) => (c: Connection, io: OperationIo) =>
  deploy(c, io, { force: false, allowReplace: [], replaceFailedStack: false, ...options });

export const diffing = (options: { force?: boolean } = {}) => (c: Connection, io: OperationIo) => diff(c, io, { force: options.force ?? false });

/** The events of one type, typed. */
export function eventsOf<T extends OperationEvent['type']>(events: readonly OperationEvent[], type: T): Extract<OperationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<OperationEvent, { type: T }> => e.type === type);
}

/** Narrows an outcome to the expected type, failing with the outcome itself otherwise. */
export function expectOutcome<O extends { readonly type: string }, T extends O['type']>(outcome: O, type: T): Extract<O, { type: T }> {
  if (outcome.type !== type) throw new Error(`expected outcome ${type}, got ${JSON.stringify(outcome, (_k, v) => (v instanceof Map ? [...v] : v), 2).slice(0, 3000)}`);
  return outcome as Extract<O, { type: T }>;
}

/** The real catalog's services, each at this tag (the fixture platform declares no tag parameters). */
export const imageTagsAt = (tag: string): Record<string, string> => Object.fromEntries(SERVICE_CATALOG.map((service) => [service.name, tag]));

function writeParams(root: string, environment: 'dev' | 'prod'): void {
  const account = ACCOUNTS[environment];
  const document = {
    deployment: { accountId: account, region: 'eu-west-1', stackName: `tap-${environment}`, artifactBucket: `tap-artifacts-${account}-eu-west-1` },
    parameters: { Environment: environment, DataProtection: environment === 'prod' ? 'retain' : 'delete', ApiToken: CANARY_NOECHO },
    imageTags: imageTagsAt('1.0.0'),
    tags: { 'cost-center': 'trading-analytics' },
  };
  fs.writeFileSync(path.join(root, 'params', `${environment}.json`), `${JSON.stringify(document, null, 2)}\n`);
}

/** The root parameters of the image tags a params file gives (`imageTags` by service name). */
const imageTagParameters = (tags: Readonly<Record<string, string>> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(tags).map(([service, tag]) => [imageTagParameter({ name: service }), tag]));

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

/**
 * The workspace a fake runtime prepares: `platform` and params/<name>.json as the loader would give
 * them (root parameters filled so that the fixture or the real root accepts them).
 */
export function fakeWorkspace(root: string, name: string, platform: PlatformSource): Workspace {
  requireKnownEnvironment(root, name);
  const file = JSON.parse(fs.readFileSync(path.join(root, 'params', `${name}.json`), 'utf8'));
  return {
    platform,
    environment: {
      name,
      file: `params/${name}.json`,
      deployment: file.deployment,
      tags: file.tags ?? {},
      imageTags: file.imageTags ?? {},
      stackParameters: rootParameters(platform, {
        ...file.parameters,
        ...REAL_PLATFORM_VALUES,
        ...imageTagParameters(file.imageTags),
        ArtifactBucket: file.deployment.artifactBucket,
        // As the loader sets it (src/config/environment.ts): the ALB's access logs need the Region's principal.
        ElbLogDeliveryAccount: ELB_LOG_DELIVERY_ACCOUNTS[file.deployment.region] ?? '',
      }),
      computedParameters: ['ArtifactBucket', 'ElbLogDeliveryAccount'].filter((key) => platform.templates[0].template.Parameters?.[key]),
      subnets: { publicSubnets: [], privateSubnets: [] },
    },
  };
}

/** An io that records events and questions and answers each question in turn (unattended when none is left). */
export function recordedIo(scripted: readonly (Answer | (() => Promise<Answer>))[] = []): { io: OperationIo; events: OperationEvent[]; questions: Question[] } {
  const events: OperationEvent[] = [];
  const questions: Question[] = [];
  const answers = [...scripted];
  const io: OperationIo = {
    emit: (event) => events.push(event),
    ask: async (question) => {
      questions.push(question);
      const next = answers.shift();
      return next === undefined ? question.whenUnattended : typeof next === 'function' ? next() : next;
    },
  };
  return { io, events, questions };
}

/**
 * The images of the tags the params files give (imageTagsAt('1.0.0')), as CI would have pushed
 * them: deploy looks up the images it would start (src/operations/images.ts). Only a root that
 * takes image tags (the real one) starts images.
 */
export function pushReleasedImages(aws: FakeAws, environment: string, platform: PlatformSource): void {
  const declared = platform.templates[0].template.Parameters ?? {};
  for (const [service, tag] of Object.entries(imageTagsAt('1.0.0'))) {
    if (imageTagParameter({ name: service }) in declared) aws.pushImage(`ecr-${service}-${environment}`, tag);
  }
}

export class Scenario {
  readonly clock = new FakeClock();
  readonly aws: FakeAws;
  readonly root: string;
  readonly environment: 'dev' | 'prod';
  platform: PlatformSource;
  /** Real delays recorded by the retry layer. */
  readonly retryDelays: number[] = [];

  /** Between the fake and the session: a test or `make bench` wraps the raw port (latency, a meter). */
  private readonly wrapPort: (port: AwsPort) => AwsPort;

  constructor(environment: 'dev' | 'prod' = 'dev', options: { bucket?: boolean; images?: boolean; platform?: PlatformSource; callerArn?: string; accountProfile?: AccountProfile; wrapPort?: (port: AwsPort) => AwsPort } = {}) {
    this.environment = environment;
    this.wrapPort = options.wrapPort ?? ((port) => port);
    this.aws = new FakeAws({ clock: this.clock, account: ACCOUNTS[environment], ...(options.callerArn ? { callerArn: options.callerArn } : {}), ...(options.accountProfile ? { accountProfile: options.accountProfile } : {}) });
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-deploy-'));
    fs.mkdirSync(path.join(this.root, 'params'));
    fs.writeFileSync(path.join(this.root, 'package.json'), JSON.stringify({ name: 'tap-infra', version: '0.1.0-test' }));
    writeParams(this.root, 'dev');
    writeParams(this.root, 'prod');
    this.platform = options.platform ?? fixturePlatform();
    // Bootstrapped unless told otherwise: the artifact bucket and the execution role exist.
    if (options.bucket !== false) {
      this.aws.createBucket(`tap-artifacts-${ACCOUNTS[environment]}-eu-west-1`);
      this.aws.accountRoles.add(`role-cfn-exec-tap-${environment}`);
    }
    // `images: false` leaves ECR empty.
    if (options.images !== false) pushReleasedImages(this.aws, environment, this.platform);
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
      prepare: (root, name) => fakeWorkspace(root, name, scenario.platform),
      async connect(region, _env, onRetry, { credentials } = {}) {
        // An assumed role's session: every call is checked against the role's policies (D-17).
        return sessionFromPort(scenario.wrapPort(credentials ? scenario.aws.portFor(credentials) : scenario.aws.port), {
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

  /** Runs an operation on a freshly opened connection, recording its events and questions. */
  async operate<O>(operation: (c: Connection, io: OperationIo) => Promise<O>, options: OperateOptions = {}): Promise<Operated<O>> {
    const { io, events, questions } = recordedIo(options.answers);
    const before = this.aws.calls.length;
    const variables = options.env ?? {};
    try {
      const prepared = prepareConnection(this.runtime(options), this.root, options.environment ?? this.environment, variables, { requireFresh: false, ...options.prepare });
      const opened = await openConnection(prepared, variables, io);
      const outcome = opened.type === 'connected' ? await operation(opened.connection, io) : opened;
      return { outcome, events, questions, calls: this.aws.calls.slice(before) };
    } finally {
      this.aws.onCall = undefined;
    }
  }

  /** Edits this scenario's params file (e.g. a new image tag, a deploy role). */
  editParams(edit: (document: { deployment: Record<string, unknown>; parameters: Record<string, unknown>; imageTags: Record<string, string> }) => void, environment = this.environment): void {
    const file = path.join(this.root, 'params', `${environment}.json`);
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(document);
    fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  }

  stateFile(file: string): string {
    return fs.readFileSync(path.join(this.root, '.tap', this.environment, file), 'utf8');
  }

  hasStateFile(file: string): boolean {
    return fs.existsSync(path.join(this.root, '.tap', this.environment, file));
  }

  /** Deploys the current platform, approved, and asserts success (scenario set-up). */
  async deployed(): Promise<void> {
    const { outcome } = await this.operate(deploying(), { answers: ['yes'] });
    if (outcome.type !== 'deployed' && outcome.type !== 'no-changes') throw new Error(`set-up deploy failed: ${outcome.type}`);
  }
}

export const ops = (calls: readonly RecordedCall[]): string[] => calls.map((c) => c.op);

export const CIRCUIT_BREAKER = 'Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'."';

/**
 * The next deploy changes the frontend service, and its ECS deployment fails (circuit breaker):
 * ECS reports 2 of 3 tasks running, two service events and a stopped task that could not pull
 * its image. For the root cause and ECS diagnosis (D-8).
 */
export function failFrontendDeployment(s: Scenario): void {
  const service = 'tap-cluster/svc-frontend-dev';
  s.aws.ecsServices.set(service, {
    status: 'ACTIVE',
    runningCount: 2,
    desiredCount: 3,
    events: [
      { at: new Date(s.clock.now()), message: '(service svc-frontend-dev) deployment ecs-svc/4521 failed: tasks failed to start.' },
      { at: new Date(s.clock.now() - 60_000), message: '(service svc-frontend-dev) has started 1 tasks: (task 9f1c2d).' },
    ],
  });
  s.aws.stoppedTasks.set(service, [{
    taskArn: 'arn:aws:ecs:eu-west-1:111122223333:task/tap-cluster/9f1c2d7e',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'web', exitCode: 1, reason: 'CannotPullContainerError: ecr-frontend-dev:1.4.2 not found' }],
  }]);
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'Service', reason: CIRCUIT_BREAKER, phase: 'forward' });
  s.platform = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 3;
    props(t, 'services/frontend.json', 'LogGroup')['RetentionInDays'] = 60;
  });
}

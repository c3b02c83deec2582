/**
 * The Secrets Manager rotation protocol, independent of what the secret protects.
 *
 * Secrets Manager starts a rotation by creating version `ClientRequestToken` with the label
 * AWSPENDING and no value, then invokes the function once per step: createSecret, setSecret,
 * testSecret, finishSecret. Any step may be invoked again (retries after a failure or a timeout),
 * so every step checks the state it leaves behind before acting. What "generate", "apply" and
 * "verify" mean for a kind of secret is the strategy's business.
 *
 * Failure semantics: createSecret, setSecret and testSecret never touch AWSCURRENT, so a failure in
 * any of them leaves the secret in use unchanged, and the same token can be retried to completion
 * once the cause is fixed. Only finishSecret moves AWSCURRENT.
 */
import type { Logger } from './log';
import type { RandomPasswordRequest, SecretDescription, SecretsApi } from './secrets-api';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The event Secrets Manager invokes the function with. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export interface RotationValues {
  readonly pending: string;
  readonly current: string;
  /** Absent on a secret's first rotation. */
  readonly previous?: string;
}

/** What a strategy may use besides the values: the step's logger and read access to other secrets. */
export interface StrategyTools {
  readonly log: Logger;
  /** AWSCURRENT SecretString of another secret (e.g. a database admin secret), undefined if it has none. */
  readSecret(secretId: string): Promise<string | undefined>;
}

export interface RotationStrategy {
  /** Names the kind of secret in log lines. */
  readonly kind: string;
  /** JSON fields of the SecretString that hold secret values (kept out of every message). */
  readonly sensitiveFields: readonly string[];
  /** The pending SecretString, derived from the current one. */
  createPending(current: string, randomPassword: (request: RandomPasswordRequest) => Promise<string>): Promise<string>;
  /** Makes the protected system accept the pending value; must be harmless to repeat. Returns what it did. */
  setPending(values: RotationValues, tools: StrategyTools): Promise<string>;
  /** Throws unless the pending value works. Returns what it verified. */
  testPending(values: RotationValues, tools: StrategyTools): Promise<string>;
}

export type StepOutcome =
  | 'created'
  | 'already-created'
  | 'set'
  | 'tested'
  | 'finished'
  /** The token's version already carries AWSCURRENT: the rotation completed earlier. */
  | 'already-current';

export interface StepResult {
  readonly step: RotationStep;
  readonly outcome: StepOutcome;
  /** DescribeSecret as seen at the start of the step (tags say which service to redeploy). */
  readonly secret: SecretDescription;
}

/**
 * A refusal by the rotation code itself (bad event, wrong secret state, a pending value that does
 * not work), as opposed to an AWS or database error. Its message is complete on its own, so it
 * keeps the plain name "Error" and log lines show just the message.
 */
export class RotationError extends Error {}

export function parseStep(step: string): RotationStep {
  const known = ROTATION_STEPS.find((s) => s === step);
  if (!known) throw new RotationError(`unknown rotation step "${step}" (expected one of ${ROTATION_STEPS.join(', ')})`);
  return known;
}

function checkEvent(event: RotationEvent): RotationStep {
  for (const key of ['SecretId', 'ClientRequestToken', 'Step'] as const) {
    if (typeof event[key] !== 'string' || event[key] === '') throw new RotationError(`event.${key} must be a non-empty string`);
  }
  return parseStep(event.Step);
}

export async function runRotationStep(
  event: RotationEvent,
  secrets: SecretsApi,
  strategy: RotationStrategy,
  log: Logger,
): Promise<StepResult> {
  const step = checkEvent(event);
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const secret = await secrets.describe(secretId);
  if (!secret.rotationEnabled) throw new RotationError(`rotation is not enabled for secret ${secret.arn}`);
  const stages = secret.versions[token];
  if (!stages) throw new RotationError(`ClientRequestToken ${token} is not a version of secret ${secret.arn}`);
  if (stages.includes('AWSCURRENT')) {
    log.info('version is already AWSCURRENT: this rotation completed earlier', { outcome: 'already-current' });
    return { step, outcome: 'already-current', secret };
  }
  if (!stages.includes('AWSPENDING')) {
    throw new RotationError(`version ${token} of secret ${secret.arn} is not AWSPENDING (labels: ${stages.join(', ') || 'none'}); it is not being rotated`);
  }

  const outcome = await STEPS[step]({ secretId, token, secret, secrets, strategy, log });
  log.info(`${step} done`, { outcome });
  return { step, outcome, secret };
}

interface StepContext {
  readonly secretId: string;
  readonly token: string;
  readonly secret: SecretDescription;
  readonly secrets: SecretsApi;
  readonly strategy: RotationStrategy;
  readonly log: Logger;
}

async function currentValue({ secrets, secretId, secret }: StepContext): Promise<string> {
  const value = await secrets.getValue(secretId, 'AWSCURRENT');
  if (value === undefined) throw new RotationError(`secret ${secret.arn} has no AWSCURRENT value`);
  return value;
}

async function pendingValue({ secrets, secretId, token, secret }: StepContext): Promise<string> {
  const value = await secrets.getValue(secretId, 'AWSPENDING', token);
  if (value === undefined) {
    throw new RotationError(`version ${token} of secret ${secret.arn} has no value yet; createSecret must run first`);
  }
  return value;
}

function toolsFor({ log, secrets }: StepContext): StrategyTools {
  return { log, readSecret: (secretId) => secrets.getValue(secretId, 'AWSCURRENT') };
}

async function rotationValues(context: StepContext, withPrevious: boolean): Promise<RotationValues> {
  const [pending, current, previous] = await Promise.all([
    pendingValue(context),
    currentValue(context),
    withPrevious ? context.secrets.getValue(context.secretId, 'AWSPREVIOUS') : Promise.resolve(undefined),
  ]);
  return previous === undefined ? { pending, current } : { pending, current, previous };
}

const STEPS: Readonly<Record<RotationStep, (context: StepContext) => Promise<StepOutcome>>> = {
  async createSecret(context) {
    const current = await currentValue(context);
    // A retry after a successful PutSecretValue must not generate a second value: setSecret may
    // already have applied the first one.
    if ((await context.secrets.getValue(context.secretId, 'AWSPENDING', context.token)) !== undefined) {
      return 'already-created';
    }
    const pending = await context.strategy.createPending(current, (request) => context.secrets.randomPassword(request));
    await context.secrets.putPendingValue(context.secretId, context.token, pending);
    return 'created';
  },

  async setSecret(context) {
    const detail = await context.strategy.setPending(await rotationValues(context, true), toolsFor(context));
    context.log.info(detail);
    return 'set';
  },

  async testSecret(context) {
    const detail = await context.strategy.testPending(await rotationValues(context, false), toolsFor(context));
    context.log.info(detail);
    return 'tested';
  },

  async finishSecret(context) {
    const { secrets, secretId, token, secret } = context;
    const current = Object.entries(secret.versions).find(([, labels]) => labels.includes('AWSCURRENT'));
    if (!current) throw new RotationError(`no version of secret ${secret.arn} carries AWSCURRENT`);
    // Secrets Manager invokes finishSecret only after testSecret passed, but a step can be invoked
    // by hand: AWSCURRENT must never move to the value-less version RotateSecret created.
    await pendingValue(context);
    // RemoveFromVersionId is mandatory when moving AWSCURRENT; the version it leaves becomes
    // AWSPREVIOUS automatically. AWSPENDING stays on the token version, which Secrets Manager
    // accepts as a completed rotation (AWSPENDING and AWSCURRENT on the same version).
    await secrets.moveCurrent(secretId, token, current[0]);
    return 'finished';
  },
};

/**
 * One rotation function = the protocol + a strategy + the ECS redeploy after finishSecret, wired to
 * the real SDK clients, with every log line and error message scrubbed of secret values.
 */
import { redeployAfterRotation, sdkEcsApi, type EcsApi } from './ecs-redeploy';
import { consoleLogger, errorMessage, withFields, type Logger } from './log';
import { runRotationStep, type RotationEvent, type RotationStrategy, type StepResult } from './protocol';
import { redactingLogger, redactingSecretsApi, Redactor } from './redact';
import { sdkSecretsApi, type SecretsApi } from './secrets-api';

export interface RotationDeps {
  readonly secrets: SecretsApi;
  readonly ecs: EcsApi;
  readonly log: Logger;
}

/** What Lambda reports to Secrets Manager when a step fails (already scrubbed of secret values). */
export class RotationStepFailed extends Error {
  override readonly name = 'RotationStepFailed';
}

export async function handleRotationEvent(event: RotationEvent, strategy: RotationStrategy, deps: RotationDeps): Promise<StepResult> {
  const redactor = new Redactor();
  const secrets = redactingSecretsApi(deps.secrets, redactor, strategy.sensitiveFields);
  const log = redactingLogger(
    withFields(deps.log, { kind: strategy.kind, step: event.Step, secretArn: event.SecretId, token: event.ClientRequestToken }),
    redactor,
  );
  try {
    log.info('step started');
    const result = await runRotationStep(event, secrets, strategy, log);
    // Also when the token is already AWSCURRENT: a finishSecret retried after a timeout cannot
    // know whether the first attempt got as far as the redeploy. A second forced deployment only
    // replaces tasks again; a missing one leaves tasks with a password that no longer works.
    if (result.step === 'finishSecret') await redeployAfterRotation(result.secret, deps.ecs, log);
    return result;
  } catch (error) {
    // The original error is not rethrown: its message or stack may quote a value (JSON.parse,
    // driver errors), and Lambda logs whatever the handler throws.
    const message = redactor.redact(errorMessage(error));
    log.error('rotation step failed; AWSCURRENT is unchanged and the step can be retried', { error: message });
    throw new RotationStepFailed(`${event.Step} failed for ${event.SecretId}: ${message}`);
  }
}

/**
 * The Lambda handler for a strategy. SDK clients are created per invocation, so endpoint settings
 * (`SECRETS_MANAGER_ENDPOINT`, `AWS_ENDPOINT_URL`) are read when the function runs; rotation is
 * four invocations every 90 days, so connection reuse across invocations is not worth a cache.
 */
export function rotationHandler(strategy: RotationStrategy): (event: RotationEvent) => Promise<void> {
  return async (event) => {
    await handleRotationEvent(event, strategy, { secrets: sdkSecretsApi(), ecs: sdkEcsApi(), log: consoleLogger });
  };
}

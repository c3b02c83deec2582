/**
 * After finishSecret: roll the ECS service that uses the secret. ECS injects secrets into a task's
 * environment when the task starts, so running tasks keep the old value until they are replaced.
 *
 * The secret names its service with two tags, `tap:ecs-cluster` and `tap:ecs-service`. The rotation
 * is already complete when this runs, so a failure here is reported (a WARN line with the command
 * an operator can run) and never undoes or fails the rotation.
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { errorMessage, type Logger } from './log';

export const CLUSTER_TAG = 'tap:ecs-cluster';
export const SERVICE_TAG = 'tap:ecs-service';

export interface EcsApi {
  /** UpdateService(forceNewDeployment); returns the id of the deployment ECS started, when it says. */
  forceNewDeployment(cluster: string, service: string): Promise<string | undefined>;
}

export interface RedeployTarget {
  readonly cluster: string;
  readonly service: string;
}

export type RedeployOutcome = 'redeployed' | 'no-target' | 'not-created-yet' | 'failed';

/**
 * The client gives up well within the function's timeout (2 attempts, 5 s per request) so that a
 * slow ECS API ends in the logged warning, not in a function timeout that Secrets Manager would
 * report as a failed finishSecret.
 */
export function ecsClient(): ECSClient {
  return new ECSClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 } });
}

export function sdkEcsApi(client: ECSClient = ecsClient()): EcsApi {
  return {
    async forceNewDeployment(cluster, service) {
      const out = await client.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
      return out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    },
  };
}

/** The service to roll, from the secret's tags; undefined unless both tags are set. */
export function redeployTarget(tags: Readonly<Record<string, string>>): RedeployTarget | undefined {
  const cluster = tags[CLUSTER_TAG];
  const service = tags[SERVICE_TAG];
  return cluster && service ? { cluster, service } : undefined;
}

/** The region of a Secrets Manager ARN (arn:aws:secretsmanager:<region>:...), for the operator's command. */
function regionOf(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region ? region : undefined;
}

export function redeployCommand(target: RedeployTarget, secretArn: string): string {
  const region = regionOf(secretArn);
  return `aws ecs update-service --cluster ${target.cluster} --service ${target.service} --force-new-deployment${region ? ` --region ${region}` : ''}`;
}

export async function redeployAfterRotation(
  secret: { readonly arn: string; readonly tags: Readonly<Record<string, string>> },
  ecs: EcsApi,
  log: Logger,
): Promise<RedeployOutcome> {
  const target = redeployTarget(secret.tags);
  if (!target) {
    const partial = secret.tags[CLUSTER_TAG] || secret.tags[SERVICE_TAG];
    const message = partial
      ? `only one of the tags ${CLUSTER_TAG} and ${SERVICE_TAG} is set; no ECS service redeployed`
      : `no ${CLUSTER_TAG}/${SERVICE_TAG} tags; no ECS service to redeploy`;
    if (partial) log.warn(message, { redeploy: 'no-target' });
    else log.info(message, { redeploy: 'no-target' });
    return 'no-target';
  }
  try {
    const deploymentId = await ecs.forceNewDeployment(target.cluster, target.service);
    log.info('ECS service redeployed so its tasks start with the new secret value', {
      redeploy: 'redeployed', cluster: target.cluster, service: target.service, deploymentId,
    });
    return 'redeployed';
  } catch (error) {
    // On a new environment the first rotation runs while CloudFormation is still creating the
    // service: its tasks will read the new value when they start, so there is nothing to roll.
    if (error instanceof Error && error.name === 'ServiceNotFoundException') {
      log.info('ECS service does not exist yet; its tasks will read the new value when they start', {
        redeploy: 'not-created-yet', cluster: target.cluster, service: target.service,
      });
      return 'not-created-yet';
    }
    log.warn('rotation is complete but the ECS service was NOT redeployed; its running tasks still hold the old value. Run the command in "operatorCommand"', {
      redeploy: 'failed',
      cluster: target.cluster,
      service: target.service,
      error: errorMessage(error),
      operatorCommand: redeployCommand(target, secret.arn),
    });
    return 'failed';
  }
}

/**
 * Who acts in AWS (D-17), for the plan, the deploy and the tests: the deploy role the commands
 * that change the platform assume when params/<env>.json names one (standard credential chain
 * otherwise), and the CloudFormation execution role every platform change set names as RoleARN.
 * Both roles are the bootstrap stack's; their ARNs follow from the params file alone.
 */
import type { EnvironmentConfig } from '../config/environment';
import { bootstrapRoleArn, DEPLOY_ROLE_NAME, EXECUTION_ROLE_NAME } from '../stacks/bootstrap';

/** The toolkit's regions are all in the commercial partition (src/config/regions.ts). */
const PARTITION = 'aws';

const roleOf = (name: string, env: Pick<EnvironmentConfig, 'name' | 'deployment'>): string =>
  bootstrapRoleArn(name, { partition: PARTITION, accountId: env.deployment.accountId, name: env.name });

/** The CloudFormation execution role of the environment (`role-cfn-exec-tap-<env>`). */
export const executionRoleArn = (env: Pick<EnvironmentConfig, 'name' | 'deployment'>): string => roleOf(EXECUTION_ROLE_NAME, env);

/** The deploy role `make bootstrap` creates (`role-deploy-tap-<env>`). */
export const bootstrapDeployRoleArn = (env: Pick<EnvironmentConfig, 'name' | 'deployment'>): string => roleOf(DEPLOY_ROLE_NAME, env);

/** STS session names allow letters, digits and `+=,.@-`, 2-64 characters (AssumeRole API reference). */
export const deploySessionName = (environment: string, now: number): string => `tap-${environment}-${now}`.slice(0, 64);

/**
 * The permission model of assumed roles (D-17): a session from AssumeRole gets a port whose every
 * call is checked against the role's identity-based policies as deployed (iam.ts `rolePolicies`,
 * evaluated by ../iam-policy.ts), so a call the role may not make is AccessDenied, worded as IAM
 * words it ("User: <session> is not authorized to perform: <action> on resource: <resource>
 * because no identity-based policy allows the <action> action":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 *
 * Each port call is the action and resource of the Service Authorization Reference (as cfn-lint
 * ships it: .venv/.../cfnlint/data/AdditionalSpecs/Policies.json), with the request context keys
 * the toolkit's policies condition on:
 * - CloudFormation reads a TemplateURL with the caller's permissions (s3:GetObject), and
 *   CreateChangeSet with RoleARN needs iam:PassRole on it with iam:PassedToService
 *   cloudformation.amazonaws.com (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html).
 * - GetCallerIdentity needs no permission (STS API reference).
 */
import type { CreateChangeSetRequest } from '../../../src/aws/port';
import { decide, type PolicyRequest } from '../iam-policy';
import type { FakeCloudFormation } from './cloudformation';
import { awsError, type FakeCore } from './core';
import type { FakeIam, FakeSession } from './iam';
import type { FakeS3 } from './s3';

export class PermissionModel {
  /** Calls the permission model refused: what was asked, as which role. */
  readonly denials: { readonly op: string; readonly role: string; readonly action: string; readonly resource: string }[] = [];

  constructor(private readonly core: FakeCore, private readonly cfn: FakeCloudFormation, private readonly s3: FakeS3, private readonly iam: FakeIam) {}

  private stackArnOf(nameOrId: string): string {
    if (nameOrId.startsWith('arn:')) return nameOrId;
    return this.cfn.stacks.find(nameOrId)?.stackId ?? `arn:aws:cloudformation:${this.core.region}:${this.core.account}:stack/${nameOrId}/*`;
  }

  private requests(op: string, args: readonly unknown[]): PolicyRequest[] {
    const cfn = (action: string, stack: string): PolicyRequest => ({ action: `cloudformation:${action}`, resource: this.stackArnOf(stack) });
    const changeSetStack = (id: unknown) => this.cfn.changeSets.all.get(String(id))?.stackId ?? `arn:aws:cloudformation:${this.core.region}:${this.core.account}:stack/*`;
    const object = (bucket: unknown, key: unknown) => `arn:aws:s3:::${String(bucket)}/${String(key)}`;
    switch (op) {
      case 'sts.configuredRegion':
      case 'sts.callerIdentity':
        return []; // GetCallerIdentity needs no permission (STS API reference).
      case 'sts.assumeRole':
        return [{ action: 'sts:AssumeRole', resource: String(args[0]) }];
      case 's3.headBucket':
        return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${String(args[0])}` }];
      case 's3.headObject':
      case 's3.getObject': // D-18 promotion. HeadObject needs s3:GetObject too: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
        return [{ action: 's3:GetObject', resource: object(args[0], args[1]) }];
      case 's3.putObject':
        return [{ action: 's3:PutObject', resource: object(args[0], args[1]) }];
      case 's3.listObjectVersions':
        return [{ action: 's3:ListBucketVersions', resource: `arn:aws:s3:::${String(args[0])}` }];
      case 's3.deleteObjects':
        return [{ action: 's3:DeleteObject', resource: `arn:aws:s3:::${String(args[0])}/*` }];
      case 'cfn.createChangeSet': {
        const request = args[0] as CreateChangeSetRequest;
        return [
          cfn('CreateChangeSet', request.stackName),
          // CloudFormation reads a TemplateURL with the caller's permissions.
          ...('url' in request.template ? [{ action: 's3:GetObject', resource: this.s3.objectArnOfUrl(request.template.url) }] : []),
          ...(request.roleArn ? [{ action: 'iam:PassRole', resource: request.roleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }] : []),
        ];
      }
      case 'cfn.describeChangeSet':
        return [{ action: 'cloudformation:DescribeChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.executeChangeSet':
        return [{ action: 'cloudformation:ExecuteChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.deleteChangeSet':
        return [{ action: 'cloudformation:DeleteChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.describeStack': return [cfn('DescribeStacks', String(args[0]))];
      case 'cfn.getTemplate': return [cfn('GetTemplate', String(args[0]))];
      case 'cfn.deleteStack': return [cfn('DeleteStack', String(args[0]))];
      case 'cfn.describeStackEvents': return [cfn('DescribeStackEvents', String(args[0]))];
      case 'cfn.listStackResources': return [cfn('ListStackResources', String(args[0]))];
      case 'cfn.getStackPolicy': return [cfn('GetStackPolicy', String(args[0]))];
      case 'cfn.setStackPolicy': return [cfn('SetStackPolicy', String(args[0]))];
      case 'cfn.updateTerminationProtection': return [cfn('UpdateTerminationProtection', String(args[0]))];
      case 'cfn.continueUpdateRollback': return [cfn('ContinueUpdateRollback', String(args[0]))];
      case 'cfn.detectStackDrift': return [cfn('DetectStackDrift', String(args[0]))];
      case 'cfn.describeStackDriftDetectionStatus': return [{ action: 'cloudformation:DescribeStackDriftDetectionStatus', resource: '*' }];
      case 'cfn.describeStackResourceDrifts': return [cfn('DescribeStackResourceDrifts', String(args[0]))];
      case 'ecs.describeService':
        return [{ action: 'ecs:DescribeServices', resource: `arn:aws:ecs:${this.core.region}:${this.core.account}:service/${String(args[0])}/${String(args[1])}` }];
      case 'ecs.listStoppedTasks':
        return [{ action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': `arn:aws:ecs:${this.core.region}:${this.core.account}:cluster/${String(args[0])}` } }];
      case 'ecs.describeTasks':
        return (args[1] as string[]).map((arn) => ({ action: 'ecs:DescribeTasks', resource: arn }));
      case 'ecr.describeImage': {
        const request = args[0] as { registryId: string; repository: string };
        return [{ action: 'ecr:DescribeImages', resource: `arn:aws:ecr:${this.core.region}:${request.registryId}:repository/${request.repository}` }];
      }
      case 'iam.roleExists':
        return [{ action: 'iam:GetRole', resource: `arn:aws:iam::${this.core.account}:role/${String(args[0])}` }];
      case 'iam.oidcProviderExists':
        return [{ action: 'iam:GetOpenIDConnectProvider', resource: String(args[0]) }];
      case 'secrets.forceDeleteSecret':
        return [{ action: 'secretsmanager:DeleteSecret', resource: String(args[0]) }];
      case 'cfn.listChangeSets': return [cfn('ListChangeSets', String(args[0]))];
      default:
        throw new Error(`fake: no permission model for ${op}`);
    }
  }

  /** Throws AccessDenied, as IAM words it, unless the session's role allows every request of the call. */
  authorize(session: FakeSession, op: string, args: readonly unknown[]): void {
    const documents = this.iam.rolePolicies(session.roleName);
    for (const request of this.requests(op, args)) {
      if (decide(documents, request) === 'allowed') continue;
      this.denials.push({ op, role: session.roleName, action: request.action, resource: request.resource });
      throw awsError('AccessDenied', `User: ${this.iam.sessionArn(session)} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`, op, 403);
    }
  }
}

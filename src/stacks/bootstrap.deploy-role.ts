/**
 * The deploy role (D-17): what people and CI assume to run deploy, diff and release, and nothing
 * more. Its policy is written from what those commands call (every call of the AWS port they
 * make, checked one by one against this policy by the fake AWS's permission model in
 * test/operations/deploy-role.test.ts):
 *
 * - CloudFormation change-set operations and reads on this environment's stacks (the root and its
 *   nested stacks, `<stack>` and `<stack>-*`), DeleteStack for a failed first create, the stack
 *   policy and termination protection of prod's data protection; never the bootstrap stack;
 * - the artifact bucket: list, read and write objects (packaging uploads what is missing);
 * - iam:PassRole on the execution role only, to CloudFormation (the RoleARN of every change set);
 * - ECR DescribeImages on the environment's repositories (release checks the image first), and the
 *   ECS reads a failed deployment's diagnosis makes.
 *
 * Who may assume it: principals of the account whose own policies allow it (people, through SSO
 * or their IAM roles), and, when params/<env>.json lists `deployment.githubOidc.subjects`, GitHub
 * Actions workflows with exactly those subjects through the account's GitHub OIDC provider (AWS,
 * "Configuring a role for GitHub OIDC identity provider":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).
 */
import { Fn, NO_VALUE, sub, type Value } from '../cfn/fn';
import type { PolicyStatement } from '../cfn/iam';
import { scopeOf, type PlatformTemplate } from './bootstrap.execution-role';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
export const GITHUB_OIDC_CONDITION = 'TrustGitHubOidc';

/** The GitHub OIDC provider's ARN in this account (IAM names it after its URL's host). */
export const githubOidcProviderArn = (partition: string, account: string): string => `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;

const STACKS = ['arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${PlatformStackName}/*', 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${PlatformStackName}-*/*'];
const BOOTSTRAP_STACK = 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${PlatformStackName}-bootstrap/*';

/** The deploy role's permissions; `executionRoleArn` is what it may pass. */
export function deployRoleStatements(templates: readonly PlatformTemplate[], executionRoleArn: Value<string>): PolicyStatement[] {
  const subs = (values: readonly string[]) => values.map((v) => sub(v));
  const cluster = scopeOf('ecs:cluster', templates);
  return [
    {
      Sid: 'ChangeSetsOnTheEnvironmentsStacks',
      Effect: 'Allow',
      Action: [
        'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:ListChangeSets',
        'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources',
        'cloudformation:GetStackPolicy', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateTerminationProtection', 'cloudformation:DeleteStack',
      ],
      Resource: subs(STACKS),
    },
    // `<stack>-*` also matches `<stack>-bootstrap`, which only `make bootstrap` (with the account's own credentials) changes.
    { Sid: 'NotTheBootstrapStack', Effect: 'Deny', Action: ['cloudformation:*'], Resource: [sub(BOOTSTRAP_STACK)] },
    { Sid: 'ListTheArtifactBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [Fn.GetAtt('ArtifactBucket', 'Arn')] },
    { Sid: 'ReadAndWriteArtifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [sub('${ArtifactBucket.Arn}/*')] },
    { Sid: 'PassTheExecutionRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [executionRoleArn], Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } },
    { Sid: 'CheckReleaseImages', Effect: 'Allow', Action: ['ecr:DescribeImages'], Resource: subs(scopeOf('ecr:repository', templates)) },
    { Sid: 'DiagnoseServices', Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: subs(scopeOf('ecs:service', templates)) },
    { Sid: 'DiagnoseStoppedTasks', Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: subs(cluster.map((arn) => `${arn.replace(':cluster/', ':task/')}/*`)) },
    { Sid: 'ListStoppedTasks', Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': subs(cluster) } } },
  ];
}

/** Who may assume the deploy role: the account's principals, and GitHub workflows when configured. */
export function deployRoleTrust() {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'PrincipalsOfTheAccount', Effect: 'Allow', Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') }, Action: 'sts:AssumeRole' },
      Fn.If(GITHUB_OIDC_CONDITION, {
        Sid: 'NamedGitHubWorkflows',
        Effect: 'Allow',
        Principal: { Federated: sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC_HOST}`) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: Fn.Ref('GitHubOidcSubjects'),
          },
        },
      }, NO_VALUE),
    ],
  };
}

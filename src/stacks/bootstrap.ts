/**
 * bootstrap stack (D-1, D-17): the artifact bucket the deploy pipeline uploads packaged templates
 * and Lambda code to, and the roles deploys run as. Deployed on its own, before the platform, as
 * `<stackName>-bootstrap`, by `tap bootstrap --env X` (`make bootstrap ENV=X`), with the account's
 * own (administrator) credentials: it creates IAM roles.
 *
 * Roles (D-17), named so the deploy and CI know their ARNs without a lookup:
 * - `role-cfn-exec-tap-<env>`, the CloudFormation execution role every change set of the platform
 *   names as RoleARN: permissions derived from the rendered platform templates
 *   (bootstrap.execution-role.ts), in managed policies;
 * - `role-deploy-tap-<env>`, the deploy role people and CI assume (bootstrap.deploy-role.ts),
 *   optionally trusted by named GitHub Actions workflows through the account's OIDC provider
 *   (created here when the account lacks it);
 * - the ECS service-linked role, created here when the account lacks it: new accounts do, and an
 *   ECS cluster cannot be created without it (cloudformation-coverage-roadmap#818); creating it
 *   where it exists fails ("Service role name AWSServiceRoleForECS has been taken in this
 *   account", bcgov/startup-sample-project-aws-containers#13), so `tap bootstrap` looks first
 *   (IAM GetRole through the port) and passes CreateEcsServiceLinkedRole. Both account-wide
 *   resources are retained when the stack goes: other environments of the account rely on them.
 *
 * - Named from the params file (`deployment.artifactBucket`), so every environment's pipeline
 *   knows it without a lookup.
 * - SSE-S3 encryption: CloudFormation reads nested templates from it with the deployer's
 *   credentials and needs no KMS grant.
 * - Versioned; all four public-access blocks; object ownership enforced (no ACLs); a bucket policy
 *   that denies any request without TLS.
 * - Lifecycle: objects expire after 90 days (content-addressed keys are re-uploaded when used
 *   again), noncurrent versions after 7 days, incomplete multipart uploads after 1 day.
 * - Retained when DataProtection=retain (prod), deleted otherwise: deployed on its own, with plain
 *   parameters, it is the one stack where the AWS::LanguageExtensions transform is documented safe
 *   (StackSpec.standalone); every nested stack retains statically (src/cfn/stateful.ts).
 *
 * In:  Environment, DataProtection, ArtifactBucketName, PlatformStackName, GitHubOidc,
 *      GitHubOidcSubjects, CreateGitHubOidcProvider, CreateEcsServiceLinkedRole.
 * Out: ArtifactBucketName (exported as `<stack name>-ArtifactBucketName`), ArtifactBucketArn,
 *      ExecutionRoleArn, DeployRoleArn.
 */
import S3 from 'cloudform-types/types/s3';
import IAM from 'cloudform-types/types/iam';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub } from '../cfn/fn';
import { defineStack, type ParameterSpecs } from '../cfn/stack';
import { exemptFromScan } from '../cfn/scan-exemptions';
import { dataProtectionParameter, environmentParameter, retainCondition } from '../cfn/parameters';
import { OidcProvider, withRetentionPolicies } from '../cfn/cloudform-extensions';
import { STATEFUL_RETENTION } from '../cfn/stateful';
import { nameTemplate } from '../cfn/names';
import { PROJECT } from '../catalog/platform';
import { policyDocument, provenBy, serviceTrustPolicy } from '../cfn/iam';
import { executionRoleStatements, packStatements, type PlatformTemplate } from './bootstrap.execution-role';
import { deployRoleStatements, deployRoleTrust, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_CONDITION, GITHUB_OIDC_HOST } from './bootstrap.deploy-role';

export const ARTIFACT_EXPIRY_DAYS = 90;
export const NONCURRENT_VERSION_EXPIRY_DAYS = 7;
export const ABORT_MULTIPART_DAYS = 1;

/**
 * The roles are scoped to the nested stacks named after the platform stack
 * (`<stack>-<LogicalId>-<random>`). CloudFormation shortens long names when it names nested
 * stacks (observed, not documented: a 45-character root kept 43 characters in
 * aws/aws-parallelcluster#6138), so the platform stack's name is kept well below that.
 */
export const PLATFORM_STACK_NAME_MAX = 40;

export const bootstrapParameters = {
  Environment: environmentParameter,
  DataProtection: dataProtectionParameter,
  ArtifactBucketName: {
    Type: 'String',
    Description: 'Name of the artifact bucket (deployment.artifactBucket in params/<env>.json)',
    AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    ConstraintDescription: 'an S3 bucket name: 3-63 lower-case letters, digits, dots or hyphens',
  },
  PlatformStackName: {
    Type: 'String',
    Description: 'The platform\'s root stack (deployment.stackName): the stacks the roles act on',
    AllowedPattern: `^[a-zA-Z][-a-zA-Z0-9]{0,${PLATFORM_STACK_NAME_MAX - 1}}$`,
    ConstraintDescription: `a stack name of at most ${PLATFORM_STACK_NAME_MAX} characters`,
  },
  GitHubOidc: {
    Type: 'String',
    Description: 'enabled: the deploy role trusts the GitHub Actions workflows of GitHubOidcSubjects',
    AllowedValues: ['enabled', 'disabled'],
    Default: 'disabled',
  },
  GitHubOidcSubjects: {
    Type: 'CommaDelimitedList',
    Description: 'Exact GitHub OIDC subjects (repo:<owner>/<repo>:<context>) the deploy role trusts (deployment.githubOidc.subjects)',
    Default: '',
  },
  CreateGitHubOidcProvider: {
    Type: 'String',
    Description: 'true when the account has no GitHub OIDC provider yet (tap bootstrap looks)',
    AllowedValues: ['true', 'false'],
    Default: 'false',
  },
  CreateEcsServiceLinkedRole: {
    Type: 'String',
    Description: 'true when the account has no ECS service-linked role yet (tap bootstrap looks)',
    AllowedValues: ['true', 'false'],
    Default: 'false',
  },
} as const satisfies ParameterSpecs;

/** `role-cfn-exec-tap-<env>`: the CloudFormation execution role (RoleARN of every platform change set). */
export const EXECUTION_ROLE_NAME = nameTemplate('role-cfn-exec', PROJECT);
/** `role-deploy-tap-<env>`: the role deploy, diff and release assume. */
export const DEPLOY_ROLE_NAME = nameTemplate('role-deploy', PROJECT);

/** The ARN of a bootstrap role for an environment (the roles keep IAM's default path `/`). */
export const bootstrapRoleArn = (nameTemplateText: string, environment: { partition: string; accountId: string; name: string }): string =>
  `arn:${environment.partition}:iam::${environment.accountId}:role/${nameTemplateText.replace('${Environment}', environment.name)}`;

const CREATE_OIDC_PROVIDER = 'CreateGitHubOidcProvider';
const CREATE_ECS_LINKED_ROLE = 'CreateEcsServiceLinkedRole';

/** Export name of the bucket-name output, for stacks or tools that import it. */
export const ARTIFACT_BUCKET_EXPORT = '${AWS::StackName}-ArtifactBucketName';

/** The bootstrap stack's name for a platform stack name. */
export const bootstrapStackName = (platformStackName: string): string => `${platformStackName}-bootstrap`;

/**
 * checkov's write-access check (CKV_AWS_111) flags the statements on "*": writes of services whose
 * resources CloudFormation names with generated ids, or that have no resource-level permission.
 * The packing moves statements between policies, so each policy carries the exemption.
 */
const EXECUTION_POLICY_EXEMPTION = {
  check: 'CKV_AWS_111',
  reason: 'The CloudFormation execution role writes what the templates create: actions from the resource schemas, scoped to the environment\'s names where the templates name resources; "*" only where IAM has no resource-level permission for the action or the names are generated (src/stacks/bootstrap.execution-role.ts)',
};

/**
 * The bootstrap stack for the platform `platform` (its rendered templates, root tree only): the
 * execution role's permissions are derived from them.
 */
export function buildBootstrap(platform: readonly PlatformTemplate[]) {
  const bucket = exemptFromScan(new S3.Bucket({
    BucketName: Fn.Ref('ArtifactBucketName'),
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }],
    },
    VersioningConfiguration: { Status: 'Enabled' },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    LifecycleConfiguration: {
      Rules: [
        {
          Id: `expire-artifacts-after-${ARTIFACT_EXPIRY_DAYS}-days`,
          Status: 'Enabled',
          ExpirationInDays: ARTIFACT_EXPIRY_DAYS,
          NoncurrentVersionExpirationInDays: NONCURRENT_VERSION_EXPIRY_DAYS,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_MULTIPART_DAYS },
        },
      ],
    },
  }), [{
    check: 'CKV_AWS_18',
    reason: 'Holds only content-addressed build outputs that can be rebuilt from git; who deployed what is in CloudTrail, and server access logs would need yet another bucket',
  }]);

  const policy = new S3.BucketPolicy({
    Bucket: Fn.Ref('ArtifactBucket'),
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [Fn.GetAtt('ArtifactBucket', 'Arn'), sub('${ArtifactBucket.Arn}/*')],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  });

  const executionRoleArn = Fn.GetAtt('ExecutionRole', 'Arn');
  const executionRole = new IAM.Role({
    RoleName: sub(EXECUTION_ROLE_NAME),
    Description: 'CloudFormation execution role of the platform stacks (RoleARN of every change set tap creates)',
    AssumeRolePolicyDocument: serviceTrustPolicy('cloudformation.amazonaws.com', { pinAccount: false }),
    MaxSessionDuration: 3600,
  });
  const executionPolicies: Record<string, ResourceBase> = {};
  packStatements(executionRoleStatements(platform, executionRoleArn)).forEach((statements, index) => {
    executionPolicies[`ExecutionPolicy${index + 1}`] = provenBy(exemptFromScan(new IAM.ManagedPolicy({
      Description: sub(`Part ${index + 1} of the CloudFormation execution role's permissions for \${PlatformStackName}, derived from the platform templates`),
      Roles: [Fn.Ref('ExecutionRole')],
      PolicyDocument: policyDocument(statements),
    }), [EXECUTION_POLICY_EXEMPTION]), 'test/stacks/execution-role.test.ts');
  });
  const deployRole = provenBy(new IAM.Role({
    RoleName: sub(DEPLOY_ROLE_NAME),
    Description: 'Role people and CI assume to run tap deploy, diff and release on this environment',
    AssumeRolePolicyDocument: deployRoleTrust(),
    MaxSessionDuration: 3600,
    Policies: [{ PolicyName: 'deploy', PolicyDocument: policyDocument(deployRoleStatements(platform, executionRoleArn)) }],
  }), 'test/operations/deploy-role.test.ts');
  const githubProvider = withRetentionPolicies(new OidcProvider({ Url: `https://${GITHUB_OIDC_HOST}`, ClientIdList: [GITHUB_OIDC_AUDIENCE] }), STATEFUL_RETENTION);
  githubProvider.Condition = CREATE_OIDC_PROVIDER;
  const ecsLinkedRole = withRetentionPolicies(new IAM.ServiceLinkedRole({
    AWSServiceName: 'ecs.amazonaws.com',
    Description: 'ECS service-linked role, created by the TAP bootstrap because the account had none',
  }), STATEFUL_RETENTION);
  ecsLinkedRole.Condition = CREATE_ECS_LINKED_ROLE;

  return defineStack({
    name: 'bootstrap',
    description: 'TAP bootstrap: the artifact bucket for packaged templates and Lambda code, the CloudFormation execution role and the deploy role (generated by src/stacks/bootstrap.ts)',
    service: 'bootstrap',
    standalone: true,
    parameters: bootstrapParameters,
    conditions: {
      ...retainCondition,
      [GITHUB_OIDC_CONDITION]: Fn.Equals(Fn.Ref('GitHubOidc'), 'enabled'),
      [CREATE_OIDC_PROVIDER]: Fn.Equals(Fn.Ref(CREATE_OIDC_PROVIDER), 'true'),
      [CREATE_ECS_LINKED_ROLE]: Fn.Equals(Fn.Ref(CREATE_ECS_LINKED_ROLE), 'true'),
    },
    resources: {
      ArtifactBucket: bucket,
      ArtifactBucketPolicy: policy,
      ExecutionRole: executionRole,
      ...executionPolicies,
      DeployRole: deployRole,
      GitHubOidcProvider: githubProvider,
      EcsServiceLinkedRole: ecsLinkedRole,
    },
    outputs: {
      ArtifactBucketName: {
        Description: 'Artifact bucket; `tap deploy` uploads packaged templates and Lambda code here',
        Value: Fn.Ref('ArtifactBucket'),
        Export: { Name: sub(ARTIFACT_BUCKET_EXPORT) },
      },
      ArtifactBucketArn: {
        Description: 'ARN of the artifact bucket, for IAM policies of CI deployer roles',
        Value: Fn.GetAtt('ArtifactBucket', 'Arn'),
      },
      ExecutionRoleArn: {
        Description: 'CloudFormation execution role; `tap deploy` passes it as RoleARN on every change set',
        Value: executionRoleArn,
      },
      DeployRoleArn: {
        Description: 'Role to assume for deploy, diff and release; for CI (deployment.deployRoleArn, GitHub OIDC) and operators',
        Value: Fn.GetAtt('DeployRole', 'Arn'),
      },
    },
  });
}

/**
 * cluster stack (P-ECS, P-ALB, alarm topic of P-OBS): the ECS cluster, the internet-facing ALB
 * every public service attaches to, and the SNS topic all alarms notify.
 *
 * In:  Environment, DataProtection, network ids, the Service Connect namespace, CertificateArn
 *      (HTTPS when given), AlarmEmail (subscribed when given), the container ports to reach.
 * Out: cluster name/ARN, listener ARNs, ALB identifiers, alarm topic, ECS Exec key and log group.
 */
import ECS from 'cloudform-types/types/ecs';
import ELB from 'cloudform-types/types/elasticLoadBalancingV2';
import type { Action as ListenerAction } from 'cloudform-types/types/elasticLoadBalancingV2/listener';
import EC2 from 'cloudform-types/types/ec2';
import S3 from 'cloudform-types/types/s3';
import SNS from 'cloudform-types/types/sns';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, NO_VALUE, sub, when } from '../cfn/fn';
import { exemptFromScan } from '../cfn/scan-exemptions';
import { defineStack, type ParameterSpecs } from '../cfn/stack';
import { accountRootArn, policyDocument, type Principal } from '../cfn/iam';
import { RETAIN_CONDITION } from '../cfn/stateful';
import type { ServiceCatalog } from '../catalog/types';
import { physicalName, platformName } from '../cfn/names';
import { customerKey, keyAlias, logsServiceUse, useDelegatedToIam } from '../cfn/kms';
import { encryptedLogGroup, logGroupArnTemplate, logGroupNameTemplate } from '../cfn/logs';
import { dataProtectionParameter, environmentParameter, listParameter, retainCondition, stringParameter } from '../cfn/parameters';

/** ELB policy with TLS 1.3 and post-quantum hybrid key exchange, recommended by AWS (2025-09). */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';
/** Test listener: blue/green sends test traffic here before production shifts. */
export const TEST_LISTENER_PORTS = { https: 8443, http: 8080 } as const;

/** ALB default idle timeout, seconds (idle_timeout.timeout_seconds when unset). */
export const ALB_DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
/** Headroom above the longest per-request timeout, for the hops in front of the slowest service. */
export const ALB_IDLE_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * The ALB closes a connection on which nothing was sent or received for its idle timeout, 60 s by
 * default (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
 * A request through the ALB may wait on any service behind it (api-gateway waits up to 120 s for
 * analytics-engine), so the timeout outlasts the longest Service Connect per-request timeout in
 * the catalog, with a margin (cfn-lint rule E9106 checks the rendered platform).
 */
export function albIdleTimeoutSeconds(catalog: ServiceCatalog): number {
  const longest = Math.max(0, ...catalog.map((s) => s.requestTimeoutSeconds));
  return Math.max(ALB_DEFAULT_IDLE_TIMEOUT_SECONDS, longest + ALB_IDLE_TIMEOUT_MARGIN_SECONDS);
}

export const CERTIFICATE_ARN_PATTERN = '^$|^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$';
export const EMAIL_PATTERN = '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

export const clusterParameters = {
  Environment: environmentParameter,
  DataProtection: dataProtectionParameter,
  VpcId: stringParameter('VPC of the platform (network stack)'),
  VpcCidr: stringParameter('VPC CIDR: the only source allowed on the test listener'),
  PublicSubnetIds: listParameter('Public subnets for the internet-facing ALB (network stack)'),
  NamespaceArn: stringParameter('Cloud Map namespace used as the Service Connect default (mesh stack)'),
  CertificateArn: {
    Type: 'String',
    Description: 'ACM certificate for HTTPS (same account and region); empty serves plain HTTP',
    Default: '',
    AllowedPattern: CERTIFICATE_ARN_PATTERN,
    ConstraintDescription: 'empty, or an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)',
  },
  ElbLogDeliveryAccount: {
    Type: 'String',
    Description: 'Elastic Load Balancing account that delivers ALB access logs in this region (before August 2022), or empty where the log-delivery service principal is used; set by the toolkit from the region',
    AllowedPattern: '^$|^[0-9]{12}$',
    ConstraintDescription: 'empty, or a 12-digit AWS account id',
  },
  AlarmEmail: {
    Type: 'String',
    Description: 'Address subscribed to the alarm topic; empty subscribes nobody',
    Default: '',
    AllowedPattern: EMAIL_PATTERN,
    ConstraintDescription: 'empty, or an e-mail address',
  },
} as const satisfies ParameterSpecs;

const HTTPS = 'HasCertificate';
const LEGACY_ELB_ACCOUNT = 'UsesElbLogDeliveryAccount';
const EXEC_LOG_OWNER = 'ecs-exec';
const ALB_LOG_PREFIX = 'alb';

function clusterResources(): Record<string, ResourceBase> {
  return {
    // Encrypts the ECS Exec data channel and its session log group.
    ExecKey: customerKey('Encrypts ECS Exec sessions and their logs', [
      logsServiceUse([logGroupArnTemplate(EXEC_LOG_OWNER)]),
      // Task roles (kms:Decrypt) and operators starting sessions (kms:GenerateDataKey) get use
      // through their own, key-scoped IAM policies.
      useDelegatedToIam('TaskRolesAndOperatorsUseKeyThroughIam', ['kms:Decrypt', 'kms:GenerateDataKey']),
    ]),
    ExecKeyAlias: keyAlias('ecs-exec', 'ExecKey'),
    ExecLogGroup: encryptedLogGroup(sub(logGroupNameTemplate(EXEC_LOG_OWNER)), Fn.GetAtt('ExecKey', 'Arn')),
    Cluster: new ECS.Cluster({
      ClusterName: platformName('cluster'),
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      // The first two tasks of every service run on on-demand Fargate; beyond that, half on Spot.
      DefaultCapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 2, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ],
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: Fn.GetAtt('ExecKey', 'Arn'),
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchLogGroupName: Fn.Ref('ExecLogGroup'), CloudWatchEncryptionEnabled: true },
        },
      },
      ServiceConnectDefaults: { Namespace: Fn.Ref('NamespaceArn') },
    }),
  };
}

function albResources(containerPorts: readonly number[], idleTimeoutSeconds: number): Record<string, ResourceBase> {
  const logObjects = sub(`\${AlbLogBucket.Arn}/${ALB_LOG_PREFIX}/AWSLogs/\${AWS::AccountId}/*`);
  return {
    AlbLogBucket: exemptFromScan(new S3.Bucket({
      // ELB delivers access logs only to SSE-S3 buckets.
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        ],
      },
    }), [{ check: 'CKV_AWS_18', reason: 'This bucket is itself an access-log destination; logging it to another bucket only moves the question, and object-level access is audited by CloudTrail data events' }]),
    AlbLogBucketPolicy: new S3.BucketPolicy({
      Bucket: Fn.Ref('AlbLogBucket'),
      PolicyDocument: policyDocument([
        {
          Sid: 'ElbDeliversAccessLogs',
          Effect: 'Allow',
          // Regions from before August 2022 deliver from a regional ELB account; newer ones from
          // the log-delivery service principal.
          Principal: when<Principal>(
            LEGACY_ELB_ACCOUNT,
            { AWS: sub('arn:${AWS::Partition}:iam::${ElbLogDeliveryAccount}:root') },
            { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
          ),
          Action: ['s3:PutObject'],
          Resource: [logObjects],
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['s3:*'],
          Resource: [Fn.GetAtt('AlbLogBucket', 'Arn'), sub('${AlbLogBucket.Arn}/*')],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    }),
    AlbSecurityGroup: exemptFromScan(new EC2.SecurityGroup({
      GroupDescription: 'Internet-facing ALB: HTTP(S) from anywhere, test listener from the VPC',
      VpcId: Fn.Ref('VpcId'),
      SecurityGroupIngress: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0', Description: 'HTTP (redirected to HTTPS when a certificate is set)' },
        // Open even without a certificate: with no 443 listener nothing answers there.
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS' },
        {
          IpProtocol: 'tcp',
          FromPort: Fn.If(HTTPS, TEST_LISTENER_PORTS.https, TEST_LISTENER_PORTS.http),
          ToPort: Fn.If(HTTPS, TEST_LISTENER_PORTS.https, TEST_LISTENER_PORTS.http),
          CidrIp: Fn.Ref('VpcCidr'),
          Description: 'Blue/green test listener, reachable only from inside the VPC',
        },
      ],
      // Only to the container ports of public services, inside the VPC.
      SecurityGroupEgress: containerPorts.map((port) => ({
        IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: Fn.Ref('VpcCidr'), Description: `Targets on port ${port}`,
      })),
      Tags: [{ Key: 'Name', Value: platformName('sg-alb') }],
    }), [{ check: 'CKV_AWS_260', reason: 'The public entry point: port 80 only redirects to HTTPS when a certificate is set, and serves HTTP in dev by design' }]),
    Alb: new ELB.LoadBalancer({
      Name: platformName('alb'),
      Type: 'application',
      Scheme: 'internet-facing',
      IpAddressType: 'ipv4',
      Subnets: Fn.Ref('PublicSubnetIds'),
      SecurityGroups: [Fn.Ref('AlbSecurityGroup')],
      LoadBalancerAttributes: [
        { Key: 'deletion_protection.enabled', Value: Fn.If(RETAIN_CONDITION, 'true', 'false') },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
        { Key: 'idle_timeout.timeout_seconds', Value: String(idleTimeoutSeconds) },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: Fn.Ref('AlbLogBucket') },
        { Key: 'access_logs.s3.prefix', Value: ALB_LOG_PREFIX },
      ],
    }).dependsOn('AlbLogBucketPolicy'),
    HttpListener: exemptFromScan(new ELB.Listener({
      LoadBalancerArn: Fn.Ref('Alb'),
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        when<ListenerAction>(
          HTTPS,
          { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } },
          { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } },
        ),
      ],
    }), [
      { check: 'CKV_AWS_2', reason: 'With a certificate this listener only redirects to HTTPS; without one (dev) plain HTTP is the chosen setting' },
      { check: 'CKV_AWS_103', reason: 'No TLS on a listener that only redirects to HTTPS (or serves dev over HTTP); the HTTPS listener uses a TLS 1.3 policy' },
    ]),
    HttpsListener: new ELB.Listener({
      LoadBalancerArn: Fn.Ref('Alb'),
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: TLS_POLICY,
      Certificates: [{ CertificateArn: Fn.Ref('CertificateArn') }],
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } }],
    }).condition(HTTPS),
    TestListener: exemptFromScan(new ELB.Listener({
      LoadBalancerArn: Fn.Ref('Alb'),
      Port: Fn.If(HTTPS, TEST_LISTENER_PORTS.https, TEST_LISTENER_PORTS.http),
      Protocol: Fn.If(HTTPS, 'HTTPS', 'HTTP'),
      SslPolicy: Fn.If(HTTPS, TLS_POLICY, NO_VALUE),
      Certificates: Fn.If(HTTPS, [{ CertificateArn: Fn.Ref('CertificateArn') }], NO_VALUE),
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no test route' } }],
    }), [
      { check: 'CKV_AWS_2', reason: 'HTTPS with the TLS 1.3 policy whenever a certificate is set (Fn::If checkov cannot evaluate); HTTP only in dev, reachable from inside the VPC' },
      { check: 'CKV_AWS_103', reason: 'Same listener: the TLS 1.3 policy applies whenever it is HTTPS (Fn::If checkov cannot evaluate)' },
    ]),
  };
}

function alarmTopicResources(): Record<string, ResourceBase> {
  return {
    AlarmTopicKey: customerKey('Encrypts the alarm topic', [
      {
        Sid: 'CloudWatchPublishesEncryptedAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
      },
    ]),
    AlarmTopicKeyAlias: keyAlias('alarms', 'AlarmTopicKey'),
    AlarmTopic: new SNS.Topic({
      TopicName: physicalName('alarms', 'tap'),
      DisplayName: sub('TAP ${Environment} alarms'),
      KmsMasterKeyId: Fn.Ref('AlarmTopicKey'),
    }),
    AlarmTopicPolicy: new SNS.TopicPolicy({
      Topics: [Fn.Ref('AlarmTopic')],
      PolicyDocument: policyDocument([
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['sns:Publish'],
          Resource: [Fn.Ref('AlarmTopic')],
          Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
        },
        {
          Sid: 'AccountManagesTopic',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn() },
          Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish'],
          Resource: [Fn.Ref('AlarmTopic')],
        },
      ]),
    }),
    AlarmEmailSubscription: new SNS.Subscription({
      TopicArn: Fn.Ref('AlarmTopic'),
      Protocol: 'email',
      Endpoint: Fn.Ref('AlarmEmail'),
    }).condition('HasAlarmEmail'),
  };
}

export function buildCluster(catalog: ServiceCatalog) {
  const publicPorts = [...new Set(catalog.filter((s) => s.exposure.kind === 'public').map((s) => s.containerPort))].sort((a, b) => a - b);
  return defineStack({
    name: 'cluster',
    description: 'TAP cluster: ECS cluster (Fargate + Spot, Container Insights, ECS Exec), internet-facing ALB, alarm topic (generated by src/stacks/cluster.ts)',
    service: 'cluster',
    parameters: clusterParameters,
    conditions: {
      ...retainCondition,
      [HTTPS]: Fn.Not(Fn.Equals(Fn.Ref('CertificateArn'), '')),
      HasAlarmEmail: Fn.Not(Fn.Equals(Fn.Ref('AlarmEmail'), '')),
      [LEGACY_ELB_ACCOUNT]: Fn.Not(Fn.Equals(Fn.Ref('ElbLogDeliveryAccount'), '')),
    },
    resources: {
      ...clusterResources(),
      ...albResources(publicPorts, albIdleTimeoutSeconds(catalog)),
      ...alarmTopicResources(),
    },
    outputs: {
      ClusterName: { Description: 'ECS cluster name; consumed by services and by operators (ecs execute-command --cluster)', Value: Fn.Ref('Cluster') },
      ClusterArn: { Description: 'ECS cluster ARN; consumed by services', Value: Fn.GetAtt('Cluster', 'Arn') },
      AlbUrl: {
        Description: 'URL of the internet-facing ALB; point the public DNS record here',
        Value: Fn.If(HTTPS, sub('https://${Alb.DNSName}'), sub('http://${Alb.DNSName}')),
      },
      AlbFullName: { Description: 'ALB full name (app/<name>/<id>); consumed by services for ALB metric dimensions', Value: Fn.GetAtt('Alb', 'LoadBalancerFullName') },
      AlbSecurityGroupId: { Description: 'ALB security group; consumed by public services for their only ingress rule', Value: Fn.Ref('AlbSecurityGroup') },
      ProductionListenerArn: {
        Description: 'Listener carrying production traffic (HTTPS when a certificate is set); consumed by public services for their rules',
        Value: Fn.If(HTTPS, Fn.Ref('HttpsListener'), Fn.Ref('HttpListener')),
      },
      TestListenerArn: { Description: 'Blue/green test listener; consumed by public services for their test rules', Value: Fn.Ref('TestListener') },
      AlarmTopicArn: { Description: 'SNS topic every alarm notifies; consumed by services', Value: Fn.Ref('AlarmTopic') },
      ExecKeyArn: { Description: 'KMS key of ECS Exec sessions; consumed by services (task roles decrypt the session channel)', Value: Fn.GetAtt('ExecKey', 'Arn') },
      ExecLogGroupArn: { Description: 'Log group of ECS Exec sessions; consumed by services (task roles write session logs)', Value: Fn.GetAtt('ExecLogGroup', 'Arn') },
    },
  });
}

/**
 * A small nested platform for the deploy scenarios, shaped like the real one:
 * root → network, registry, services → services/frontend (two levels of nesting), sibling-output
 * wiring (Services takes Network's VpcId), stateful resources of every kind, IAM, security groups,
 * a KMS key policy, an ECS blue/green service with its production listener rule (marked as the
 * real one is, src/cfn/ecs-managed.ts), an ALB whose deletion protection follows DataProtection, a
 * Lambda whose code is an S3 asset, a NoEcho parameter and a `{{resolve:secretsmanager:…}}`
 * reference. Stateful resources are retained as the real templates retain them (src/cfn/stateful.ts:
 * literal RetainExceptOnCreate / Retain, no transform).
 */
import { createHash } from 'node:crypto';
import type { BuiltAsset } from '../../src/assets/code-assets';
import { assetKey } from '../../src/assets/code-assets';
import type { JsonObject, TemplateJson } from '../../src/core/template-json';
import type { PlatformSource } from '../../src/operations/runtime';
import { ECS_MANAGED_LISTENER_RULE } from '../../src/cfn/ecs-managed';
import { STATEFUL_RETENTION } from '../../src/cfn/stateful';
import { serializeTemplate, type RenderedTemplate } from '../../src/synth/render';

export const CANARY_NOECHO = 'canary-NoEcho-7f3a9c51';
export const CANARY_RESOLVED = 'canary-resolved-2b81d4e0';
export const SECRET_REFERENCE = '{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:tap-feed-key:SecretString:apiKey}}';

const ROTATION_CODE = 'exports.handler = async () => ({ rotated: true });\n';
export const rotationAsset: BuiltAsset = {
  name: 'rotate-api-key',
  delivery: 's3',
  code: ROTATION_CODE,
  sha256: createHash('sha256').update(ROTATION_CODE).digest('hex'),
};

const p = (Description: string, extra: Record<string, unknown> = {}) => ({ Type: 'String', Description, ...extra });
const retained = { DeletionPolicy: STATEFUL_RETENTION.deletion, UpdateReplacePolicy: STATEFUL_RETENTION.updateReplace };
const retainCondition = { RetainStatefulResources: { 'Fn::Equals': [{ Ref: 'DataProtection' }, 'retain'] } };

export type Templates = Record<string, TemplateJson>;

export function baseTemplates(): Templates {
  const root: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture root',
    Parameters: {
      Environment: p('env'),
      DataProtection: p('retain or delete', { AllowedValues: ['retain', 'delete'] }),
      ArtifactBucket: p('artifact bucket'),
      ApiToken: p('a partner token', { NoEcho: true }),
    },
    Resources: {
      Network: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: 'network.json', Parameters: { Environment: { Ref: 'Environment' }, DataProtection: { Ref: 'DataProtection' } } },
      },
      Registry: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: 'registry.json', Parameters: { Environment: { Ref: 'Environment' }, DataProtection: { Ref: 'DataProtection' } } },
      },
      Services: {
        Type: 'AWS::CloudFormation::Stack',
        DependsOn: ['Network', 'Registry'],
        Properties: {
          TemplateURL: 'services.json',
          Parameters: {
            Environment: { Ref: 'Environment' },
            DataProtection: { Ref: 'DataProtection' },
            VpcId: { 'Fn::GetAtt': ['Network', 'Outputs.VpcId'] },
            ArtifactBucket: { Ref: 'ArtifactBucket' },
            ApiToken: { Ref: 'ApiToken' },
          },
        },
      },
    },
    Outputs: {
      VpcId: { Description: 'VPC', Value: { 'Fn::GetAtt': ['Network', 'Outputs.VpcId'] } },
      RepositoryUris: { Description: 'repositories in catalog order', Value: { 'Fn::GetAtt': ['Registry', 'Outputs.RepositoryUris'] } },
      ServiceArns: { Description: 'services in catalog order', Value: { 'Fn::GetAtt': ['Services', 'Outputs.ServiceArns'] } },
    },
  };

  const network: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture network',
    Parameters: { Environment: p('env'), DataProtection: p('retain or delete') },
    Conditions: retainCondition,
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.10.0.0/16' } },
      AlbSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'ALB', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }] },
      },
      FlowLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        ...retained,
        Properties: { LogGroupName: { 'Fn::Sub': '/tap/${Environment}/vpc-flow' }, RetentionInDays: 30 },
      },
      AccessLogBucket: {
        Type: 'AWS::S3::Bucket',
        ...retained,
        Properties: { BucketName: { 'Fn::Sub': 'tap-alb-logs-${Environment}' } },
      },
      Alb: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Name: { 'Fn::Sub': 'alb-tap-${Environment}' },
          SecurityGroups: [{ Ref: 'AlbSecurityGroup' }],
          LoadBalancerAttributes: [
            { Key: 'deletion_protection.enabled', Value: { 'Fn::If': ['RetainStatefulResources', 'true', 'false'] } },
            { Key: 'access_logs.s3.bucket', Value: { Ref: 'AccessLogBucket' } },
          ],
        },
      },
    },
    Outputs: {
      VpcId: { Description: 'VPC', Value: { Ref: 'Vpc' } },
      AlbSecurityGroupId: { Description: 'ALB group', Value: { 'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId'] } },
    },
  };

  const registry: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture registry',
    Parameters: { Environment: p('env'), DataProtection: p('retain or delete') },
    Conditions: retainCondition,
    Resources: {
      RegistryKey: {
        Type: 'AWS::KMS::Key',
        ...retained,
        Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }] } },
      },
      FrontendRepository: {
        Type: 'AWS::ECR::Repository',
        ...retained,
        Properties: { RepositoryName: { 'Fn::Sub': 'ecr-frontend-${Environment}' }, ImageTagMutability: 'IMMUTABLE' },
      },
      ApiRepository: {
        Type: 'AWS::ECR::Repository',
        ...retained,
        Properties: { RepositoryName: { 'Fn::Sub': 'ecr-api-gateway-${Environment}' }, ImageTagMutability: 'IMMUTABLE' },
      },
    },
    Outputs: {
      RepositoryUris: {
        Description: 'catalog order',
        Value: { 'Fn::Join': [',', [{ 'Fn::GetAtt': ['FrontendRepository', 'RepositoryUri'] }, { 'Fn::GetAtt': ['ApiRepository', 'RepositoryUri'] }]] },
      },
    },
  };

  const services: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture services',
    Parameters: { Environment: p('env'), DataProtection: p('retain or delete'), VpcId: p('vpc'), ArtifactBucket: p('bucket'), ApiToken: p('token', { NoEcho: true }) },
    Resources: {
      Frontend: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: 'services/frontend.json',
          Parameters: {
            Environment: { Ref: 'Environment' },
            DataProtection: { Ref: 'DataProtection' },
            VpcId: { Ref: 'VpcId' },
            ArtifactBucket: { Ref: 'ArtifactBucket' },
            ApiToken: { Ref: 'ApiToken' },
          },
        },
      },
    },
    Outputs: {
      ServiceArns: { Description: 'catalog order', Value: { 'Fn::Join': [',', [{ 'Fn::GetAtt': ['Frontend', 'Outputs.ServiceArn'] }, { 'Fn::Sub': 'arn:aws:ecs:eu-west-1:111122223333:service/tap-${Environment}/api-gateway' }]] } },
    },
  };

  const frontend: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture frontend service',
    Parameters: { Environment: p('env'), DataProtection: p('retain or delete'), VpcId: p('vpc'), ArtifactBucket: p('bucket'), ApiToken: p('token', { NoEcho: true }) },
    Conditions: retainCondition,
    Resources: {
      LogGroup: {
        Type: 'AWS::Logs::LogGroup',
        ...retained,
        Properties: { LogGroupName: { 'Fn::Sub': '/tap/${Environment}/frontend' }, RetentionInDays: 30 },
      },
      ApiTokenSecret: {
        Type: 'AWS::SecretsManager::Secret',
        ...retained,
        Properties: { Name: { 'Fn::Sub': 'tap-${Environment}-frontend-api-token' }, SecretString: { Ref: 'ApiToken' } },
      },
      FeedKeyCopy: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Type: 'String', Value: SECRET_REFERENCE },
      },
      TaskRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          Policies: [{ PolicyName: 'read-secret', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'ApiTokenSecret' } }] } }],
        },
      },
      BlueTargetGroup: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 8080, Protocol: 'HTTP', TargetType: 'ip', VpcId: { Ref: 'VpcId' } } },
      GreenTargetGroup: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 8080, Protocol: 'HTTP', TargetType: 'ip', VpcId: { Ref: 'VpcId' } } },
      ProdListenerRule: {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Metadata: { [ECS_MANAGED_LISTENER_RULE]: { service: 'Service', listener: 'production', source: 'https://github.com/aws/aws-cdk/issues/36649' } },
        Properties: {
          ListenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/alb-tap/1/2',
          Priority: 200,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
          Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: 'BlueTargetGroup' }, Weight: 100 }, { TargetGroupArn: { Ref: 'GreenTargetGroup' }, Weight: 0 }] } }],
        },
      },
      RotationFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, Code: { S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: assetKey(rotationAsset) } },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: 'tap-cluster',
          ServiceName: { 'Fn::Sub': 'svc-frontend-${Environment}' },
          DesiredCount: 2,
          DeploymentConfiguration: { Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 5 },
          LoadBalancers: [{
            ContainerName: 'web',
            ContainerPort: 8080,
            TargetGroupArn: { Ref: 'BlueTargetGroup' },
            AdvancedConfiguration: { AlternateTargetGroupArn: { Ref: 'GreenTargetGroup' }, ProductionListenerRule: { Ref: 'ProdListenerRule' } },
          }],
        },
      },
    },
    Outputs: {
      ServiceArn: { Description: 'frontend service', Value: { Ref: 'Service' } },
      ApiTokenEcho: { Description: 'a careless output of the NoEcho value (must be masked)', Value: { Ref: 'ApiToken' } },
    },
  };

  return { 'root.json': root, 'network.json': network, 'registry.json': registry, 'services.json': services, 'services/frontend.json': frontend };
}

export function platformOf(templates: Templates): PlatformSource {
  const order = ['root.json', 'network.json', 'registry.json', 'services.json', 'services/frontend.json'];
  const rendered: RenderedTemplate[] = order.filter((f) => templates[f]).map((file) => {
    const template = templates[file];
    const content = serializeTemplate(template);
    return { name: file.replace(/\.json$/, ''), file, template, content, sha256: createHash('sha256').update(content).digest('hex') };
  });
  return { templates: rendered, assets: { 'rotate-api-key': rotationAsset } };
}

export function fixturePlatform(edit?: (templates: Templates) => void): PlatformSource {
  const templates = baseTemplates();
  edit?.(templates);
  return platformOf(templates);
}

/** Helpers to edit fixture templates in scenarios. */
export const props = (templates: Templates, file: string, logicalId: string): JsonObject => {
  const resource = templates[file].Resources[logicalId];
  resource.Properties ??= {};
  return resource.Properties;
};

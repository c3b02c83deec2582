/**
 * P-NAME tagging: every resource that accepts tags carries `project`, `environment` and `service`.
 * Tags are applied once, by `defineStack`, so no builder can forget them.
 */
import { Fn } from './fn';
import type { ResourceTag } from 'cloudform-types/types/resource';
import { PROJECT } from '../catalog/platform';

/**
 * Resource types used by this platform whose `Tags` property is a list of `{Key, Value}`.
 * A test compares this list with the CloudFormation schemas cfn-lint ships, so a new resource
 * type cannot slip in untagged.
 */
export const TAGGABLE_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::ACMPCA::CertificateAuthority',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::CloudFormation::Stack',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::EC2::EIP',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NatGateway',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::Subnet',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCEndpoint',
  'AWS::EC2::FlowLog',
  'AWS::ECR::Repository',
  'AWS::ECS::Cluster',
  'AWS::ECS::Service',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::IAM::OIDCProvider',
  'AWS::IAM::Role',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::SecretsManager::Secret',
  'AWS::ServiceDiscovery::HttpNamespace',
  'AWS::SNS::Topic',
]);

export const TAG_KEYS = { project: 'project', environment: 'environment', service: 'service' } as const;

/** The three platform tags; `environment` comes from the stack's `Environment` parameter. */
export function standardTags(service: string): ResourceTag[] {
  return [
    { Key: TAG_KEYS.project, Value: PROJECT },
    { Key: TAG_KEYS.environment, Value: Fn.Ref('Environment') },
    { Key: TAG_KEYS.service, Value: service },
  ];
}

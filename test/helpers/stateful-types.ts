/**
 * P-DATA, the specification side: which resource types hold data, with the reason, and which of
 * the types the templates use hold none. Tests compare src/cfn/stateful.ts and everything it
 * drives (Retain policies, the prod stack policy) against these tables, never against itself.
 */

/** What is lost, beyond recreating it from the template, when one is deleted or replaced. */
export const HOLDS_DATA: Readonly<Record<string, string>> = {
  'AWS::ECR::Repository': 'the release images; a rebuild is not bit-for-bit the image that was tested and deployed',
  'AWS::SecretsManager::Secret': 'the generated credentials and API keys running tasks and partners use; a new secret has new values',
  'AWS::Logs::LogGroup': 'application, flow and audit logs under their 30-day retention',
  'AWS::KMS::Key': 'the key material; everything encrypted with it (secrets, logs, images) becomes unreadable',
  'AWS::S3::Bucket': 'ALB access logs under retention, and the deploy artifacts every stack update reads',
};

/** Types the templates use that hold no data: deleting and recreating one loses nothing that matters. */
export const HOLDS_NO_DATA: Readonly<Record<string, string>> = {
  'AWS::ACMPCA::Certificate': 'the CA\'s own certificate, issued again by a new CA',
  'AWS::ACMPCA::CertificateAuthority': 'issues short-lived Service Connect certificates that ECS renews every few days; the services that trust it are updated in the same deployment',
  'AWS::ACMPCA::CertificateAuthorityActivation': 'the activation of the CA, no data of its own',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'configuration',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'configuration',
  'AWS::CloudFormation::Stack': 'a container: the resources inside are judged in their own template',
  'AWS::CloudWatch::Alarm': 'configuration (alarm history is 14 days of state changes, not data)',
  'AWS::CloudWatch::Dashboard': 'configuration rendered from the catalog',
  'AWS::EC2::EIP': 'an address, not data (a replacement changes the NAT egress address)',
  'AWS::EC2::FlowLog': 'configuration; the flow logs live in a log group',
  'AWS::EC2::InternetGateway': 'network configuration',
  'AWS::EC2::NatGateway': 'network configuration',
  'AWS::EC2::Route': 'network configuration',
  'AWS::EC2::RouteTable': 'network configuration',
  'AWS::EC2::SecurityGroup': 'network configuration',
  'AWS::EC2::SecurityGroupEgress': 'network configuration',
  'AWS::EC2::SecurityGroupIngress': 'network configuration',
  'AWS::EC2::Subnet': 'network configuration (tasks are stateless)',
  'AWS::EC2::SubnetRouteTableAssociation': 'network configuration',
  'AWS::EC2::VPC': 'network configuration',
  'AWS::EC2::VPCEndpoint': 'network configuration',
  'AWS::EC2::VPCGatewayAttachment': 'network configuration',
  'AWS::ECS::Cluster': 'configuration; tasks keep no state',
  'AWS::ECS::Service': 'configuration; tasks keep no state',
  'AWS::ECS::TaskDefinition': 'configuration rendered from the catalog',
  'AWS::ElasticLoadBalancingV2::Listener': 'configuration',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'configuration',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'configuration (its DNS name changes; prod protects it with deletion protection)',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'configuration',
  'AWS::IAM::ManagedPolicy': 'configuration (the execution role\'s permissions, derived from the templates)',
  'AWS::IAM::OIDCProvider': 'configuration: which identity provider the account trusts (retained: other environments may rely on it)',
  'AWS::IAM::Role': 'configuration',
  'AWS::IAM::ServiceLinkedRole': 'configuration owned by ECS (retained: the account keeps needing it)',
  'AWS::KMS::Alias': 'a name for a key; the key itself holds the data',
  'AWS::Lambda::Function': 'code from the artifact bucket',
  'AWS::Lambda::Permission': 'configuration',
  'AWS::Logs::MetricFilter': 'configuration; the metrics it produced stay in CloudWatch',
  'AWS::S3::BucketPolicy': 'configuration',
  'AWS::SNS::Subscription': 'configuration (an e-mail endpoint confirms again)',
  'AWS::SNS::Topic': 'delivers messages, stores none',
  'AWS::SNS::TopicPolicy': 'configuration',
  'AWS::SecretsManager::RotationSchedule': 'configuration',
  'AWS::ServiceDiscovery::HttpNamespace': 'ECS registers the instances again',
  'Custom::DefaultSecurityGroupLockdown': 'an action on the default security group, no data',
};

export const holdsData = (type: string): boolean => Object.prototype.hasOwnProperty.call(HOLDS_DATA, type);

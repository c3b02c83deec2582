/**
 * Per-service IAM (P-SEC): an execution role (what ECS needs to start the task) and a task role
 * (what the application may do), each scoped to this service's repository, log group, secrets and
 * key; and, for blue/green services, the infrastructure role ECS uses to shift ALB traffic.
 */
import IAM from 'cloudform-types/types/iam';
import type { Policy as InlinePolicy } from 'cloudform-types/types/iam/role';
import { Fn, NO_VALUE, sub, when, type Value } from '../../cfn/fn';
import { allow, ecsInfrastructureTrustPolicy, policyDocument, serviceTrustPolicy, unscopedStatement } from '../../cfn/iam';
import type { ServiceDefinition } from '../../catalog/types';
import { ID, metricNamespace, secretId } from './ids';
import { repositoryNameTemplate } from '../registry';
import { EXEC_CONDITION } from './ecs-service';

function repositoryArn(service: ServiceDefinition): Value<string> {
  return sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${repositoryNameTemplate(service)}`);
}

export function executionRole(service: ServiceDefinition): IAM.Role {
  const secretArns = service.secrets.map((secret) => Fn.Ref(secretId(secret)));
  return new IAM.Role({
    Description: `ECS task execution role of ${service.name}: pull its image, write its logs, read its secrets`,
    AssumeRolePolicyDocument: serviceTrustPolicy('ecs-tasks.amazonaws.com'),
    Policies: [
      {
        PolicyName: 'start-task',
        PolicyDocument: policyDocument([
          unscopedStatement('RegistryLogin', ['ecr:GetAuthorizationToken']),
          allow('PullOwnImage', ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], [repositoryArn(service)]),
          allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [Fn.GetAtt(ID.logGroup, 'Arn')]),
          ...(secretArns.length > 0
            ? [
                allow('ReadOwnSecrets', ['secretsmanager:GetSecretValue'], secretArns),
                // The secrets are encrypted with the service key; decryption goes through Secrets Manager.
                allow('DecryptOwnSecrets', ['kms:Decrypt'], [Fn.GetAtt(ID.key, 'Arn')], {
                  StringEquals: { 'kms:ViaService': sub('secretsmanager.${AWS::Region}.amazonaws.com') },
                }),
              ]
            : []),
        ]),
      },
    ],
  });
}

export function taskRole(service: ServiceDefinition): IAM.Role {
  return new IAM.Role({
    Description: `Task role of ${service.name}: its own CloudWatch metrics and, where enabled, ECS Exec sessions; nothing else`,
    AssumeRolePolicyDocument: serviceTrustPolicy('ecs-tasks.amazonaws.com'),
    Policies: [
      {
        PolicyName: 'application',
        PolicyDocument: policyDocument([
          unscopedStatement('PublishOwnMetrics', ['cloudwatch:PutMetricData'], {
            StringEquals: { 'cloudwatch:namespace': metricNamespace(service) },
          }),
        ]),
      },
      // Only where ECS Exec is on (EcsExec): the session channels, their key and their log group.
      when<InlinePolicy>(EXEC_CONDITION, {
        PolicyName: 'ecs-exec',
        PolicyDocument: policyDocument([
          unscopedStatement('ExecSessionChannels', [
            'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
          ]),
          allow('DecryptExecSessions', ['kms:Decrypt'], [Fn.Ref('ExecKeyArn')]),
          unscopedStatement('FindExecLogGroup', ['logs:DescribeLogGroups']),
          allow('WriteExecSessionLogs', ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], [Fn.Ref('ExecLogGroupArn')]),
        ]),
      }, NO_VALUE),
    ],
  });
}

/**
 * What ECS needs to run a blue/green deployment on the ALB, limited to this service's target
 * groups and listener rules (the AWS-managed policy would cover every target group and listener
 * in the account).
 */
export function loadBalancerRole(service: ServiceDefinition): IAM.Role {
  return new IAM.Role({
    Description: `Lets ECS shift ALB traffic between the target groups of ${service.name} during blue/green deployments`,
    AssumeRolePolicyDocument: ecsInfrastructureTrustPolicy(),
    Policies: [
      {
        PolicyName: 'blue-green-traffic-shift',
        PolicyDocument: policyDocument([
          unscopedStatement('ReadLoadBalancing', [
            'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules',
            'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
          ]),
          allow('RegisterOwnTargets', ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], [Fn.Ref(ID.targetGroupA), Fn.Ref(ID.targetGroupB)]),
          allow('ShiftOwnRules', ['elasticloadbalancing:ModifyRule'], [Fn.Ref(ID.productionRule), Fn.Ref(ID.testRule)]),
          allow('ShiftListeners', ['elasticloadbalancing:ModifyListener'], [Fn.Ref('ProductionListenerArn'), Fn.Ref('TestListenerArn')]),
        ]),
      },
    ],
  });
}

/**
 * Security-relevant changes of one stack, from its deployed and new templates, through
 * `@aws-cdk/cloudformation-diff` (the engine behind `cdk diff`'s IAM and security-group tables):
 * IAM statements of roles, inline and managed policies, key policies, bucket policies and Lambda
 * permissions; managed-policy attachments; security-group ingress and egress rules. Resources of
 * security-relevant types that change without a statement- or rule-level difference (e.g. a role
 * replaced) are listed too, so nothing security-relevant is silent.
 */
import { diffTemplate } from '@aws-cdk/cloudformation-diff';
import type { TemplateJson } from '../../core/template-json';
import type { SecurityFinding } from './model';

/** Types whose changes are security-relevant even without a statement-level difference. */
export const SECURITY_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::InstanceProfile',
  'AWS::KMS::Key', 'AWS::S3::BucketPolicy', 'AWS::Lambda::Permission', 'AWS::SecretsManager::ResourcePolicy', 'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::ECR::RepositoryPolicy', 'AWS::Logs::ResourcePolicy',
]);

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();

export function templateSecurityChanges(stackPath: string, before: TemplateJson | undefined, after: TemplateJson | undefined): SecurityFinding[] {
  const diff = diffTemplate(before ?? { Resources: {} }, after ?? { Resources: {} });
  const findings: SecurityFinding[] = [];
  const statement = (s: { render(): { effect: string; action: string; resource: string; principal: string; condition: string } }) => {
    const r = s.render();
    const condition = r.condition ? ` when ${oneLine(r.condition)}` : '';
    return oneLine(`${r.effect} ${r.action.split('\n').join(', ')} on ${r.resource} for ${r.principal}${condition}`);
  };
  for (const s of diff.iamChanges.statements.additions) {
    findings.push({ stackPath, kind: 'iam-statement', change: 'added', summary: statement(s), broadening: !s.isNegativeStatement });
  }
  for (const s of diff.iamChanges.statements.removals) {
    findings.push({ stackPath, kind: 'iam-statement', change: 'removed', summary: statement(s), broadening: s.isNegativeStatement });
  }
  for (const m of diff.iamChanges.managedPolicies.additions) {
    findings.push({ stackPath, kind: 'managed-policy', change: 'added', summary: `${m.managedPolicyArn} attached to ${m.identityArn}`, broadening: true });
  }
  for (const m of diff.iamChanges.managedPolicies.removals) {
    findings.push({ stackPath, kind: 'managed-policy', change: 'removed', summary: `${m.managedPolicyArn} detached from ${m.identityArn}`, broadening: false });
  }
  const rule = (direction: 'ingress' | 'egress', r: { groupId: string; describeProtocol(): string; describePeer(): string }) =>
    `${r.groupId} ${direction} ${r.describeProtocol()} ${direction === 'ingress' ? 'from' : 'to'} ${r.describePeer()}`;
  for (const r of diff.securityGroupChanges.ingress.additions) findings.push({ stackPath, kind: 'security-group-rule', change: 'added', summary: rule('ingress', r), broadening: true });
  for (const r of diff.securityGroupChanges.ingress.removals) findings.push({ stackPath, kind: 'security-group-rule', change: 'removed', summary: rule('ingress', r), broadening: false });
  for (const r of diff.securityGroupChanges.egress.additions) findings.push({ stackPath, kind: 'security-group-rule', change: 'added', summary: rule('egress', r), broadening: true });
  for (const r of diff.securityGroupChanges.egress.removals) findings.push({ stackPath, kind: 'security-group-rule', change: 'removed', summary: rule('egress', r), broadening: false });
  return findings;
}

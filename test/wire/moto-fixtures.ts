/**
 * A nested tree that moto 5.2 deploys through change sets: no `Outputs.X` wiring between
 * siblings (moto answers 500), only resource types moto models, every resource with Properties.
 */
import { createHash } from 'node:crypto';
import type { BuiltAsset } from '../../src/assets/code-assets';
import type { TemplateJson } from '../../src/core/template-json';
import { serializeTemplate, type RenderedTemplate } from '../../src/synth/render';

const CODE = 'exports.handler = async () => ({ ok: true });\n';
export const rotationAsset: BuiltAsset = { name: 'rotate-api-key', delivery: 's3', code: CODE, sha256: createHash('sha256').update(CODE).digest('hex') };

const param = (Description: string) => ({ Type: 'String', Description });

export function motoTemplates(retentionDays = 30): Record<string, TemplateJson> {
  return {
    'root.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire root',
      Parameters: { Environment: param('env'), DataProtection: param('retain or delete'), ArtifactBucket: param('bucket') },
      Resources: {
        Logs: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'logs.json', Parameters: { Environment: { Ref: 'Environment' }, RetentionDays: String(retentionDays) } } },
        Messaging: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'messaging.json', Parameters: { Environment: { Ref: 'Environment' } } } },
      },
      Outputs: { Environment: { Description: 'environment', Value: { Ref: 'Environment' } } },
    },
    'logs.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire logs',
      Parameters: { Environment: param('env'), RetentionDays: param('days') },
      Resources: {
        AppLogs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/tap/${Environment}/app' }, RetentionInDays: { Ref: 'RetentionDays' } } },
      },
      Outputs: { LogGroupName: { Description: 'log group', Value: { Ref: 'AppLogs' } } },
    },
    'messaging.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire messaging',
      Parameters: { Environment: param('env') },
      Resources: {
        Alerts: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'tap-alerts-${Environment}' } } },
      },
      Outputs: { AlertTopicName: { Description: 'alerts topic', Value: { 'Fn::GetAtt': ['Alerts', 'TopicName'] } } },
    },
  };
}

/**
 * A release-shaped tree (D-16): the root passes `FrontendImageTag` to a services stack, which
 * passes it to the frontend's stack alone as `ImageTag` (here a tag on its log group, which moto
 * models; moto lists no changes that come only from parameters, but executes them).
 */
export function motoReleaseTemplates(): Record<string, TemplateJson> {
  return {
    'root.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire release root',
      Parameters: { Environment: param('env'), DataProtection: param('retain or delete'), ArtifactBucket: param('bucket'), FrontendImageTag: param('frontend image tag') },
      Resources: {
        Services: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'services.json', Parameters: { Environment: { Ref: 'Environment' }, FrontendImageTag: { Ref: 'FrontendImageTag' } } } },
      },
      Outputs: { Environment: { Description: 'environment', Value: { Ref: 'Environment' } } },
    },
    'services.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire services',
      Parameters: { Environment: param('env'), FrontendImageTag: param('frontend image tag') },
      Resources: {
        Frontend: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'services/frontend.json', Parameters: { Environment: { Ref: 'Environment' }, ImageTag: { Ref: 'FrontendImageTag' } } } },
      },
      Outputs: { Environment: { Description: 'environment', Value: { Ref: 'Environment' } } },
    },
    'services/frontend.json': {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'wire frontend',
      Parameters: { Environment: param('env'), ImageTag: param('image tag') },
      Resources: {
        LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': 'logs-frontend-${Environment}' }, RetentionInDays: 30, Tags: [{ Key: 'image', Value: { Ref: 'ImageTag' } }] } },
      },
      Outputs: { LogGroupName: { Description: 'log group', Value: { Ref: 'LogGroup' } } },
    },
  };
}

/** Root first, then the others in the order given. */
export function platformOfFiles(templates: Record<string, TemplateJson>): { templates: RenderedTemplate[] } {
  return {
    templates: ['root.json', ...Object.keys(templates).filter((file) => file !== 'root.json')].map((file) => {
      const content = serializeTemplate(templates[file]);
      return { name: file.replace(/\.json$/, ''), file, template: templates[file], content, sha256: createHash('sha256').update(content).digest('hex') };
    }),
  };
}

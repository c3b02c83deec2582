/**
 * D-12 wire tests for D-16 and D-17: the real commands and SDK adapter over HTTP against moto.
 * Proven here what moto models: STS AssumeRole of the bootstrap stack's deploy role (moto answers
 * with credentials that act as the role), RoleARN on CreateChangeSet (DescribeStacks answers it
 * back), ECR DescribeImages (ImageNotFoundException for a missing tag), and a release that moves
 * one image tag through the tree. What moto does not check (policies: it accepts every call) is
 * the fake's permission model's job (test/operations/deploy-role.test.ts).
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSdkPort, silenceSdkNodeNotice } from '../../src/aws/sdk';
import { MOTO_ACCOUNT_ID, type MotoServer } from '../helpers/moto-server';
import { motoClientOptions, onMoto, WireWorkspace } from './moto-harness';
import { motoReleaseTemplates } from './moto-fixtures';

silenceSdkNodeNotice();

interface Context { moto: MotoServer; cfn: CloudFormationClient; ecr: ECRClient }
const wire = suite<Context>('wire releases');

onMoto(wire, 'wire releases', (moto) => ({ cfn: new CloudFormationClient(motoClientOptions(moto)), ecr: new ECRClient(motoClientOptions(moto)) }));

const DEPLOY_ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/role-deploy-tap-dev`;
const EXECUTION_ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/role-cfn-exec-tap-dev`;
const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: `sha256:${'a'.repeat(64)}` }, layers: [] });

async function push(ecr: ECRClient, tag: string): Promise<void> {
  await ecr.send(new PutImageCommand({ repositoryName: 'ecr-frontend-dev', imageTag: tag, imageManifest: MANIFEST.replace('"size":1', `"size":${tag.length}`) }));
}

wire('D-12 / D-16: ECR DescribeImages over HTTP: an image, a missing tag, a missing repository', async ({ moto, ecr }) => {
  const port = await createSdkPort('eu-west-1', { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' }, { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'x' });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ecr-frontend-dev' }));
  await push(ecr, '1.0.0');
  const found = await port.ecr.describeImage({ registryId: MOTO_ACCOUNT_ID, repository: 'ecr-frontend-dev', tag: '1.0.0' });
  assert.is(found.kind, 'found');
  if (found.kind === 'found') assert.match(found.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await port.ecr.describeImage({ registryId: MOTO_ACCOUNT_ID, repository: 'ecr-frontend-dev', tag: '9.9.9' }), { kind: 'image-missing' });
  assert.equal(await port.ecr.describeImage({ registryId: MOTO_ACCOUNT_ID, repository: 'ecr-nothing-dev', tag: '1.0.0' }), { kind: 'repository-missing' });
});

wire('D-12 / D-17 / D-16: the deploy assumes the bootstrap stack\'s deploy role over STS and names the execution role on its change sets; a release checks ECR first and moves one tag', async ({ moto, cfn, ecr }) => {
  const w = new WireWorkspace(moto, motoReleaseTemplates());
  const boot = await w.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(boot.code, 0, boot.stderr);
  assert.is(boot.calls.get('sts.assumeRole'), undefined, 'bootstrap acts with the caller\'s own credentials');
  assert.is(boot.calls.get('iam.roleExists'), 1, 'it looked for the ECS service-linked role through IAM');
  // IAM GetRole over HTTP (the port bootstrap reads the account with): the roles exist now.
  const port = await createSdkPort('eu-west-1', { AWS_ENDPOINT_URL: moto.endpoint });
  assert.is(await port.iam.roleExists('role-deploy-tap-dev'), true);
  assert.is(await port.iam.roleExists('role-cfn-exec-tap-dev'), true);
  assert.is(await port.iam.roleExists('role-nobody-made'), false);

  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ecr-frontend-dev' }));
  await push(ecr, '1.0.0');
  w.editParams((d) => { d.deployment['deployRoleArn'] = DEPLOY_ROLE; d.imageTags['frontend'] = '1.0.0'; });
  const deployed = await w.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(deployed.code, 0, deployed.stderr);
  assert.is(deployed.calls.get('sts.assumeRole'), 1);
  assert.match(deployed.stdout, /\(as arn:aws:sts::123456789012:assumed-role\/role-deploy-tap-dev\/tap-dev-\d+, the deploy role of deployment\.deployRoleArn\)/);
  assert.match(deployed.stdout, `CloudFormation acts as ${EXECUTION_ROLE}`);
  const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: 'tap-dev' }))).Stacks ?? [];
  assert.is(stack?.RoleARN, EXECUTION_ROLE, 'the stack runs as the execution role');

  // A release of a tag the repository lacks: refused before any change set.
  w.editParams((d) => { d.imageTags['frontend'] = '1.0.1'; });
  const missing = await w.run(['release', '--env', 'dev', '--service', 'frontend', '--tag', '1.0.1', '--yes']);
  assert.is(missing.code, 4, missing.stdout + missing.stderr);
  assert.match(missing.stderr, 'ecr-frontend-dev (account 123456789012, eu-west-1) has no image tagged 1.0.1');
  assert.is(missing.calls.get('ecr.describeImage'), 1);
  assert.is(missing.calls.get('cfn.createChangeSet'), undefined);

  await push(ecr, '1.0.1');
  const released = await w.run(['release', '--env', 'dev', '--service', 'frontend', '--tag', '1.0.1', '--yes']);
  assert.is(released.code, 0, released.stdout + released.stderr);
  assert.match(released.stdout, 'Released frontend 1.0.1 to tap-dev (it ran 1.0.0).');
  const [root] = (await cfn.send(new DescribeStacksCommand({ StackName: 'tap-dev' }))).Stacks ?? [];
  assert.is(root?.Parameters?.find((p) => p.ParameterKey === 'FrontendImageTag')?.ParameterValue, '1.0.1');
  const services = (await cfn.send(new ListStackResourcesCommand({ StackName: 'tap-dev' }))).StackResourceSummaries?.find((r) => r.LogicalResourceId === 'Services');
  const frontend = (await cfn.send(new ListStackResourcesCommand({ StackName: services?.PhysicalResourceId ?? '' }))).StackResourceSummaries?.find((r) => r.LogicalResourceId === 'Frontend');
  const [nested] = (await cfn.send(new DescribeStacksCommand({ StackName: frontend?.PhysicalResourceId ?? '' }))).Stacks ?? [];
  assert.is(nested?.Parameters?.find((p) => p.ParameterKey === 'ImageTag')?.ParameterValue, '1.0.1', 'the tag reached the service\'s stack');
});

wire.run();

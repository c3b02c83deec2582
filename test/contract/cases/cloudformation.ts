/**
 * Contract cases: CloudFormation as the deploy, diff, outputs and destroy use it, on a flat stack
 * of one log group (a type moto models), from a TemplateURL in S3 (as the toolkit deploys).
 */
import * as assert from 'uvu/assert';
import type { ChangeSetPage, CreateChangeSetRequest, StackDescription } from '../../../src/aws/port';
import type { TemplateJson } from '../../../src/core/template-json';
import { NO_CHANGES_REASON } from '../../fakes/aws';
import type { ContractTarget } from '../targets';
import { rejects, settled, unsupported, type ContractCase } from './case';

const STACK = 'contract';
const BUCKET = 'contract-templates';
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

const logTemplate = (retentionInDays: number): TemplateJson => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'contract: one log group',
  Parameters: { Environment: { Type: 'String', Description: 'environment' } },
  Resources: {
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/contract/${Environment}' }, RetentionInDays: retentionInDays } },
  },
  Outputs: { LogGroupName: { Description: 'log group', Value: { Ref: 'Logs' } } },
});

/** Uploads a template as the toolkit does (its key names its content) and answers its virtual-hosted TemplateURL and body. */
async function uploaded(target: ContractTarget, name: string, template: TemplateJson): Promise<{ url: string; body: string }> {
  const { port, account, region, arrange } = target;
  if ((await port.s3.headBucket(BUCKET, account)) === 'absent') await arrange.bucket(BUCKET);
  const body = JSON.stringify(template);
  await port.s3.putObject({ bucket: BUCKET, key: `templates/${name}.json`, body: new Uint8Array(Buffer.from(body)), contentType: 'application/json', expectedOwner: account });
  return { url: `https://${BUCKET}.s3.${region}.amazonaws.com/templates/${name}.json`, body };
}

function request(type: CreateChangeSetRequest['changeSetType'], name: string, url: string, extra: Partial<CreateChangeSetRequest> = {}): CreateChangeSetRequest {
  return {
    stackName: STACK, changeSetName: name, changeSetType: type, template: { url }, parameters: { Environment: 'dev' }, tags: { team: 'contract' },
    capabilities: CAPABILITIES, includeNestedStacks: true, clientToken: `token-${name}`, description: `contract ${name}`, ...extra,
  };
}

const computing = (page: ChangeSetPage | undefined) => page !== undefined && (page.status === 'CREATE_PENDING' || page.status === 'CREATE_IN_PROGRESS');
const busy = (stack: StackDescription | undefined) => stack !== undefined && stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS';

/** The change set once CloudFormation has computed it. */
async function computed(target: ContractTarget, id: string, includePropertyValues = false): Promise<ChangeSetPage> {
  const page = await settled(target, () => target.port.cfn.describeChangeSet(id, { includePropertyValues }), (p) => !computing(p));
  if (!page) throw new Error(`${target.name}: change set ${id} disappeared`);
  return page;
}

/** The stack once no operation runs on it (`undefined` once deleted, by name). */
const idle = (target: ContractTarget, stack: string) => settled(target, () => target.port.cfn.describeStack(stack), (s) => !busy(s));

/** The flat stack, created through a change set: its change set and stack ids. */
async function created(target: ContractTarget): Promise<{ changeSetId: string; stackId: string; url: string; body: string }> {
  const { url, body } = await uploaded(target, 'logs-30', logTemplate(30));
  const { id, stackId } = await target.port.cfn.createChangeSet(request('CREATE', 'create', url));
  await computed(target, id);
  await target.port.cfn.executeChangeSet(id, 'token-execute');
  const stack = await idle(target, STACK);
  assert.is(stack?.status, 'CREATE_COMPLETE');
  return { changeSetId: id, stackId, url, body };
}

const addOf = (page: ChangeSetPage) => page.changes.map((c) => ({ action: c.action, logicalId: c.logicalId, resourceType: c.resourceType }));

export const CLOUDFORMATION: readonly ContractCase[] = [
  {
    name: 'cloudformation: a stack that does not exist is not described, has no change sets, and takes no UPDATE change set',
    run: async (target) => {
      const { port } = target;
      assert.is(await port.cfn.describeStack(STACK), undefined);
      assert.equal((await port.cfn.listChangeSets(STACK)).changeSets, []);
      const { url } = await uploaded(target, 'logs-30', logTemplate(30));
      await rejects(() => port.cfn.createChangeSet(request('UPDATE', 'update', url)), { kind: 'validation', code: 'ValidationError', httpStatus: 400, message: /does not exist/ });
    },
  },
  {
    name: 'cloudformation: a CREATE change set makes the stack REVIEW_IN_PROGRESS, and is computed AVAILABLE with one Add, listed with its description',
    run: async (target) => {
      const { port } = target;
      const { url } = await uploaded(target, 'logs-30', logTemplate(30));
      const { id, stackId } = await port.cfn.createChangeSet(request('CREATE', 'create', url));
      const review = await port.cfn.describeStack(STACK);
      assert.equal([review?.stackId, review?.status], [stackId, 'REVIEW_IN_PROGRESS']);
      const page = await computed(target, id);
      assert.equal([page.id, page.name, page.stackId, page.stackName, page.status, page.executionStatus], [id, 'create', stackId, STACK, 'CREATE_COMPLETE', 'AVAILABLE']);
      assert.equal(page.parameters, { Environment: 'dev' });
      assert.equal(addOf(page), [{ action: 'Add', logicalId: 'Logs', resourceType: 'AWS::Logs::LogGroup' }]);
      const listed = (await port.cfn.listChangeSets(STACK)).changeSets;
      assert.equal(listed.map((c) => [c.id, c.name, c.status, c.executionStatus, c.description]), [[id, 'create', 'CREATE_COMPLETE', 'AVAILABLE', 'contract create']]);
    },
  },
  {
    name: 'cloudformation: executing it creates the stack and its resource; the change set is EXECUTE_COMPLETE; GetTemplate answers the template as submitted',
    run: async (target) => {
      const { port } = target;
      const { changeSetId, stackId, body } = await created(target);
      const stack = await port.cfn.describeStack(STACK);
      assert.equal([stack?.stackId, stack?.status, stack?.parameters, stack?.tags], [stackId, 'CREATE_COMPLETE', { Environment: 'dev' }, { team: 'contract' }]);
      assert.is((await port.cfn.describeChangeSet(changeSetId, { includePropertyValues: false }))?.executionStatus, 'EXECUTE_COMPLETE');
      const resources = (await port.cfn.listStackResources(STACK)).resources;
      assert.equal(resources.map((r) => [r.logicalId, r.physicalId, r.resourceType, r.status]), [['Logs', '/contract/dev', 'AWS::Logs::LogGroup', 'CREATE_COMPLETE']]);
      assert.is(await port.logs.logGroupExists('/contract/dev'), true);
      assert.equal(JSON.parse(await port.cfn.getTemplate(STACK)), JSON.parse(body));
    },
  },
  {
    name: "cloudformation: DescribeStackEvents answers newest first, the stack's CREATE_COMPLETE first",
    run: async (target) => {
      const { port } = target;
      const { stackId } = await created(target);
      const { events } = await port.cfn.describeStackEvents(STACK);
      assert.ok(events.length >= 2, `${events.length} events`);
      assert.equal([events[0].stackId, events[0].logicalId, events[0].resourceType, events[0].status], [stackId, STACK, 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE']);
      const times = events.map((e) => e.timestamp.getTime());
      assert.equal(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.ok(events.some((e) => e.logicalId === STACK && e.status === 'REVIEW_IN_PROGRESS'), 'the REVIEW_IN_PROGRESS of its CREATE change set is there');
    },
  },
  {
    name: 'cloudformation: an UPDATE change set with nothing to change is FAILED with the documented reason and not executable',
    run: async (target) => {
      const { port } = target;
      const { url } = await created(target);
      const { id } = await port.cfn.createChangeSet(request('UPDATE', 'same', url));
      const page = await computed(target, id);
      assert.equal([page.status, page.statusReason, page.executionStatus, page.changes], ['FAILED', NO_CHANGES_REASON, 'UNAVAILABLE', []]);
    },
  },
  {
    name: 'cloudformation: an UPDATE change set lists the resource it modifies; once deleted it is neither described nor listed',
    run: async (target) => {
      const { port } = target;
      await created(target);
      const { url } = await uploaded(target, 'logs-60', logTemplate(60));
      const { id } = await port.cfn.createChangeSet(request('UPDATE', 'longer', url));
      const page = await computed(target, id);
      assert.equal([page.status, page.executionStatus], ['CREATE_COMPLETE', 'AVAILABLE']);
      assert.equal(page.changes.map((c) => [c.action, c.logicalId]), [['Modify', 'Logs']]);
      await port.cfn.deleteChangeSet(id);
      assert.is(await port.cfn.describeChangeSet(id, { includePropertyValues: false }), undefined);
      assert.not.ok((await port.cfn.listChangeSets(STACK)).changeSets.some((c) => c.id === id));
    },
  },
  {
    name: 'cloudformation: a stack has no policy until one is set; the one set is the one read back',
    run: async (target) => {
      const { port } = target;
      await created(target);
      assert.is(await port.cfn.getStackPolicy(STACK), undefined);
      const policy = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: 'LogicalResourceId/Logs' }, { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] });
      await port.cfn.setStackPolicy(STACK, policy);
      assert.equal(JSON.parse((await port.cfn.getStackPolicy(STACK)) ?? '{}'), JSON.parse(policy));
    },
  },
  {
    name: 'cloudformation: after DeleteStack the name answers nothing, the stack id answers DELETE_COMPLETE, and ListStacks lists it deleted',
    run: async (target) => {
      const { port } = target;
      const { stackId } = await created(target);
      await port.cfn.deleteStack(STACK, 'token-delete');
      assert.is(await idle(target, STACK), undefined);
      assert.is((await port.cfn.describeStack(stackId))?.status, 'DELETE_COMPLETE');
      assert.ok((await port.cfn.listStacks(['DELETE_COMPLETE'])).stacks.some((s) => s.stackId === stackId && s.stackName === STACK));
    },
  },
  {
    name: 'cloudformation: CreateChangeSet sent again with the same ClientToken answers the change set it created (a retry creates nothing)',
    run: async (target) => {
      const { port } = target;
      const { url } = await uploaded(target, 'logs-30', logTemplate(30));
      const first = await port.cfn.createChangeSet(request('CREATE', 'create', url));
      const again = await port.cfn.createChangeSet(request('CREATE', 'create', url));
      assert.equal(again, first);
      assert.is((await port.cfn.listChangeSets(STACK)).changeSets.length, 1);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (ClientToken: "to ensure that CloudFormation successfully received them"; the same name with another token is AlreadyExistsException)',
      moto: 'ignores ClientToken: the retry creates a second change set and a second stack of the same name',
      stillDiffers: async (target) => {
        const { url } = await uploaded(target, 'logs-30', logTemplate(30));
        const first = await target.port.cfn.createChangeSet(request('CREATE', 'create', url));
        const again = await target.port.cfn.createChangeSet(request('CREATE', 'create', url));
        assert.is.not(again.id, first.id);
      },
    },
  },
  {
    name: 'cloudformation: a CREATE change set for a stack that exists is AlreadyExistsException',
    run: async (target) => {
      const { url } = await created(target);
      await rejects(() => target.port.cfn.createChangeSet(request('CREATE', 'again', url)), { kind: 'conflict', code: 'AlreadyExistsException', message: /already exists/ });
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (ChangeSetType CREATE is for a stack that does not exist; Errors: AlreadyExistsException)',
      moto: 'accepts it and creates a second stack of the same name',
      stillDiffers: async (target) => {
        const { url } = await created(target);
        const { stackId } = await target.port.cfn.createChangeSet(request('CREATE', 'again', url));
        assert.ok(stackId.includes(`:stack/${STACK}/`));
      },
    },
  },
  {
    name: 'cloudformation: a FAILED change set cannot be executed (InvalidChangeSetStatus) and the stack stays as it was',
    run: async (target) => {
      const { port } = target;
      const { url } = await created(target);
      const { id } = await port.cfn.createChangeSet(request('UPDATE', 'same', url));
      await computed(target, id);
      await rejects(() => port.cfn.executeChangeSet(id, 'token-same'), { kind: 'conflict', code: 'InvalidChangeSetStatus' });
      assert.is((await port.cfn.describeStack(STACK))?.status, 'CREATE_COMPLETE');
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html (Errors: InvalidChangeSetStatus, "the change set is in a status that does not allow the action")',
      moto: 'executes a FAILED change set without error',
      stillDiffers: async (target) => {
        const { url } = await created(target);
        const { id } = await target.port.cfn.createChangeSet(request('UPDATE', 'same', url));
        await target.port.cfn.executeChangeSet(id, 'token-same');
      },
    },
  },
  {
    name: 'cloudformation: DescribeChangeSet names what a modification replaces and, with IncludePropertyValues, the values before and after',
    run: async (target) => {
      const { port } = target;
      await created(target);
      const { url } = await uploaded(target, 'logs-60', logTemplate(60));
      const { id } = await port.cfn.createChangeSet(request('UPDATE', 'longer', url));
      const [change] = (await computed(target, id, true)).changes;
      assert.equal([change.action, change.replacement, change.physicalId, change.scope], ['Modify', 'False', '/contract/dev', ['Properties']]);
      assert.equal(change.details.map((d) => [d.evaluation, d.changeSource, d.target.name, d.target.requiresRecreation, d.target.beforeValue, d.target.afterValue]), [['Static', 'DirectModification', 'RetentionInDays', 'Never', '30', '60']]);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html, API_ResourceChangeDetail.html, API_DescribeChangeSet.html (IncludePropertyValues)',
      moto: 'answers Action, LogicalResourceId and ResourceType only: no Replacement, PhysicalResourceId, Scope or Details',
      stillDiffers: async (target) => {
        await created(target);
        const { url } = await uploaded(target, 'logs-60', logTemplate(60));
        const { id } = await target.port.cfn.createChangeSet(request('UPDATE', 'longer', url));
        const [change] = (await computed(target, id, true)).changes;
        assert.equal([change.replacement, change.details], [undefined, []]);
      },
    },
  },
  {
    name: "cloudformation: a stack created through a change set answers its outputs",
    run: async (target) => {
      await created(target);
      assert.equal((await target.port.cfn.describeStack(STACK))?.outputs.map((o) => [o.key, o.value]), [['LogGroupName', '/contract/dev']]);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html (Outputs)',
      moto: 'computes no outputs for a stack created or updated by a change set (shared/reference/moto.md §2)',
      stillDiffers: async (target) => {
        await created(target);
        assert.equal((await target.port.cfn.describeStack(STACK))?.outputs, []);
      },
    },
  },
  {
    name: 'cloudformation: a deleted stack lists its resources DELETE_COMPLETE, and they are gone from their service',
    run: async (target) => {
      const { port } = target;
      const { stackId } = await created(target);
      await port.cfn.deleteStack(STACK, 'token-delete');
      await idle(target, STACK);
      assert.equal((await port.cfn.listStackResources(stackId)).resources.map((r) => [r.logicalId, r.status]), [['Logs', 'DELETE_COMPLETE']]);
      assert.is(await port.logs.logGroupExists('/contract/dev'), false);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html ("For deleted stacks, ListStackResources returns resource information for up to 90 days")',
      moto: 'lists them CREATE_COMPLETE (a fixed status), and leaves the log group behind',
      stillDiffers: async (target) => {
        const { stackId } = await created(target);
        await target.port.cfn.deleteStack(STACK, 'token-delete');
        assert.equal((await target.port.cfn.listStackResources(stackId)).resources.map((r) => r.status), ['CREATE_COMPLETE']);
      },
    },
  },
  {
    name: 'cloudformation: termination protection, set on the root, refuses DeleteStack',
    run: async (target) => {
      const { port } = target;
      await created(target);
      await port.cfn.updateTerminationProtection(STACK, true);
      assert.is((await port.cfn.describeStack(STACK))?.terminationProtection, true);
      await rejects(() => port.cfn.deleteStack(STACK, 'token-delete'), { kind: 'validation', code: 'ValidationError', message: /TerminationProtection/ });
      assert.is((await port.cfn.describeStack(STACK))?.status, 'CREATE_COMPLETE');
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html',
      moto: 'does not implement UpdateTerminationProtection (HTTP 500), and its DeleteStack ignores EnableTerminationProtection',
      stillDiffers: async (target) => {
        await created(target);
        await unsupported(() => target.port.cfn.updateTerminationProtection(STACK, true));
      },
    },
  },
  {
    name: 'cloudformation: drift detection of a stack completes, in sync when nothing drifted',
    run: async (target) => {
      const { port } = target;
      await created(target);
      const detection = await port.cfn.detectStackDrift(STACK);
      const status = await settled(target, () => port.cfn.describeStackDriftDetectionStatus(detection), (s) => s.status !== 'DETECTION_IN_PROGRESS');
      assert.equal([status.status, status.stackDriftStatus], ['DETECTION_COMPLETE', 'IN_SYNC']);
      assert.equal((await port.cfn.describeStackResourceDrifts(STACK)).drifts, []);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html',
      moto: 'does not implement DetectStackDrift or DescribeStackDriftDetectionStatus (HTTP 500)',
      stillDiffers: async (target) => {
        await created(target);
        await unsupported(() => target.port.cfn.detectStackDrift(STACK));
      },
    },
  },
  {
    name: 'cloudformation: with IncludeNestedStacks a nested stack being added gets its own change set, executable only from the root',
    run: async (target) => {
      const { port } = target;
      const child = await uploaded(target, 'child', logTemplate(30));
      const root: TemplateJson = {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: 'contract: one nested stack',
        Parameters: { Environment: { Type: 'String', Description: 'environment' } },
        Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: child.url, Parameters: { Environment: { Ref: 'Environment' } } } } },
      };
      const { url } = await uploaded(target, 'root', root);
      const { id } = await port.cfn.createChangeSet(request('CREATE', 'nested', url));
      const [change] = (await computed(target, id)).changes;
      assert.equal([change.action, change.logicalId, change.resourceType], ['Add', 'Child', 'AWS::CloudFormation::Stack']);
      assert.ok(change.changeSetId, 'the change names its nested change set');
      const nested = await computed(target, change.changeSetId ?? '');
      assert.equal([nested.parentChangeSetId, nested.rootChangeSetId, nested.status, nested.executionStatus], [id, id, 'CREATE_COMPLETE', 'UNAVAILABLE']);
      assert.equal(addOf(nested), [{ action: 'Add', logicalId: 'Logs', resourceType: 'AWS::Logs::LogGroup' }]);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html',
      moto: 'accepts IncludeNestedStacks and ignores it: the nested stack is one change with no ChangeSetId',
      stillDiffers: async (target) => {
        const child = await uploaded(target, 'child', logTemplate(30));
        const root: TemplateJson = { AWSTemplateFormatVersion: '2010-09-09', Description: 'nested', Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: child.url, Parameters: { Environment: 'dev' } } } } };
        const { url } = await uploaded(target, 'root', root);
        const { id } = await target.port.cfn.createChangeSet({ ...request('CREATE', 'nested', url), parameters: {} });
        const [change] = (await computed(target, id)).changes;
        assert.equal([change.resourceType, change.changeSetId], ['AWS::CloudFormation::Stack', undefined]);
      },
    },
  },
];

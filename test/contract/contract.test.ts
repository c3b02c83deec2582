/**
 * The contract suite (issue 10 item 4, P-TRUTH): the same scenario cases run against the fake AWS
 * (test/fakes/aws/) and against the local moto server through the real SDK adapter
 * (src/aws/sdk.ts), through the toolkit's port (src/aws/port.ts), so the two cannot drift apart
 * silently. Each case asserts what a caller of the port observes: answers, and errors by kind,
 * code and HTTP status. Cases: ./cases/ (STS and S3, CloudFormation, the other services).
 *
 * Where moto differs from AWS's documented behaviour, the case runs against the fake only, and a
 * second test asserts that moto still differs that way: the day moto follows AWS, that test fails
 * and the case moves to both. The differences (moto 5.2.5, requirements.txt):
 *
 * | Case (fake only) | The AWS documentation the fake follows | How moto differs |
 * |---|---|---|
 * | s3: a bucket another account owns is foreign … (ExpectedBucketOwner) | [bucket owner condition](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html) | ignores ExpectedBucketOwner |
 * | cloudformation: CreateChangeSet sent again with the same ClientToken … | [CreateChangeSet](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html) ClientToken | ignores it: a second change set and a second stack |
 * | cloudformation: a CREATE change set for a stack that exists … | [CreateChangeSet](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html) AlreadyExistsException | creates a second stack of the same name |
 * | cloudformation: a FAILED change set cannot be executed … | [ExecuteChangeSet](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html) InvalidChangeSetStatus | executes it |
 * | cloudformation: DescribeChangeSet names what a modification replaces … | [ResourceChange](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html), IncludePropertyValues | Action, LogicalResourceId and ResourceType only |
 * | cloudformation: a stack created through a change set answers its outputs | [Stack](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html) Outputs | no outputs for change-set stacks |
 * | cloudformation: a deleted stack lists its resources DELETE_COMPLETE … | [ListStackResources](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html) | CREATE_COMPLETE rows; the log group is left |
 * | cloudformation: termination protection, set on the root, refuses DeleteStack | [Protect stacks from being deleted](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html) | UpdateTerminationProtection not implemented (500) |
 * | cloudformation: drift detection of a stack completes … | [DetectStackDrift](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html) | not implemented (500) |
 * | cloudformation: with IncludeNestedStacks a nested stack being added gets its own change set … | [Change sets for nested stacks](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html) | IncludeNestedStacks ignored |
 * | secrets: force-deleting a secret that is already gone … | [DeleteSecret](https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html) ResourceNotFoundException | succeeds again |
 * | kms: ScheduleKeyDeletion refuses a window outside 7-30 days … | [ScheduleKeyDeletion](https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html) | accepts 3 days, and a key already pending deletion |
 *
 * What neither can show (moto does not model it, and the fake's model of it has no documented
 * answer to compare): rollbacks and failure events, stack policies enforced, the permission model
 * of assumed roles, live ECS/target/Cloud Map state. Those are the fake's alone, each with its
 * source in its module's header; test/wire/ drives the CLI over moto. The AWS behaviours of
 * issue 11 are among them (moto makes no nested change sets, so no placeholders; it keeps no
 * Lambda concurrency quota, no ECS service-linked role and no ECS-owned listener weights: shared
 * reference moto.md): test/aws-behaviour/ tests each against its sources.
 */
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silenceSdkNodeNotice } from '../../src/aws/sdk';
import { onMoto, type MotoServer } from '../helpers/moto-server';
import type { ContractCase } from './cases/case';
import { CLOUDFORMATION } from './cases/cloudformation';
import { IDENTITY_AND_STORAGE } from './cases/identity-and-storage';
import { SERVICES } from './cases/services';
import { fakeTarget, motoTarget } from './targets';

silenceSdkNodeNotice();

export const CASES: readonly ContractCase[] = [...IDENTITY_AND_STORAGE, ...CLOUDFORMATION, ...SERVICES];

const contract = suite<{ moto: MotoServer }>('contract');
onMoto(contract, 'contract suite', () => ({}));

for (const c of CASES) {
  contract(`P-TRUTH contract [fake]: ${c.name}`, async () => c.run(fakeTarget()));
  if (c.fakeOnly) {
    const { stillDiffers, moto: how } = c.fakeOnly;
    contract(`P-TRUTH contract [moto differs: ${how}]: ${c.name}`, async ({ moto }) => stillDiffers(await motoTarget(moto)));
  } else {
    contract(`P-TRUTH contract [moto]: ${c.name}`, async ({ moto }) => c.run(await motoTarget(moto)));
  }
}

contract('P-TRUTH contract: the header table lists exactly the cases that run on the fake only, each with the AWS page the fake follows', () => {
  const header = fs.readFileSync('test/contract/contract.test.ts', 'utf8').split('*/')[0];
  // A row names its case by pieces of its name, in order, "…" for what it leaves out.
  const rows = header.split('\n').filter((line) => /^ \* \| [a-z0-9]+: /.test(line)).map((line) => line.slice(5, line.indexOf(' |', 5)));
  const named = (row: string, name: string) => row.split('…').map((piece) => piece.trim()).filter(Boolean).every((piece, i) => (i === 0 ? name.startsWith(piece) : name.includes(piece)));
  const fakeOnly = CASES.filter((c) => c.fakeOnly).map((c) => c.name);
  assert.equal(rows.length, fakeOnly.length, rows.join('\n'));
  for (const row of rows) assert.ok(fakeOnly.some((name) => named(row, name)), `no fake-only case named like "${row}"`);
  // Each names the AWS documentation page the fake follows instead.
  const pages = header.split('\n').filter((line) => /^ \* \| [a-z0-9]+: /.test(line)).map((line) => line.split(' | ')[2] ?? '');
  for (const page of pages) assert.match(page, /\]\(https:\/\/docs\.aws\.amazon\.com\/[^)]+\)/, page);
  assert.ok(CASES.filter((c) => !c.fakeOnly).length >= 20, 'most cases run on both');
});

contract.run();

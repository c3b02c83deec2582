/**
 * Every way an operation can end, in words and exit code: each outcome type rendered from data as
 * the operations produce it (test/operations/ proves which scenario produces which), with the
 * next step a person copies (`make …`, `tap …`) and the code from the one table. A row per outcome
 * type and precondition kind at least: a new one without a row fails the last test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitCodeOf, OUTCOME_EXIT_CODES } from '../../../src/cli/exit-codes';
import { renderOutcome, type OperationCommand } from '../../../src/cli/render/outcomes';
import { styler } from '../../../src/cli/terminal';
import { sayTo } from '../../../src/cli/ui';
import { createMasker } from '../../../src/operations/mask';
import type { FailureReport, Outcome, PreconditionReason } from '../../../src/operations/operation';
import type { OutputsDocument } from '../../../src/operations/outputs';
import type { FailedResource } from '../../../src/operations/progress/failure';
import type { ListenerRuleFinding } from '../../../src/operations/review/model';
import type { VerifyReport } from '../../../src/operations/verify';
import type { CheckRow } from '../../../src/operations/verify-rules';
import { Capture } from '../../helpers/capture';

interface Row {
  /** The requirement and what a person must read. */
  readonly name: string;
  readonly outcome: Outcome;
  readonly command?: OperationCommand;
  readonly environment?: string;
  readonly reviewFile?: string;
  /** promote (D-18): the environment promoted from. */
  readonly promotionFrom?: string;
  readonly json?: boolean;
  readonly stdout?: readonly (string | RegExp)[];
  readonly stderr?: readonly (string | RegExp)[];
  /** What must not be said (a hint whose condition is false). */
  readonly reject?: readonly (string | RegExp)[];
  /** Files in the workspace before rendering (e.g. a saved review). */
  readonly files?: Readonly<Record<string, string>>;
  readonly code: number;
}

const at = new Date(Date.UTC(2026, 9, 12, 9, 3, 53));
const failed = (path: string, logicalId: string, resourceType: string, status: FailedResource['status'], reason: string): FailedResource => ({ path, logicalId, resourceType, status, reason, at });
const report = (status: FailureReport['status'], extra: Partial<FailureReport> = {}): FailureReport => ({ stackName: 'tap-dev', status, otherFailures: [], rollbackFailures: [], skip: [], ...extra });
const precondition = (reason: PreconditionReason): Outcome => ({ type: 'precondition', reason });
const OUTPUTS: OutputsDocument = {
  environment: 'dev',
  stackName: 'tap-dev',
  stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/tap-dev/1',
  readAt: at.toISOString(),
  root: { VpcId: { value: 'vpc-1', description: 'VPC' }, ServiceArns: { value: 'arn:a,arn:b' } },
  stacks: { Network: { VpcId: { value: 'vpc-1' } } },
  services: { frontend: { ServiceArn: 'arn:a' }, 'api-gateway': { ServiceArn: 'arn:b' } },
};
const LISTENER_RULE: ListenerRuleFinding = {
  address: 'Services/Frontend/ProductionListenerRule', services: ['Services/Frontend/Service'], change: 'modified', listener: 'production', frozen: true, likelyNoise: false,
  source: 'https://github.com/aws/aws-cdk/issues/36649',
};
const VERIFY = (rows: readonly CheckRow[]): VerifyReport => ({ stackName: 'tap-dev', checkedAt: at.toISOString(), rows });
const VERIFY_ROWS = {
  stackOk: { check: 'stack', subject: 'tap-dev', status: 'ok', finding: { kind: 'stack-complete', status: 'UPDATE_COMPLETE' }, ref: 'tap-dev' },
  alarmOk: { check: 'alarm', subject: 'alarm-cpu-api-gateway-dev', status: 'ok', finding: { kind: 'alarm-quiet', state: 'OK' } },
  alarmFiring: { check: 'alarm', subject: 'alarm-5xx-api-gateway-dev', status: 'fail', finding: { kind: 'alarm-firing', reason: 'Threshold Crossed', since: at } },
  logsDenied: { check: 'logs', subject: 'logs-api-gateway-dev', status: 'unknown', finding: { kind: 'not-known', why: { kind: 'error', operation: 'logs.filterLogEvents', errorKind: 'access-denied', error: { code: 'AccessDeniedException', message: 'not authorized' } } } },
} as const satisfies Record<string, CheckRow>;
const ROOT_CAUSE = failed('Registry', 'FrontendRepository', 'AWS::ECR::Repository', 'CREATE_FAILED', 'Resource handler returned message: "Repository ecr-frontend-dev already exists"');
const LOG_GROUP = failed('Services/Frontend', 'LogGroup', 'AWS::Logs::LogGroup', 'UPDATE_FAILED', 'Log group /tap/dev/frontend was deleted outside CloudFormation');

const ROWS: readonly Row[] = [
  // ── deploy, diff, bootstrap ────────────────────────────────────────────────────────────────
  { name: 'D-9: a deploy prints the outputs, writes outputs.json and counts its API calls', outcome: { type: 'deployed', stackName: 'tap-dev', outputs: OUTPUTS },
    stdout: [/Outputs of tap-dev\noutput\s+value/, /Per service\nservice\s+ServiceArn/, /api-gateway\s+arn:b/, "Nested stacks' outputs (Network) are in .tap/dev/outputs.json.", 'Outputs written to .tap/dev/outputs.json. 8 AWS API calls.'], code: 0 },
  { name: 'D-3: nothing to do still refreshes the outputs', outcome: { type: 'no-changes', outputs: OUTPUTS }, stdout: ['Outputs written to .tap/dev/outputs.json. 8 AWS API calls.'], code: 0 },
  { name: 'D-4: a diff with nothing to do says nothing more', outcome: { type: 'no-changes' }, command: 'diff', stdout: [], code: 0 },
  { name: 'D-5: a diff leaves the change set for deploy --review', outcome: { type: 'reviewed', changeSetName: 'tap-dev-x' }, command: 'diff',
    stdout: ['The change set is left for review. To execute exactly this change set: make deploy ENV=dev REVIEW=.tap/dev/review.json', '(tap deploy --env dev --review .tap/dev/review.json; it refuses if anything changed since this review)'], code: 0 },
  { name: 'D-6 / D-13: left for review, with its own review file (review.json stays the latest diff\'s)', outcome: { type: 'left-for-review', changeSetName: 'tap-dev-x', reviewSaved: true },
    stdout: ['Left for review: change set tap-dev-x was NOT executed (no terminal to ask, and no --yes).', '  Review it in .tap/dev/reviews/tap-dev-x.md or the CloudFormation console', '    make deploy ENV=dev REVIEW=.tap/dev/reviews/tap-dev-x.json', '    tap deploy --env dev --review .tap/dev/reviews/tap-dev-x.json'], code: 5 },
  { name: 'D-6: --require-approval broadening: --yes did not approve a change set whose security is not known', outcome: { type: 'left-for-review', changeSetName: 'tap-dev-x', reviewSaved: true, approvalRequired: { level: 'broadening', broadening: 0, securityUnknown: true } },
    stdout: ['Left for review: change set tap-dev-x was NOT executed (--require-approval broadening wants a person: its security-relevant changes are not known; there is no terminal to ask).'], code: 5 },
  { name: 'D-6: --require-approval broadening: --yes did not approve broadening changes', outcome: { type: 'left-for-review', changeSetName: 'tap-dev-x', reviewSaved: true, approvalRequired: { level: 'broadening', broadening: 2, securityUnknown: false } },
    stdout: ['(--require-approval broadening wants a person: 2 security changes broaden access; there is no terminal to ask)'], code: 5 },
  { name: 'D-6: --require-approval any-change', outcome: { type: 'left-for-review', changeSetName: 'tap-dev-x', reviewSaved: true, approvalRequired: { level: 'any-change' } },
    stdout: ['(--require-approval any-change wants a person for every change set, and there is no terminal to ask)'], code: 5 },
  { name: 'D-1: the bootstrap change set left for review names make bootstrap --yes', outcome: { type: 'left-for-review', changeSetName: 'tap-dev-x', reviewSaved: false }, command: 'bootstrap',
    stdout: ["  After reviewing it above, run: make bootstrap ENV=dev ARGS='--yes'"], code: 5 },
  { name: 'D-6: declined, but the change set could not be deleted: it says so and how to remove it', outcome: { type: 'declined', what: { kind: 'change-set', changeSetDeleted: false, emptyStackDeleted: false } },
    stdout: ['Declined. Nothing was executed, but the change set could not be deleted: it stays on the stack until you delete it (console, or aws cloudformation delete-change-set).'], code: 6 },
  { name: 'D-6: declined: the change set and the empty stack are gone', outcome: { type: 'declined', what: { kind: 'change-set', changeSetDeleted: true, emptyStackDeleted: true } },
    stdout: ['Declined: the change set was deleted, and so was the empty stack it had created. Nothing was executed.'], code: 6 },
  { name: 'P-DATA: prod refuses data loss and names the --allow-replace to deploy it', environment: 'prod',
    outcome: { type: 'refused', reason: { kind: 'guarded-changes', environment: 'prod', changeSetDeleted: true, listenerRules: [], dataLoss: [{ address: 'Registry/FrontendRepository', resourceType: 'AWS::ECR::Repository', what: 'replaced', why: 'container images: releases cannot be rebuilt bit-for-bit', causes: [], likelyNoise: false }] } },
    stderr: ['refused prod keeps its data (DataProtection=retain): this change set would delete or replace 1 stateful resource:', '  Registry/FrontendRepository  AWS::ECR::Repository replaced (container images: releases cannot be rebuilt bit-for-bit)', '  The change set was deleted; nothing was executed.', "  If that is intended, deploy naming each one: make deploy ENV=prod ARGS='--allow-replace Registry/FrontendRepository'"], code: 10 },
  { name: 'P-DATA: a refused reviewed change set stays, with the tap command to execute it naming each one', environment: 'prod', reviewFile: 'reviewed.json',
    outcome: { type: 'refused', reason: { kind: 'guarded-changes', environment: 'prod', changeSetDeleted: false, listenerRules: [], dataLoss: [{ address: 'Registry/FrontendRepository', resourceType: 'AWS::ECR::Repository', what: 'replaced', why: 'images', causes: [], likelyNoise: false }] } },
    stderr: ['  If that is intended, execute it naming each one: tap deploy --env prod --review reviewed.json --allow-replace Registry/FrontendRepository'], code: 10 },
  { name: 'P-DEPLOY: an update of an ECS-managed listener rule is refused in any environment and names the --allow-update to deploy it',
    outcome: { type: 'refused', reason: { kind: 'guarded-changes', environment: 'dev', changeSetDeleted: true, dataLoss: [], listenerRules: [LISTENER_RULE] } },
    stderr: [
      'refused this change set would update 1 ECS-managed listener rule, which resets the blue/green weights ECS owns (https://github.com/aws/aws-cdk/issues/36649):',
      '  Services/Frontend/ProductionListenerRule  production listener rule modified (weights managed by Services/Frontend/Service)',
      '  Update those rules between deployments (no ECS deployment in progress), and check the live weights after.',
      '  The change set was deleted; nothing was executed.',
      "  If that is intended, deploy naming each one: make deploy ENV=dev ARGS='--allow-update Services/Frontend/ProductionListenerRule'",
    ], code: 10 },
  { name: 'P-DATA / P-DEPLOY: both kinds at once, each named with its own option', environment: 'prod',
    outcome: { type: 'refused', reason: { kind: 'guarded-changes', environment: 'prod', changeSetDeleted: true, listenerRules: [LISTENER_RULE], dataLoss: [{ address: 'Registry/FrontendRepository', resourceType: 'AWS::ECR::Repository', what: 'replaced', why: 'images', causes: [], likelyNoise: false }] } },
    stderr: [
      'refused prod keeps its data (DataProtection=retain): this change set would delete or replace 1 stateful resource:',
      '  this change set would update 1 ECS-managed listener rule, which resets the blue/green weights ECS owns (https://github.com/aws/aws-cdk/issues/36649):',
      "  If that is intended, deploy naming each one: make deploy ENV=prod ARGS='--allow-replace Registry/FrontendRepository --allow-update Services/Frontend/ProductionListenerRule'",
    ], code: 10 },
  { name: 'D-6: a stale review lists its reasons and what to do', reviewFile: 'reviewed.json',
    outcome: { type: 'stale-review', reasons: [{ kind: 'stack-changed', stackName: 'tap-dev', reviewed: { status: 'CREATE_COMPLETE' }, now: { status: 'UPDATE_COMPLETE', lastUpdatedTime: '2026-10-12T09:05:00.000Z' } }, { kind: 'change-set-gone', name: 'tap-dev-x' }, { kind: 'parameters' }, { kind: 'other-account', reviewed: { accountId: '1', region: 'eu-west-1' }, now: { accountId: '2', region: 'eu-west-1' } }] },
    stderr: ['stale review reviewed.json no longer describes what would be executed; nothing was executed:', '  - stack tap-dev changed since the review (CREATE_COMPLETE at creation → UPDATE_COMPLETE at 2026-10-12T09:05:00.000Z)', '  - change set tap-dev-x no longer exists', '  - the parameters in the params file changed since the review', '  - the review is for account 1 in eu-west-1, not 2 in eu-west-1', '  Create and review a new change set: make diff ENV=dev'], code: 9 },
  { name: 'D-4: a nested change set that failed names its own reason', outcome: { type: 'change-set-failed', failure: { kind: 'failed', reason: 'Nested change set arn:x was not successfully created: Currently in FAILED.', causes: [{ stackName: 'tap-dev-Services-1', reason: 'Parameters: [VpcId] must have values' }], emptyStackDeleted: true } },
    stderr: ['error CloudFormation could not create the change set: Nested change set arn:x was not successfully created: Currently in FAILED.', '  caused by tap-dev-Services-1: Parameters: [VpcId] must have values', '  The failed change set was deleted, and so was the empty stack it had created. Nothing else was changed.'], code: 3 },
  { name: 'D-4: a change set CloudFormation rejected', outcome: { type: 'change-set-failed', failure: { kind: 'rejected', error: { code: 'ValidationError', message: 'Template format error: Unresolved resource dependencies [Nope]' } } },
    stderr: ['error CloudFormation CreateChangeSet rejected the change set: Template format error: Unresolved resource dependencies [Nope]'], reject: ['aws-errors.log'], code: 3 },
  { name: 'issue 13 #6: a 2,000-character rejection is shortened on screen; its whole text goes to .tap/dev/aws-errors.log',
    outcome: { type: 'change-set-failed', failure: { kind: 'rejected', error: { code: 'ValidationError', message: `Template format error: Unresolved resource dependencies [${Array.from({ length: 200 }, (_, i) => `Resource${i}`).join(', ')}] in the Resources block of the template` } } },
    stderr: [/^error CloudFormation CreateChangeSet rejected the change set: Template format error: Unresolved resource dependencies \[Resource0, .{100,240}… \(whole text in \.tap\/dev\/aws-errors\.log\)$/m], reject: ['Resource199'], code: 3 },
  { name: 'D-4: a change set deleted while being computed', outcome: { type: 'change-set-failed', failure: { kind: 'disappeared', emptyStackDeleted: false } },
    stderr: ['error CloudFormation could not create the change set: the change set disappeared while CloudFormation was computing it', '  The failed change set was deleted. Nothing else was changed.'], code: 3 },
  { name: 'D-6: an ExecuteChangeSet that failed twice executed nothing (network: exit 4, not 1)', outcome: { type: 'execute-failed', failure: { kind: 'failed-twice' } },
    stderr: ['error the change set could not be executed: ExecuteChangeSet failed twice; the change set is still AVAILABLE and nothing was executed'], code: 4 },
  { name: 'D-6: an ExecuteChangeSet whose answer was lost and whose change set is gone (network: exit 4)', outcome: { type: 'execute-failed', failure: { kind: 'change-set-gone', error: { code: 'ECONNRESET', message: 'socket hang up' } } },
    stderr: ['error the change set could not be executed: ECONNRESET: socket hang up (and the change set is gone)'], code: 4 },
  { name: 'D-1: the artifact bucket is ready, with its export and the next step', command: 'bootstrap',
    outcome: { type: 'bootstrapped', bucket: 'tap-artifacts-1-eu-west-1', stackName: 'tap-dev-bootstrap', exportName: 'tap-dev-bootstrap-ArtifactBucketName', outputs: [{ key: 'ArtifactBucketName', value: 'tap-artifacts-1-eu-west-1' }] },
    stdout: [/output\s+value\n-+\s+-+\nArtifactBucketName\s+tap-artifacts-1-eu-west-1/, '✓ Artifact bucket tap-artifacts-1-eu-west-1 is ready (stack tap-dev-bootstrap; export tap-dev-bootstrap-ArtifactBucketName). Next: make deploy ENV=dev'], code: 0 },

  // ── preconditions ──────────────────────────────────────────────────────────────────────────
  { name: 'D-2: credentials for another account', outcome: precondition({ kind: 'guard', failure: { reason: 'account-mismatch', file: 'params/dev.json', expected: '111122223333', identity: { account: '999999999999', arn: 'arn:aws:sts::999999999999:assumed-role/platform-deployer/ci' } } }),
    stderr: ['error params/dev.json deploys to account 111122223333, but the credentials are for account 999999999999 (arn:aws:sts::999999999999:assumed-role/platform-deployer/ci). Switch to credentials for 111122223333 (e.g. AWS_PROFILE) and retry.', '  Nothing was changed in AWS.'], code: 4 },
  { name: 'D-2: a configured region that disagrees', outcome: precondition({ kind: 'guard', failure: { reason: 'region-mismatch', file: 'params/dev.json', expected: 'eu-west-1', configured: { region: 'us-east-1', source: 'AWS_REGION' } } }),
    stderr: ["error params/dev.json deploys to eu-west-1, but AWS_REGION says us-east-1. Unset it or set it to eu-west-1; the toolkit never deploys to a region other than the params file's."], code: 4 },
  { name: 'D-2: no usable credentials names the standard chain', outcome: precondition({ kind: 'guard', failure: { reason: 'no-credentials', unusable: true } }),
    stderr: [/^error no usable AWS credentials\. Searched the standard chain: environment variables \(AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\/AWS_SESSION_TOKEN\), AWS_PROFILE/m], code: 4 },
  { name: 'D-2: refused credentials say why', outcome: precondition({ kind: 'guard', failure: { reason: 'no-credentials', unusable: true, error: { code: 'ExpiredToken', message: 'expired' } } }),
    stderr: [/^error no usable AWS credentials \(ExpiredToken: expired\)\. Searched the standard chain/m], code: 4 },
  { name: 'D-2: STS could not be asked', outcome: precondition({ kind: 'guard', failure: { reason: 'sts-failed', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } } }),
    stderr: ["error could not confirm the caller's account with STS GetCallerIdentity: ECONNREFUSED: connect ECONNREFUSED"], code: 4 },
  { name: 'D-7: a diff while another operation runs', command: 'diff', outcome: precondition({ kind: 'stack-busy', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }),
    stderr: ['error tap-dev is UPDATE_IN_PROGRESS: another operation is running. Diff after it finishes (make deploy ENV=dev follows it).'], code: 4 },
  { name: 'D-10: a destroy while another operation runs', command: 'destroy', outcome: precondition({ kind: 'stack-busy', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }),
    stderr: ['error tap-dev is UPDATE_IN_PROGRESS; destroy it after that operation ends (make deploy ENV=dev follows it).'], code: 4 },
  { name: 'D-8: a failed first create: its cause, and both ways out', outcome: precondition({ kind: 'failed-create', stack: { stackName: 'tap-dev', status: 'ROLLBACK_COMPLETE' }, last: { rootCause: ROOT_CAUSE, rollbackFailures: [], skip: [] } }),
    stderr: ['error tap-dev is ROLLBACK_COMPLETE: its first create failed, and CloudFormation cannot update a stack that was never created.', '  Root cause of the last operation:', '    Registry › AWS::ECR::Repository FrontendRepository CREATE_FAILED at 09:03:53', "    make deploy ENV=dev ARGS='--replace-failed-stack'   (deletes it, then creates; tap deploy --env dev --replace-failed-stack)", '    make destroy ENV=dev, then make deploy ENV=dev'], code: 4 },
  { name: 'D-8: an unfinished rollback points to continue-rollback', outcome: precondition({ kind: 'rollback-unfinished', stack: { stackName: 'tap-dev', status: 'UPDATE_ROLLBACK_FAILED' }, last: { rollbackFailures: [LOG_GROUP], skip: ['Services.Frontend.LogGroup'] } }),
    stderr: ['error tap-dev is UPDATE_ROLLBACK_FAILED; it takes no change set in this state.', '  Failed while rolling back (1):', '    Services/Frontend › AWS::Logs::LogGroup LogGroup UPDATE_FAILED at 09:03:53: Log group /tap/dev/frontend was deleted outside CloudFormation', '  Finish the rollback first: make continue-rollback ENV=dev (tap continue-rollback --env dev); it names the resources that failed to roll back and how to skip them.'], code: 4 },
  { name: 'D-8: any other stuck state', outcome: precondition({ kind: 'stuck', stack: { stackName: 'tap-dev', status: 'DELETE_FAILED', statusReason: 'bucket not empty' } }),
    stderr: ['error tap-dev is DELETE_FAILED (bucket not empty); it takes no change set in this state.', '  Resolve it in the CloudFormation console, then deploy again.'], code: 4 },
  { name: 'D-3: a missing artifact bucket names make bootstrap', outcome: precondition({ kind: 'bucket-missing', bucket: 'tap-artifacts-111122223333-eu-west-1', accountId: '111122223333' }),
    stderr: ['error the artifact bucket tap-artifacts-111122223333-eu-west-1 does not exist in account 111122223333.', '  Create it once per environment: make bootstrap ENV=dev'], code: 4 },
  { name: 'D-3: an artifact bucket of another owner', outcome: precondition({ kind: 'bucket-not-owned', bucket: 'b', accountId: '1', file: 'params/dev.json' }),
    stderr: ['error the artifact bucket b is not owned by account 1 (or this role may not read it). Check deployment.artifactBucket in params/dev.json.'], code: 4 },
  { name: 'D-1: a bucket no bootstrap stack manages', command: 'bootstrap', outcome: precondition({ kind: 'bucket-unmanaged', bucket: 'tap-artifacts-111122223333-eu-west-1', accountId: '111122223333', stackName: 'tap-dev-bootstrap', file: 'params/dev.json' }),
    stderr: ['error bucket tap-artifacts-111122223333-eu-west-1 already exists in account 111122223333 but no tap-dev-bootstrap stack manages it. Delete or import it, or name another bucket in params/dev.json.'], code: 4 },
  { name: 'D-1: a bucket name taken in another account', command: 'bootstrap', outcome: precondition({ kind: 'bucket-in-other-account', bucket: 'b', file: 'params/dev.json' }),
    stderr: ['error bucket b exists in another account (bucket names are global). Name another bucket in params/dev.json.'], code: 4 },
  { name: 'D-6: another operation started during approval (read back: the stack is UPDATE_IN_PROGRESS)',
    outcome: precondition({ kind: 'execute-conflict', stackName: 'tap-dev', error: { code: 'ValidationError', message: 'Stack:arn:x is in UPDATE_IN_PROGRESS state and can not be updated.' }, stackNow: 'UPDATE_IN_PROGRESS', changeSetNow: { status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' } }),
    stderr: ['error CloudFormation ExecuteChangeSet refused the change set: ValidationError: Stack:arn:x is in UPDATE_IN_PROGRESS state and can not be updated.', '  Another operation is running on tap-dev (UPDATE_IN_PROGRESS); nothing of this change set was executed. make deploy ENV=dev follows it.'], code: 4 },
  { name: 'issue 13 #6: a refused ExecuteChangeSet with nothing running says no "another operation" (the hint is not true)',
    outcome: precondition({ kind: 'execute-conflict', stackName: 'tap-dev', error: { code: 'InvalidChangeSetStatus', message: 'ChangeSet [arn:cs] cannot be executed in its current status of [CREATE_COMPLETE]' }, stackNow: 'UPDATE_COMPLETE', changeSetNow: { status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' } }),
    stderr: ['  Nothing was executed; the change set is still AVAILABLE.'], reject: [/nother operation/], code: 4 },
  { name: 'D-6: a refused ExecuteChangeSet whose change set is gone says so', outcome: precondition({ kind: 'execute-conflict', stackName: 'tap-dev', error: { code: 'ChangeSetNotFoundException', message: 'ChangeSet [arn:cs] does not exist' }, stackNow: 'UPDATE_COMPLETE', changeSetNow: 'gone' }),
    stderr: ['  The change set no longer exists (deleted, or removed by CloudFormation when another change set was executed); nothing was executed. Create a new one: make deploy ENV=dev'], reject: [/nother operation is running/], code: 4 },
  { name: 'D-6: a refused ExecuteChangeSet whose change set is spent says so', outcome: precondition({ kind: 'execute-conflict', stackName: 'tap-dev', error: { code: 'InvalidChangeSetStatus', message: 'x' }, stackNow: 'UPDATE_COMPLETE', changeSetNow: { status: 'CREATE_COMPLETE', executionStatus: 'OBSOLETE' } }),
    stderr: ['  The change set is CREATE_COMPLETE, OBSOLETE: it cannot be executed; nothing was executed. Create a new one: make deploy ENV=dev'], code: 4 },
  { name: 'D-13: another tap command holds the environment on this machine', outcome: precondition({ kind: 'locked', file: '/ws/.tap/dev/deploy.lock', sameHost: true, holder: { pid: 4242, host: 'laptop', user: 'ana', command: 'tap deploy --env dev', startedAt: '2026-10-12T09:00:00.000Z', toolkitVersion: '0.1.0', token: 't' } }),
    stderr: ['error another tap command holds dev: `tap deploy --env dev` (pid 4242 on laptop, user ana, since 2026-10-12 09:00:00 UTC).', '  It is still running on this machine: wait for it to finish (or stop it: kill -INT 4242), then run this again.'], code: 4 },
  { name: 'D-13: a lock from another machine (a shared checkout) cannot be checked: wait, or remove it', outcome: precondition({ kind: 'locked', file: '/ws/.tap/dev/deploy.lock', sameHost: false, holder: { pid: 7, host: 'ci-runner-3', command: 'tap deploy --env dev', startedAt: '2026-10-12T09:00:00.000Z', toolkitVersion: '0.1.0', token: 't' } }),
    stderr: [/It runs on ci-runner-3, so whether it still runs cannot be checked from here: wait for it, or, if it is not running, remove \S*\.tap\/dev\/deploy\.lock and run this again\./], code: 4 },
  { name: 'D-13: an unreadable lock file', outcome: precondition({ kind: 'locked', file: '/ws/.tap/dev/deploy.lock', sameHost: false }),
    stderr: [/deploy\.lock exists but is not a lock tap can read\. If no tap command is running on dev, remove it and run this again\./], code: 4 },
  { name: 'D-13: a change set being computed on the stack by another run', outcome: precondition({ kind: 'change-set-in-progress', stackName: 'tap-dev', changeSet: { id: 'arn:cs', name: 'tap-dev-20261012-085900-0a1b2c3d', status: 'CREATE_IN_PROGRESS', executionStatus: 'UNAVAILABLE', createdAt: '2026-10-12T08:59:00.000Z', description: 'tap 0.1.0: dev, root template 0a1b2c3d4e5f' } }),
    stderr: ['error CloudFormation is computing change set tap-dev-20261012-085900-0a1b2c3d on tap-dev (created 2026-10-12 08:59:00 UTC: tap 0.1.0: dev, root template 0a1b2c3d4e5f): another deploy or diff of dev is running, on this machine or another.', '  Nothing was changed. Wait for that run (it reviews its change set, and may execute it), then run this again.'], code: 4 },
  { name: 'D-9: outputs of a stack not deployed', command: 'outputs', outcome: precondition({ kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false }),
    stderr: ['error tap-dev is not deployed; nothing to show. Deploy it: make deploy ENV=dev'], code: 4 },
  { name: 'D-9: outputs of a stack that only awaits review', command: 'outputs', outcome: precondition({ kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: true }),
    stderr: ['error tap-dev is not deployed (only a change set awaits review); nothing to show. Deploy it: make deploy ENV=dev'], code: 4 },
  { name: 'D-11: drift of a stack not deployed', command: 'drift', outcome: precondition({ kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false }),
    stderr: ['error tap-dev is not deployed; nothing to check. Deploy it: make deploy ENV=dev'], code: 4 },
  { name: 'D-8: continue-rollback with no failed rollback', command: 'continue-rollback', outcome: precondition({ kind: 'no-failed-rollback', stackName: 'tap-dev', status: 'UPDATE_COMPLETE' }),
    stderr: ['error tap-dev is UPDATE_COMPLETE; there is no failed rollback to continue.'], code: 4 },
  { name: 'D-11: an endpoint without drift detection', command: 'drift', outcome: precondition({ kind: 'drift-unsupported', error: { code: 'InternalFailure', message: 'not yet implemented' } }),
    stderr: ['error this endpoint does not implement drift detection (InternalFailure: not yet implemented)'], code: 4 },

  { name: 'D-17: a deploy role that cannot be assumed stops before anything changes, naming the role, the caller and the way to create it',
    outcome: precondition({ kind: 'assume-role-failed', roleArn: 'arn:aws:iam::111122223333:role/role-deploy-tap-dev', caller: 'arn:aws:sts::111122223333:assumed-role/dev-sso/ana', error: { code: 'AccessDenied', message: 'User is not authorized to perform: sts:AssumeRole' }, file: 'params/dev.json' }),
    stderr: ['error could not assume the deploy role arn:aws:iam::111122223333:role/role-deploy-tap-dev (deployment.deployRoleArn in params/dev.json) as arn:aws:sts::111122223333:assumed-role/dev-sso/ana: AccessDenied: User is not authorized to perform: sts:AssumeRole',
      'The role is created by make bootstrap ENV=dev;', 'Nothing was changed in AWS.'], code: 4 },
  // ── release (D-16) ─────────────────────────────────────────────────────────────────────────
  { name: 'D-16: a release names the service, the tag and what ran before, prints the outputs, and says the params file keeps it',
    outcome: { type: 'released', service: 'api-gateway', tag: '2026.11.4', previousTag: '2026.11.3', stackName: 'tap-dev', outputs: OUTPUTS }, command: 'release',
    stdout: ['Outputs written to .tap/dev/outputs.json.', '✓ Released api-gateway 2026.11.4 to tap-dev (it ran 2026.11.3).', 'The params file records it (imageTags.api-gateway), so the next deploy keeps it: commit the file if you have not.'], code: 0 },
  { name: 'D-16: a first release says the service ran nothing before',
    outcome: { type: 'released', service: 'risk-engine', tag: '0.1.0', previousTag: '', stackName: 'tap-dev' }, command: 'release',
    stdout: ['✓ Released risk-engine 0.1.0 to tap-dev (it ran nothing: its first release).'], code: 0 },
  { name: 'D-16: a release of the tag that already runs changes nothing', outcome: { type: 'already-released', service: 'api-gateway', tag: '2026.11.4', stackName: 'tap-dev' }, command: 'release',
    stdout: ['✓ api-gateway already runs 2026.11.4 in tap-dev; nothing to release.'], code: 0 },
  { name: 'D-16: a release whose change set reaches beyond the service is refused, naming what else would change',
    outcome: { type: 'refused', reason: { kind: 'release-scope', service: 'api-gateway', stackPath: 'Services/ApiGateway', outside: ['Network/Vpc'], changeSetDeleted: true } }, command: 'release',
    stderr: ['refused the change set changes more than Services/ApiGateway, so it is not a release of api-gateway alone:', 'Network/Vpc', 'The change set was deleted; nothing was executed. Review and deploy such changes with make diff ENV=dev and make deploy ENV=dev.'], code: 10 },
  { name: 'D-16: an image missing from the repository stops the release before any change set, with the push to run',
    outcome: precondition({ kind: 'image-missing', service: 'api-gateway', repository: 'ecr-api-gateway-dev', tag: '2026.11.4', registryId: '111122223333', region: 'eu-west-1', repositoryExists: true }), command: 'release',
    stderr: ['error ecr-api-gateway-dev (account 111122223333, eu-west-1) has no image tagged 2026.11.4; api-gateway cannot be released with it.', 'Push it first: docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-api-gateway-dev:2026.11.4', 'Nothing was changed in AWS: no change set was created.'], code: 4 },
  { name: 'D-16: a deploy that would start images their repositories lack stops before any change set, naming each',
    outcome: precondition({ kind: 'images-missing', registryId: '111122223333', region: 'eu-west-1', missing: [
      { service: 'frontend', repository: 'ecr-frontend-dev', tag: '2026.12.1', repositoryExists: true, running: false },
      { service: 'risk-engine', repository: 'ecr-risk-engine-dev', tag: '1.0.0', repositoryExists: false, running: false },
      { service: 'api-gateway', repository: 'ecr-api-gateway-dev', tag: '2026.11.1', repositoryExists: true, running: true },
    ] }), command: 'deploy',
    stderr: [
      'error ecr-frontend-dev (account 111122223333, eu-west-1) has no image tagged 2026.12.1: frontend would fail to start with it (imageTags.frontend in params/dev.json).',
      'error there is no repository ecr-risk-engine-dev in account 111122223333, eu-west-1 yet: deploy with imageTags.risk-engine "" first (the registry stack creates it), then push and release risk-engine.',
      'error ecr-api-gateway-dev (account 111122223333, eu-west-1) no longer holds 2026.11.1, the image api-gateway runs (the repository keeps its last images only): no new task of it can start, in this deploy or when ECS replaces or adds tasks. Push it again, or release another tag.',
      'Push it first: docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-frontend-dev:2026.12.1',
      'Push it first: docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-api-gateway-dev:2026.11.1',
      'Nothing was changed in AWS: no change set was created.',
    ], code: 4 },
  { name: 'D-16: no repository at all: the environment is not deployed yet',
    outcome: precondition({ kind: 'image-missing', service: 'api-gateway', repository: 'ecr-api-gateway-dev', tag: '2026.11.4', registryId: '111122223333', region: 'eu-west-1', repositoryExists: false }), command: 'release',
    stderr: ['error there is no repository ecr-api-gateway-dev in account 111122223333, eu-west-1: the registry stack creates it. Deploy the environment first: make deploy ENV=dev', 'Nothing was changed in AWS.'], code: 4 },
  { name: 'D-16: a release into an environment not deployed yet, or busy, says what to do first',
    outcome: precondition({ kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false }), command: 'release',
    stderr: ['error tap-dev is not deployed; a release changes a deployed environment. Deploy it first: make deploy ENV=dev'], code: 4 },
  { name: 'D-16: a release while another operation runs waits for it',
    outcome: precondition({ kind: 'stack-busy', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }), command: 'release',
    stderr: ['error tap-dev is UPDATE_IN_PROGRESS: another operation is running. Release after it finishes (make deploy ENV=dev follows it).'], code: 4 },
  { name: 'D-16: a stack that runs other templates or parameters than the workspace is not released into',
    outcome: precondition({ kind: 'release-drift', stackName: 'tap-dev', service: 'api-gateway', differences: [{ kind: 'templates' }, { kind: 'parameters', names: ['DesiredCount'] }, { kind: 'tags', keys: ['owner'] }] }), command: 'release',
    stderr: ["error tap-dev does not run what templates/ and the params file say, apart from api-gateway's image tag:", '- the templates differ from the deployed ones', '- parameters differ: DesiredCount', '- stack tags differ: owner', 'A release changes one image tag and nothing else. Deploy the rest first (make deploy ENV=dev), or release from the commit that was deployed.'], code: 4 },

  // ── promote (D-18) ─────────────────────────────────────────────────────────────────────────
  { name: 'D-18: a promotion says what it promoted from, prints the outputs',
    outcome: { type: 'promoted', from: 'staging', stackName: 'tap-prod', outputs: { ...OUTPUTS, environment: 'prod', stackName: 'tap-prod' } }, command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stdout: ['Outputs written to .tap/prod/outputs.json.', '✓ Promoted what staging runs to tap-prod: the same templates and code, by content hash.'], code: 0 },
  { name: 'D-18: a promotion reviewed only (--diff) is executed with make promote and the saved review',
    outcome: { type: 'reviewed', changeSetName: 'tap-prod-x' }, command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stdout: ['To execute exactly this change set: make promote FROM=staging TO=prod REVIEW=.tap/prod/review.json', '(tap promote --from staging --to prod --review .tap/prod/review.json; it refuses'], reject: ['make deploy'], code: 0 },
  { name: 'D-18: a promotion left for review names its own review file and make promote',
    outcome: { type: 'left-for-review', changeSetName: 'tap-prod-x', reviewSaved: true }, command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stdout: ['    make promote FROM=staging TO=prod REVIEW=.tap/prod/reviews/tap-prod-x.json', '    tap promote --from staging --to prod --review .tap/prod/reviews/tap-prod-x.json'], reject: ['make deploy'], code: 5 },
  { name: 'D-18: a stale promotion review is replaced by a new promotion review',
    outcome: { type: 'stale-review', reasons: [{ kind: 'parameters' }] }, command: 'promote', environment: 'prod', promotionFrom: 'staging', reviewFile: '.tap/prod/review.json',
    stderr: ['stale review .tap/prod/review.json no longer describes what would be executed', 'Create and review a new change set: make promote FROM=staging TO=prod ARGS=\'--diff\''], code: 9 },
  { name: 'D-18: templates/ that differs from what the source runs refuses the promotion, listing the differences and both ways on',
    outcome: { type: 'refused', reason: { kind: 'promotion-mismatch', from: 'staging', differences: [{ kind: 'template', path: 'Services/Frontend', change: 'changed' }, { kind: 'template', path: 'Services/Pricing', change: 'only-in-workspace' }, { kind: 'code', key: 'assets/rotate-api-key-0123456789abcdef.zip', change: 'only-deployed' }] } },
    command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ['refused templates/ is not what staging runs, so the promotion would deploy other templates than the workspace shows:', '- template Services/Frontend differs', '- template Services/Pricing is in templates/, not in what staging runs', '- code assets/rotate-api-key-0123456789abcdef.zip is in what staging runs, not in templates/',
      'deploy them to staging first (make deploy ENV=staging), then promote. To promote what staging runs anyway: make promote FROM=staging TO=prod ARGS=\'--allow-mismatch\'', 'Nothing was changed in AWS.'], code: 10 },
  { name: 'D-18: a source that is not deployed has nothing to promote',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'not-deployed', stackName: 'tap-staging' } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ["error staging's stack tap-staging is not deployed: there is nothing to promote. Deploy it first: make deploy ENV=staging", 'Nothing was changed in AWS.'], code: 4 },
  { name: 'D-18: a source whose last change did not succeed is not promoted',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'not-settled', stackName: 'tap-staging', status: 'UPDATE_ROLLBACK_COMPLETE' } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ['error tap-staging is UPDATE_ROLLBACK_COMPLETE: promotion takes what staging runs after a change that succeeded (CREATE_COMPLETE or UPDATE_COMPLETE), and this is not one.'], code: 4 },
  { name: 'D-18: an artifact missing from the source bucket names the object and how to put it back',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'artifact-missing', bucket: 'tap-artifacts-s', key: 'assets/rotate-api-key-0123456789abcdef.zip', path: 'Services', what: 'code' } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ["error the code s3://tap-artifacts-s/assets/rotate-api-key-0123456789abcdef.zip (Services) is not in staging's artifact bucket, so it cannot be promoted.", 'make deploy ENV=staging ARGS=\'--force\' uploads what is missing'], code: 4 },
  { name: 'D-18: a reviewed promotion whose templates left the target bucket is promoted again',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'prod', problem: { kind: 'artifact-missing', bucket: 'tap-artifacts-p', key: `templates/${'a'.repeat(64)}.json`, path: '', what: 'template' } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: [`error the template s3://tap-artifacts-p/templates/${'a'.repeat(64)}.json (root) is not in prod's artifact bucket`, "Promote again: make promote FROM=staging TO=prod ARGS='--diff'"], code: 4 },
  { name: 'D-18: an artifact whose bytes do not match its hash is not promoted',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'artifact-altered', bucket: 'tap-artifacts-s', key: `templates/${'a'.repeat(64)}.json`, path: 'Network', sha256: 'b'.repeat(64) } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: [`does not hash to its key (its bytes hash to ${'b'.repeat(64)}): it was changed after tap wrote it`], code: 4 },
  { name: 'D-18: a template tap did not package is not promoted',
    outcome: precondition({ kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'not-packaged-by-tap', bucket: 'tap-artifacts-s', key: `templates/${'a'.repeat(64)}.json`, path: '', reason: 'its bytes are not as tap serialises templates' } }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ['is not a template as tap packages it: its bytes are not as tap serialises templates. Promotion takes only what tap deployed.'], code: 4 },
  { name: 'D-18: parameters the promoted templates need and the target file lacks are named with the file',
    outcome: precondition({ kind: 'promotion-parameters', from: 'staging', file: 'params/prod.json', missing: ['FeatureFlag'] }), command: 'promote', environment: 'prod', promotionFrom: 'staging',
    stderr: ['error params/prod.json: /parameters: lacks FeatureFlag, which the templates staging runs declare without a default; add it, then promote again.'], code: 4 },

  // ── following an operation ─────────────────────────────────────────────────────────────────
  { name: 'D-7: Ctrl-C stops watching; CloudFormation carries on', outcome: { type: 'interrupted', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS', elapsedMs: 65_000, operation: 'deploy' },
    stderr: ['interrupted stopped watching after 1m05s; nothing was cancelled.', '  CloudFormation carries on: tap-dev is UPDATE_IN_PROGRESS.', '  Re-attach with make deploy ENV=dev (a deploy started while one is running follows it and reports its result).'], code: 130 },
  { name: 'D-10: an interrupted delete re-attaches with destroy', command: 'destroy', outcome: { type: 'interrupted', stackName: 'tap-dev', status: 'DELETE_IN_PROGRESS', elapsedMs: 3_000, operation: 'delete' },
    stderr: ['  Re-attach with make destroy ENV=dev (a deploy started while one is running follows it and reports its result).'], code: 130 },
  { name: 'D-7: losing contact while watching (network: exit 4)', outcome: { type: 'lost-contact', stackName: 'tap-dev', error: { code: 'ECONNRESET', message: 'socket hang up' }, elapsedMs: 40_000, lastStatus: 'UPDATE_IN_PROGRESS', statusNow: 'UPDATE_IN_PROGRESS' },
    stderr: ['error lost contact with CloudFormation after 40s (ECONNRESET: socket hang up).', '  The operation continues in AWS (tap-dev is UPDATE_IN_PROGRESS). Re-attach with make deploy ENV=dev.'], code: 4 },
  { name: 'D-7: lost contact, and the operation has ended since: no "continues"', outcome: { type: 'lost-contact', stackName: 'tap-dev', error: { code: 'ECONNRESET', message: 'socket hang up' }, elapsedMs: 40_000, lastStatus: 'UPDATE_IN_PROGRESS', statusNow: 'UPDATE_ROLLBACK_COMPLETE' },
    stderr: ['  The operation has ended since: tap-dev is UPDATE_ROLLBACK_COMPLETE. make deploy ENV=dev reports where it stands.'], reject: ['continues'], code: 4 },
  { name: 'D-7: lost contact, and the status could not be read: it may still run', outcome: { type: 'lost-contact', stackName: 'tap-dev', error: { code: 'ECONNRESET', message: 'socket hang up' }, elapsedMs: 40_000, lastStatus: 'UPDATE_IN_PROGRESS' },
    stderr: ['  The operation may still be running: tap-dev was UPDATE_IN_PROGRESS when contact was lost. Once AWS answers again, make deploy ENV=dev re-attaches to it.'], code: 4 },

  // ── Ctrl-C between steps, AWS errors (D-13, issue 13 #5, #6) ───────────────────────────────
  { name: 'D-13: Ctrl-C before anything was sent: nothing changed, run it again', outcome: { type: 'stopped', sent: [] },
    stderr: ['interrupted Ctrl-C: stopped; nothing more was sent to AWS.', '  Nothing was changed in AWS by this run.', '  Next: make deploy ENV=dev'], code: 130 },
  { name: 'D-13: Ctrl-C at the approval prompt of a first create: the empty stack, the change set, its review file, and each way on',
    files: { '.tap/dev/reviews/tap-dev-20261012-090320-0a1b2c3d.json': '{}' },
    outcome: {
      type: 'stopped',
      question: 'execute-change-set',
      sent: [
        { operation: 's3.putObject', api: 'S3 PutObject', resource: 's3://tap-artifacts-1-eu-west-1/templates/a.json', failed: false },
        { operation: 's3.putObject', api: 'S3 PutObject', resource: 's3://tap-artifacts-1-eu-west-1/templates/b.json', failed: false },
        { operation: 'cfn.createChangeSet', api: 'CloudFormation CreateChangeSet', resource: 'change set tap-dev-20261012-090320-0a1b2c3d on stack tap-dev', failed: false },
      ],
      left: { stackName: 'tap-dev', stack: { stackName: 'tap-dev', status: 'REVIEW_IN_PROGRESS' }, changeSets: [{ id: 'arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-20261012-090320-0a1b2c3d/1', name: 'tap-dev-20261012-090320-0a1b2c3d', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', createdAt: '2026-10-12T09:03:20.000Z' }] },
    },
    stderr: [
      'interrupted Ctrl-C at the approval prompt: stopped; nothing more was sent to AWS.',
      '  Before that, this run had sent:',
      '    S3 PutObject ×2 s3://tap-artifacts-1-eu-west-1/templates/a.json and 1 more',
      '    CloudFormation CreateChangeSet change set tap-dev-20261012-090320-0a1b2c3d on stack tap-dev',
      '  Left in AWS now:',
      '    stack tap-dev REVIEW_IN_PROGRESS: empty, it holds the change set of its first create',
      '    change set tap-dev-20261012-090320-0a1b2c3d CREATE_COMPLETE, not executed (created by this run)',
      '    execute exactly this change set: make deploy ENV=dev REVIEW=.tap/dev/reviews/tap-dev-20261012-090320-0a1b2c3d.json',
      '    or start over: make deploy ENV=dev (executing a newer change set makes CloudFormation delete this one)',
      '    or remove it: aws cloudformation delete-change-set --change-set-name arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-20261012-090320-0a1b2c3d/1',
      '      and the empty stack: aws cloudformation delete-stack --stack-name tap-dev',
    ], code: 130 },
  { name: 'D-13: Ctrl-C while CloudFormation computes the change set', outcome: {
      type: 'stopped',
      sent: [{ operation: 'cfn.createChangeSet', api: 'CloudFormation CreateChangeSet', resource: 'change set tap-dev-20261012-090320-0a1b2c3d on stack tap-dev', failed: false }],
      left: { stackName: 'tap-dev', stack: { stackName: 'tap-dev', status: 'UPDATE_COMPLETE' }, changeSets: [{ id: 'arn:cs', name: 'tap-dev-20261012-090320-0a1b2c3d', status: 'CREATE_IN_PROGRESS', executionStatus: 'UNAVAILABLE', createdAt: '2026-10-12T09:03:20.000Z' }] },
    },
    stderr: ['    change set tap-dev-20261012-090320-0a1b2c3d CREATE_IN_PROGRESS, CloudFormation is still computing it (created by this run)', '  Next: make deploy ENV=dev once CloudFormation has computed it (until then a new run stops, naming it)'], code: 130 },
  { name: 'D-13: Ctrl-C right after ExecuteChangeSet: CloudFormation carries on, deploy follows it', outcome: {
      type: 'stopped',
      sent: [{ operation: 'cfn.executeChangeSet', api: 'CloudFormation ExecuteChangeSet', resource: 'change set tap-dev-x', failed: false }],
      left: { stackName: 'tap-dev', stack: { stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }, changeSets: [] },
    },
    stderr: ['  CloudFormation carries on (nothing was cancelled): tap-dev is UPDATE_IN_PROGRESS.', '  Next: make deploy ENV=dev follows it and reports its result.'], code: 130 },
  { name: 'D-13: Ctrl-C after the stack operation ended (protections, outputs): deploy again finishes them', environment: 'prod', outcome: {
      type: 'stopped',
      sent: [{ operation: 'cfn.executeChangeSet', api: 'CloudFormation ExecuteChangeSet', resource: 'change set tap-prod-x', failed: false }],
      left: { stackName: 'tap-prod', stack: { stackName: 'tap-prod', status: 'UPDATE_COMPLETE' }, changeSets: [] },
    },
    stderr: ['  The stack operation itself has ended (tap-prod UPDATE_COMPLETE); what follows it (prod protections, outputs) may not have run.', '  Next: make deploy ENV=prod: it finds nothing to deploy and finishes them.'], code: 130 },
  { name: 'D-13: Ctrl-C in destroy after emptying a bucket: destroy again', command: 'destroy', outcome: {
      type: 'stopped',
      sent: [{ operation: 's3.deleteObjects', api: 'S3 DeleteObjects', resource: 's3://tap-alb-logs-dev', failed: false }],
      left: { stackName: 'tap-dev', stack: { stackName: 'tap-dev', status: 'UPDATE_COMPLETE' }, changeSets: [] },
    },
    stderr: ['    S3 DeleteObjects s3://tap-alb-logs-dev', '    stack tap-dev UPDATE_COMPLETE', '  Next: make destroy ENV=dev'], code: 130 },
  { name: 'D-13: what was left could not be read back', outcome: { type: 'stopped', sent: [{ operation: 'cfn.createChangeSet', api: 'CloudFormation CreateChangeSet', failed: true }], left: { stackName: 'tap-dev', changeSets: [], unreadable: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } } },
    stderr: ['    CloudFormation CreateChangeSet (1 answered with an error: may or may not have been applied)', '  What it left could not be read back (ECONNREFUSED: connect ECONNREFUSED); look at tap-dev in the CloudFormation console.'], code: 130 },
  { name: 'issue 13 #6: connection refused names the request, the resource and the endpoint (exit 4, not 1)', outcome: {
      type: 'aws-unavailable',
      sent: [],
      failure: { kind: 'transient', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', operation: 'cfn.describeStack', api: 'CloudFormation DescribeStacks', resource: 'stack tap-dev', endpoint: 'http://127.0.0.1:9' },
    },
    stderr: ['error CloudFormation DescribeStacks stack tap-dev: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)', '  Nothing answered at the endpoint http://127.0.0.1:9 (AWS_ENDPOINT_URL): is it running, and is the address right?', '  Before it, this run had changed nothing in AWS.', '  Whole error: .tap/dev/aws-errors.log'], code: 4 },
  { name: 'issue 13 #6: without a custom endpoint, an unreachable AWS points at the network', outcome: {
      type: 'aws-unavailable', sent: [],
      failure: { kind: 'transient', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND cloudformation.eu-west-1.amazonaws.com', operation: 'cfn.describeStack', api: 'CloudFormation DescribeStacks', resource: 'stack tap-dev' },
    },
    stderr: ['  AWS could not be reached: check the network, a proxy (HTTPS_PROXY) and DNS, then run the command again.'], reject: ['AWS_ENDPOINT_URL'], code: 4 },
  { name: 'issue 13 #6: expired credentials mid-deploy', outcome: {
      type: 'aws-unavailable', sent: [{ operation: 's3.putObject', api: 'S3 PutObject', resource: 's3://b/k', failed: false }],
      failure: { kind: 'credentials', code: 'ExpiredToken', message: 'The security token included in the request is expired', operation: 'cfn.createChangeSet', api: 'CloudFormation CreateChangeSet', resource: 'change set tap-dev-x on stack tap-dev', httpStatus: 403 },
    },
    stderr: ['error CloudFormation CreateChangeSet change set tap-dev-x on stack tap-dev: The security token included in the request is expired (ExpiredToken)', '  The credentials were refused (expired or invalid)', '    S3 PutObject s3://b/k', '  Run make deploy ENV=dev again once this is resolved'], code: 4 },
  { name: 'issue 13 #6: an S3 error names the request and the object; AWS refused it: exit 13', outcome: {
      type: 'aws-request-failed', sent: [],
      failure: { kind: 'other', code: 'NoSuchBucket', message: 'The specified bucket does not exist', operation: 's3.putObject', api: 'S3 PutObject', resource: 's3://tap-artifacts-1-eu-west-1/templates/a.json', httpStatus: 404, requestId: 'R1' },
    },
    stderr: ['error S3 PutObject s3://tap-artifacts-1-eu-west-1/templates/a.json: The specified bucket does not exist (NoSuchBucket)', '  Whole error: .tap/dev/aws-errors.log'], reject: [/nother operation/, 'AWS_ENDPOINT_URL'], code: 13 },
  { name: 'D-8: a failed first create, rolled back: remove the empty stack', outcome: { type: 'rolled-back', operation: 'deploy', failure: report('ROLLBACK_COMPLETE', { rootCause: ROOT_CAUSE }) },
    stderr: ['deployment failed tap-dev is ROLLBACK_COMPLETE', '    Registry › AWS::ECR::Repository FrontendRepository CREATE_FAILED at 09:03:53', "    make deploy ENV=dev ARGS='--replace-failed-stack'     (deletes the failed stack, then creates; tap deploy --env dev --replace-failed-stack)", '    make destroy ENV=dev     (deletes it; then make deploy ENV=dev)'], code: 7 },
  { name: 'D-8: a failed rollback names continue-rollback with --skip, for make and tap', outcome: { type: 'rollback-failed', operation: 'deploy', failure: report('UPDATE_ROLLBACK_FAILED', { rollbackFailures: [LOG_GROUP], skip: ['Services.Frontend.LogGroup'] }) },
    stderr: ['  CloudFormation reported no resource failure; see the events above.', '  Failed while rolling back (1):', "    make continue-rollback ENV=dev ARGS='--skip Services.Frontend.LogGroup'", '    tap continue-rollback --env dev --skip Services.Frontend.LogGroup'], code: 8 },
  { name: 'D-10: a delete that failed names what is left and destroy again', command: 'destroy', outcome: { type: 'delete-failed', operation: 'delete', failure: report('DELETE_FAILED', { rootCause: failed('Registry', 'FrontendRepository', 'AWS::ECR::Repository', 'DELETE_FAILED', 'The repository cannot be deleted because it still contains images'), otherFailures: [failed('Network', 'AccessLogBucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty')] }) },
    stderr: ['destroy failed tap-dev is DELETE_FAILED', '    Registry › AWS::ECR::Repository FrontendRepository DELETE_FAILED at 09:03:53', '  Other failures (1):', '    Network › AWS::S3::Bucket AccessLogBucket DELETE_FAILED at 09:03:53: The bucket you tried to delete is not empty', '    Some resources could not be deleted (above). Fix them (e.g. empty a bucket), then run make destroy ENV=dev again.'], code: 12 },

  // ── destroy ────────────────────────────────────────────────────────────────────────────────
  { name: 'D-10: destroyed with nothing retained (the progress already said so)', command: 'destroy', outcome: { type: 'destroyed', stackName: 'tap-dev', retained: { deleted: 0, gone: 0, kept: 0 } }, stdout: [], code: 0 },
  { name: 'D-10: destroyed, and what the tree retained deleted', command: 'destroy', outcome: { type: 'destroyed', stackName: 'tap-dev', retained: { deleted: 7, gone: 2, kept: 0 } },
    stdout: ['✓ tap-dev is fully destroyed: 7 retained resources deleted, 2 already gone.'], code: 0 },
  { name: 'D-10 / P-DATA: destroyed in prod, the stateful resources kept', command: 'destroy', environment: 'prod', outcome: { type: 'destroyed', stackName: 'tap-prod', retained: { deleted: 0, gone: 0, kept: 9 } },
    stdout: ["9 stateful resources are kept (DataProtection=retain); the templates' DeletionPolicy left them."], code: 0 },
  { name: 'D-10: a load balancer with deletion protection needs --force', command: 'destroy', outcome: { type: 'refused', reason: { kind: 'deletion-protection', loadBalancers: ['arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/alb-tap-dev/1'] } },
    stderr: ['refused deletion protection is on for arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/alb-tap-dev/1; CloudFormation cannot delete a load balancer while it is on.', "  Nothing was deleted. To turn it off and delete: make destroy ENV=dev ARGS='--force'"], code: 10 },
  { name: 'D-10: nothing to destroy', command: 'destroy', outcome: { type: 'nothing-to-destroy', stackName: 'tap-dev' }, stdout: ['✓ tap-dev does not exist; nothing to destroy.'], code: 0 },
  { name: 'D-10: no terminal and no --confirm is bad input', command: 'destroy', outcome: { type: 'unconfirmed', stackName: 'tap-dev' },
    stderr: ['error command line: --confirm: is required without a terminal: --confirm tap-dev', 'Nothing was changed in AWS.'], code: 2 },
  { name: 'D-10: the stack name typed wrong', command: 'destroy', outcome: { type: 'declined', what: { kind: 'destroy' } }, stdout: ['Not confirmed; nothing was deleted.'], code: 6 },
  { name: 'D-10 / P-DATA: prod is refused without --force', command: 'destroy', environment: 'prod', outcome: { type: 'refused', reason: { kind: 'retain', environment: 'prod' } },
    stderr: ['refused prod keeps its data (DataProtection=retain): destroy is refused.', "  If the environment really must go, add --force: termination protection and the load balancer's deletion protection are turned off, the stacks are deleted, and repositories, secrets, log groups, keys and buckets are kept (DeletionPolicy RetainExceptOnCreate)."], code: 10 },
  { name: 'D-10: termination protection needs --force', command: 'destroy', outcome: { type: 'refused', reason: { kind: 'termination-protection', stackName: 'tap-dev' } },
    stderr: ['refused tap-dev has termination protection on; add --force to turn it off and delete.'], code: 10 },

  // ── drift, outputs, continue-rollback ──────────────────────────────────────────────────────
  { name: 'D-11: unexpected drift fails with exit 11', command: 'drift',
    outcome: { type: 'drifted', stackName: 'tap-dev', report: { stacks: [{ path: '', stackId: 'r', status: 'IN_SYNC', detection: 'complete' }, { path: 'Services/Frontend', stackId: 'f', status: 'DRIFTED', detection: 'complete' }], drifted: [{ path: 'Services/Frontend', drift: { logicalId: 'TaskRole', resourceType: 'AWS::IAM::Role', status: 'MODIFIED', differences: [{ path: '/Policies/0/PolicyDocument/Statement/0/Action', expected: 'secretsmanager:GetSecretValue', actual: 'secretsmanager:*', type: 'NOT_EQUAL' }] } }] } },
    stdout: [/tap-dev\s+IN_SYNC\s+complete/, /Services\/Frontend\s+DRIFTED\s+complete/, /Services\/Frontend\s+TaskRole\s+AWS::IAM::Role\s+MODIFIED\s+\/Policies\/0\/PolicyDocument\/Statement\/0\/Action: secretsmanager:GetSecretValue → secretsmanager:\*/, 'Report written to .tap/dev/drift.json.'],
    stderr: ['drifted 1 resource differs from the templates. A deploy does not revert drift on properties it does not change; fix them in the console, or change the templates to match.'], code: 11 },
  { name: 'D-11: expected drift is listed, labelled, and passes', command: 'drift',
    outcome: { type: 'in-sync', stackName: 'tap-dev', report: { stacks: [{ path: '', stackId: 'r', status: 'DRIFTED', detection: 'complete' }], drifted: [{ path: 'Services/Frontend', drift: { logicalId: 'Service', resourceType: 'AWS::ECS::Service', status: 'MODIFIED', differences: [{ path: '/DesiredCount', expected: '2', actual: '6', type: 'NOT_EQUAL' }] }, expected: 'expected: Application Auto Scaling sets the desired count' }] } },
    stdout: [/MODIFIED \(expected\)/, 'Services/Frontend/Service: expected: Application Auto Scaling sets the desired count', '✓ No unexpected drift in 1 stacks.'], code: 0 },
  { name: 'D-11: a failed detection is an incomplete result', command: 'drift',
    outcome: { type: 'drift-incomplete', stackName: 'tap-dev', report: { stacks: [{ path: '', stackId: 'r', status: 'UNKNOWN', detection: 'failed', reason: 'timeout' }, { path: 'Network', stackId: 'n', status: 'UNKNOWN', detection: 'failed' }], drifted: [] } },
    stdout: [/tap-dev\s+UNKNOWN\s+failed: timeout/], stderr: ['not known drift detection failed on tap-dev, Network, and found no drift elsewhere; the result is incomplete. The reason per stack is above; run make drift again, or look at that stack\'s drift in the console.'], code: 4 },
  { name: 'D-9: outputs as tables, saved with the stack state', command: 'outputs', outcome: { type: 'outputs-read', outputs: OUTPUTS, stack: { status: 'UPDATE_COMPLETE', lastChanged: at } },
    stdout: [/Outputs of tap-dev\noutput\s+value/, 'Written to .tap/dev/outputs.json (UPDATE_COMPLETE, last changed 2026-10-12T09:03:53.000Z).'], code: 0 },
  { name: 'D-9: outputs as JSON', command: 'outputs', json: true, outcome: { type: 'outputs-read', outputs: OUTPUTS, stack: { status: 'UPDATE_COMPLETE', lastChanged: at } },
    stdout: [`${JSON.stringify(OUTPUTS, null, 2)}\n`], code: 0 },
  { name: 'D-8: a rollback continued (the progress already said so)', command: 'continue-rollback', outcome: { type: 'rollback-continued', stackName: 'tap-dev' }, stdout: [], code: 0 },
  { name: 'D-8: without a terminal or --yes nothing is started; the command to run names the skips', command: 'continue-rollback', outcome: { type: 'not-started', stackName: 'tap-dev', skip: ['Services.Frontend.LogGroup'] },
    stdout: ["Not started (no terminal to ask, and no --yes). To continue the rollback of tap-dev, skipping Services.Frontend.LogGroup: make continue-rollback ENV=dev ARGS='--skip Services.Frontend.LogGroup --yes'"], code: 5 },
  { name: 'D-8: declined at the prompt', command: 'continue-rollback', outcome: { type: 'declined', what: { kind: 'continue-rollback' } }, stdout: ['Declined; nothing was started.'], code: 6 },
  // ── verify ─────────────────────────────────────────────────────────────────────────────────
  { name: 'D-15: everything verified: the table and one line', command: 'verify', outcome: { type: 'verified', stackName: 'tap-dev', report: VERIFY([VERIFY_ROWS.stackOk, VERIFY_ROWS.alarmOk]) },
    stdout: [/check\s+subject\s+status\s+detail/, /stack\s+tap-dev\s+ok\s+UPDATE_COMPLETE/, '✓ All 2 checks of tap-dev passed. 8 read-only requests.', 'Report written to .tap/dev/verify.json.'], code: 0 },
  { name: 'D-15: a failed check: its row, its next step, exit 3', command: 'verify', outcome: { type: 'verify-failed', stackName: 'tap-dev', report: VERIFY([VERIFY_ROWS.stackOk, VERIFY_ROWS.alarmFiring, VERIFY_ROWS.logsDenied]) },
    stdout: [/alarm\s+alarm-5xx-api-gateway-dev\s+FAIL\s+ALARM since 2026-10-12T09:03:53.000Z: Threshold Crossed/, 'Next steps',
      '- alarm alarm-5xx-api-gateway-dev: what changed and when: aws cloudwatch describe-alarm-history --alarm-name alarm-5xx-api-gateway-dev --history-item-type StateUpdate --max-items 5.',
      /log events\s+logs-api-gateway-dev\s+not known\s+logs\.filterLogEvents denied \(AccessDeniedException\)/,
      '- log events logs-api-gateway-dev: allow logs:FilterLogEvents to the role you run with'],
    stderr: ['failed 1 of 3 checks of tap-dev (and 1 not known); the next steps are above.'], code: 3 },
  { name: 'D-15: nothing failed but something is not known: not verified, exit 4', command: 'verify', outcome: { type: 'verify-incomplete', stackName: 'tap-dev', report: VERIFY([VERIFY_ROWS.stackOk, VERIFY_ROWS.logsDenied]) },
    stdout: [/not known/], stderr: ['not verified 1 of 2 checks of tap-dev are not known (none failed); the next steps above say how to make them known.'], code: 4 },
  { name: 'D-15: verify of a stack that is not deployed: nothing to check', command: 'verify', outcome: precondition({ kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false }),
    stderr: ['error tap-dev is not deployed; nothing to check. Deploy it: make deploy ENV=dev'], code: 4 },
];

function render(row: Row): { stdout: string; stderr: string; root: string } {
  const out = new Capture();
  const err = new Capture();
  const output = { out, err, color: false };
  const style = styler(false);
  const masker = createMasker([], []);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-render-'));
  for (const [file, content] of Object.entries(row.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  renderOutcome(row.outcome, {
    command: row.command ?? 'deploy',
    environment: row.environment ?? 'dev',
    say: sayTo(output, style, masker),
    style,
    output,
    root,
    masker,
    apiCalls: () => 8,
    ...(row.reviewFile ? { reviewFile: row.reviewFile } : {}),
    ...(row.promotionFrom ? { promotionFrom: row.promotionFrom } : {}),
    json: row.json ?? false,
  });
  return { stdout: out.text, stderr: err.text, root };
}

const contains = (text: string, expected: string | RegExp) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));

for (const row of ROWS) {
  test(`${row.name} (exit ${row.code})`, () => {
    const { stdout, stderr } = render(row);
    assert.is(exitCodeOf(row.outcome), row.code);
    for (const expected of row.stdout ?? []) assert.ok(contains(stdout, expected), `stdout lacks ${expected}:\n${stdout}`);
    for (const expected of row.stderr ?? []) assert.ok(contains(stderr, expected), `stderr lacks ${expected}:\n${stderr}`);
    for (const unwanted of row.reject ?? []) assert.not.ok(contains(`${stdout}${stderr}`, unwanted), `did not expect ${unwanted}:\n${stdout}${stderr}`);
    if (row.stdout !== undefined && row.stdout.length === 0) assert.is(stdout, '', 'nothing to add');
    if (row.stderr === undefined) assert.is(stderr, '', 'success and narrative go to stdout');
  });
}

test('D-15: verify.json is written where the message says, with every row', () => {
  const verified = render(ROWS.find((r) => r.outcome.type === 'verify-failed')!);
  assert.is(JSON.parse(fs.readFileSync(path.join(verified.root, '.tap/dev/verify.json'), 'utf8')).rows.length, 3);
});

test('D-9 / D-11: outputs.json and drift.json are written where the messages say', () => {
  const outputs = render(ROWS.find((r) => r.outcome.type === 'outputs-read')!);
  assert.equal(JSON.parse(fs.readFileSync(path.join(outputs.root, '.tap/dev/outputs.json'), 'utf8')), OUTPUTS);
  const drifted = render(ROWS.find((r) => r.outcome.type === 'drifted')!);
  assert.is(JSON.parse(fs.readFileSync(path.join(drifted.root, '.tap/dev/drift.json'), 'utf8')).drifted.length, 1);
});

test('D-8: the whole text of an AWS error is in .tap/<env>/aws-errors.log, with its request id, masked', () => {
  const row = ROWS.find((r) => r.outcome.type === 'aws-request-failed')!;
  const { root } = render(row);
  const log = fs.readFileSync(path.join(root, '.tap/dev/aws-errors.log'), 'utf8');
  assert.match(log, /tap deploy --env dev\nS3 PutObject s3:\/\/tap-artifacts-1-eu-west-1\/templates\/a\.json \(NoSuchBucket, HTTP 404, request id R1\)\nThe specified bucket does not exist\n/);
  const long = render(ROWS.find((r) => r.name.startsWith('issue 13 #6: a 2,000-character'))!);
  assert.match(fs.readFileSync(path.join(long.root, '.tap/dev/aws-errors.log'), 'utf8'), /Resource199\] in the Resources block of the template/);
});

test('every outcome type and every precondition kind has a row here (a new one needs its words tested)', () => {
  const types = new Set(ROWS.map((r) => r.outcome.type));
  assert.equal(Object.keys(OUTCOME_EXIT_CODES).filter((t) => !types.has(t as Outcome['type'])), []);
  const kinds = new Set(ROWS.flatMap((r) => (r.outcome.type === 'precondition' ? [r.outcome.reason.kind] : [])));
  // A Record over every kind: a new kind does not compile until it is listed here.
  const allKinds = {
    guard: 0, 'stack-busy': 0, 'failed-create': 0, 'rollback-unfinished': 0, stuck: 0, 'bucket-missing': 0, 'bucket-not-owned': 0,
    'bucket-unmanaged': 0, 'bucket-in-other-account': 0, 'execute-conflict': 0, 'not-deployed': 0, 'no-failed-rollback': 0, 'drift-unsupported': 0,
    'image-missing': 0, 'images-missing': 0, 'release-drift': 0, 'assume-role-failed': 0, locked: 0, 'change-set-in-progress': 0,
    'promotion-artifacts': 0, 'promotion-parameters': 0,
  } satisfies Record<PreconditionReason['kind'], 0>;
  assert.equal(Object.keys(allKinds).filter((k) => !kinds.has(k as PreconditionReason['kind'])), []);
});

test.run();

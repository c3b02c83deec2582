/**
 * D-4 Change sets: create (CREATE or UPDATE, nested, with every capability the templates need),
 * wait for CloudFormation to compute it, and classify the result. "No changes" is a success; a
 * failure names the nested change set that really failed, not "Nested change set … FAILED".
 */
import { AwsError, type ChangeSetPage, type ChangeSetStatus, type ChangeSetType, type CloudFormationPort } from '../aws/port';
import type { Clock } from '../core/clock';
import { clientToken } from './client-token';
import type { NestedCause } from './operation';

/** IAM roles (named and unnamed) and the AWS::LanguageExtensions transform. */
export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** Both phrasings CloudFormation uses, matched case-insensitively as substrings. */
export function isNoChangeReason(reason: string | undefined): boolean {
  const text = (reason ?? '').toLowerCase();
  return text.includes("didn't contain changes") || text.includes('did not contain changes') || text.includes('no updates are to be performed');
}

/**
 * Deterministic-ish name: the environment, the UTC time and a hash of what is deployed, so
 * people can tell change sets apart in the console and retries of the same request reuse the
 * same client token.
 */
export function changeSetIdentity(environment: string, contentHash: string, now: number): { name: string; clientToken: string } {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = `tap-${environment}-${stamp}-${contentHash.slice(0, 8)}`;
  return { name, clientToken: clientToken('create', name) };
}

export type ChangeSetResult =
  | { readonly type: 'ready'; readonly id: string; readonly stackId: string; readonly changeSetType: ChangeSetType }
  | { readonly type: 'no-changes'; readonly id: string; readonly stackId: string; readonly reason: string }
  | { readonly type: 'failed'; readonly id: string; readonly stackId: string; readonly reason: string; readonly causes: readonly NestedCause[] }
  /** It was deleted while CloudFormation computed it (by someone else). */
  | { readonly type: 'disappeared'; readonly id: string; readonly stackId: string }
  /** CreateChangeSet itself was refused (template, parameters, stack state). */
  | { readonly type: 'rejected'; readonly reason: string; readonly code: string };

export interface WaitOptions {
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Give up after this long (CloudFormation's own limit for computing a change set is far lower). */
  readonly timeoutMs?: number;
}

/** Poll delays: 1 s, then growing by half up to 5 s. */
export function pollDelay(attempt: number, firstMs = 1000, maxMs = 5000): number {
  return Math.min(maxMs, Math.round(firstMs * 1.5 ** attempt));
}

/** Statuses in which CloudFormation is done with a change set; an unrecognised one counts as done (never waited on for 30 minutes). */
const SETTLED: ReadonlySet<ChangeSetStatus> = new Set<ChangeSetStatus>(['CREATE_COMPLETE', 'FAILED', 'DELETE_COMPLETE', 'DELETE_FAILED']);
const isSettledChangeSet = (status: ChangeSetStatus): boolean => SETTLED.has(status) || status.startsWith('unrecognized:');

export async function waitForChangeSet(cfn: CloudFormationPort, id: string, { clock, signal, timeoutMs = 30 * 60_000 }: WaitOptions): Promise<ChangeSetPage | undefined> {
  const started = clock.now();
  for (let attempt = 0; ; attempt += 1) {
    const page = await cfn.describeChangeSet(id, { includePropertyValues: false });
    if (!page || isSettledChangeSet(page.status)) return page;
    if (signal?.aborted) return page;
    if (clock.now() - started > timeoutMs) {
      throw new AwsError('other', 'ChangeSetTimeout', `change set ${id} still ${page.status} after ${Math.round(timeoutMs / 60_000)} minutes`, 'cfn.describeChangeSet');
    }
    await clock.sleep(pollDelay(attempt), signal);
  }
}

/** Follows "Nested change set <arn> was not successfully created" down to the real reasons. */
export async function nestedFailureCauses(cfn: CloudFormationPort, page: ChangeSetPage, depth = 0): Promise<NestedCause[]> {
  const causes: NestedCause[] = [];
  const nestedIds = new Set<string>([
    ...(page.statusReason?.match(/arn:aws[a-z-]*:cloudformation:[^\s,]+:changeSet\/[^\s,]+/g) ?? []),
    ...page.changes.map((c) => c.changeSetId).filter((id): id is string => id !== undefined),
  ]);
  for (const nestedId of nestedIds) {
    if (depth > 5) break;
    const nested = await cfn.describeChangeSet(nestedId, { includePropertyValues: false });
    if (!nested || nested.status !== 'FAILED') continue;
    const deeper = await nestedFailureCauses(cfn, nested, depth + 1);
    if (deeper.length > 0) causes.push(...deeper);
    else if (nested.statusReason) causes.push({ stackName: nested.stackName, reason: nested.statusReason });
  }
  return causes;
}

export async function createChangeSet(
  cfn: CloudFormationPort,
  request: Parameters<CloudFormationPort['createChangeSet']>[0],
  options: WaitOptions,
): Promise<ChangeSetResult> {
  let created: { id: string; stackId: string };
  try {
    created = await cfn.createChangeSet(request);
  } catch (error) {
    if (error instanceof AwsError && (error.kind === 'validation' || error.kind === 'conflict' || error.kind === 'access-denied')) {
      if (isNoChangeReason(error.message)) return { type: 'no-changes', id: '', stackId: '', reason: error.message };
      return { type: 'rejected', reason: error.message, code: error.code };
    }
    throw error;
  }
  const page = await waitForChangeSet(cfn, created.id, options);
  if (!page) return { type: 'disappeared', id: created.id, stackId: created.stackId };
  if (page.status === 'CREATE_COMPLETE') {
    // moto (and only moto) answers an identical template with an empty CREATE_COMPLETE set.
    return { type: 'ready', id: page.id, stackId: page.stackId || created.stackId, changeSetType: request.changeSetType };
  }
  if (isNoChangeReason(page.statusReason)) return { type: 'no-changes', id: page.id, stackId: page.stackId || created.stackId, reason: page.statusReason ?? '' };
  const causes = await nestedFailureCauses(cfn, page).catch(() => []);
  return { type: 'failed', id: page.id, stackId: page.stackId || created.stackId, reason: page.statusReason ?? page.status, causes };
}

export interface Discarded {
  readonly changeSetDeleted: boolean;
  /** The empty REVIEW_IN_PROGRESS stack that a CREATE change set had made. */
  readonly emptyStackDeleted: boolean;
}

/**
 * Deletes a change set (root only: CloudFormation deletes the nested ones and the nested
 * REVIEW_IN_PROGRESS stacks with it) and, when a CREATE change set left an empty
 * REVIEW_IN_PROGRESS root stack behind, that stack too.
 */
export async function discardChangeSet(cfn: CloudFormationPort, changeSetId: string, stack: string | undefined, clientToken: string): Promise<Discarded> {
  let changeSetDeleted = false;
  if (changeSetId) {
    try {
      await cfn.deleteChangeSet(changeSetId);
      changeSetDeleted = true;
    } catch (error) {
      // Whatever AWS answers (a state it cannot delete from, AccessDenied, throttling past the
      // retries), the caller's outcome (a refusal, a decline) matters more: it reports the change
      // set as not deleted instead of being replaced by this error.
      if (!(error instanceof AwsError)) throw error;
    }
  }
  let emptyStackDeleted = false;
  if (stack) {
    const current = await cfn.describeStack(stack);
    if (current?.status === 'REVIEW_IN_PROGRESS') {
      await cfn.deleteStack(current.stackId, clientToken);
      emptyStackDeleted = true;
    }
  }
  return { changeSetDeleted, emptyStackDeleted };
}

/** All pages of a change set, with property values where the API gives them. */
export async function describeAllPages(cfn: CloudFormationPort, id: string): Promise<ChangeSetPage | undefined> {
  let first: ChangeSetPage | undefined;
  const changes: ChangeSetPage['changes'][number][] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.describeChangeSet(id, { includePropertyValues: true, ...(nextToken ? { nextToken } : {}) });
    if (!page) return first ? { ...first, changes } : undefined;
    first ??= page;
    changes.push(...page.changes);
    nextToken = page.nextToken;
  } while (nextToken);
  if (!first) return undefined;
  const { nextToken: _ignored, ...rest } = first;
  return { ...rest, changes };
}

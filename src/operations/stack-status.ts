/**
 * What a stack's status means for the next step. Pure functions over CloudFormation's status
 * strings; the deploy, diff, destroy and watch code all decide through these.
 */
import type { StackDescription, StackStatus } from '../aws/port';

export const isInProgress = (status: string): boolean => status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';

/** How a stack operation ended, read from the stack's settled status. */
export type SettledAs = 'succeeded' | 'rolled-back' | 'rollback-failed' | 'failed';

/**
 * How an operation ended, from the stack's settled status.
 * - `rolled-back`: the change failed and CloudFormation undid it (or, for a create, removed it).
 * - `rollback-failed`: the undo failed too; manual recovery is needed.
 * - `failed`: ended in a failure status without a rollback (DELETE_FAILED, UPDATE_FAILED with
 *   rollback disabled, CREATE_FAILED).
 */
export function settledAs(status: StackStatus | 'UNKNOWN'): SettledAs {
  switch (status) {
    case 'CREATE_COMPLETE':
    case 'UPDATE_COMPLETE':
    case 'DELETE_COMPLETE':
    case 'IMPORT_COMPLETE':
      return 'succeeded';
    case 'ROLLBACK_COMPLETE':
    case 'UPDATE_ROLLBACK_COMPLETE':
    case 'IMPORT_ROLLBACK_COMPLETE':
      return 'rolled-back';
    case 'ROLLBACK_FAILED':
    case 'UPDATE_ROLLBACK_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return 'rollback-failed';
    default:
      return 'failed';
  }
}

export type StackAction =
  /** No stack, or an empty one waiting for its first change set: CREATE. */
  | { readonly type: 'create'; readonly existing?: StackDescription }
  | { readonly type: 'update'; readonly stack: StackDescription }
  /** An operation is running: watch it instead of starting another. */
  | { readonly type: 'attach'; readonly stack: StackDescription }
  /** A failed first create left an empty stack that must be deleted before a new create. */
  | { readonly type: 'replace-failed-create'; readonly stack: StackDescription }
  /** UPDATE_ROLLBACK_FAILED: only ContinueUpdateRollback brings it back. */
  | { readonly type: 'continue-rollback'; readonly stack: StackDescription }
  /** Any other state that takes no change set (UPDATE_FAILED with rollback paused, DELETE_FAILED...). */
  | { readonly type: 'stuck'; readonly stack: StackDescription };

const CREATE_FAILED_STATES: ReadonlySet<StackStatus> = new Set<StackStatus>(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED']);
const UPDATABLE: ReadonlySet<StackStatus> = new Set<StackStatus>(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function decideStackAction(stack: StackDescription | undefined): StackAction {
  if (!stack || stack.status === 'DELETE_COMPLETE') return { type: 'create' };
  if (stack.status === 'REVIEW_IN_PROGRESS') return { type: 'create', existing: stack };
  if (isInProgress(stack.status)) return { type: 'attach', stack };
  if (CREATE_FAILED_STATES.has(stack.status)) return { type: 'replace-failed-create', stack };
  if (stack.status === 'UPDATE_ROLLBACK_FAILED') return { type: 'continue-rollback', stack };
  if (UPDATABLE.has(stack.status)) return { type: 'update', stack };
  return { type: 'stuck', stack };
}

/** A stack in which CloudFormation will not change anything until told: safe to compare with. */
export const isCleanlyDeployed = (status: StackStatus): boolean => status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';

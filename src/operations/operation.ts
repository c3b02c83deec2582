/**
 * How an operation is built: deploy, diff, release, bootstrap, destroy, drift, outputs,
 * continue-rollback, verify (and whatever comes next: promote).
 *
 *     const outcome = await deploy(connection, io, options);
 *
 * - `connection` (connection.ts): one environment, opened. Its params and packaged templates, the
 *   secret masker, and an AWS session whose account and region the guard has already checked.
 * - `io` (`OperationIo` below): the operation `emit`s typed events as things happen (an upload,
 *   a change set, a stack event, a retry) and `ask`s typed questions only a person can answer (the
 *   approval). It never holds text for people: the events and questions are data.
 * - the outcome: a discriminated union (`Outcome` below) saying how the operation ended, with the
 *   data a caller needs — root cause, failed resources, what ContinueUpdateRollback may skip, the
 *   outputs — and no words, no `make` hints and no exit codes.
 *
 * The CLI (src/cli) owns the rest: it renders each event as it comes (src/cli/render/events.ts),
 * answers questions from a terminal prompt, --yes or "no terminal" (src/cli/ui.ts), renders the
 * outcome with its hints (src/cli/render/outcomes.ts), and maps it to an exit code in ONE table
 * (src/cli/exit-codes.ts). Tests drive operations with a recording io and assert on outcomes and
 * events (test/helpers/deploy-harness.ts); a few golden tests keep the words honest (test/cli/).
 *
 * Adding an operation: write `myOperation(c, io, options): Promise<MyOutcome>` in its own module,
 * add its outcome types to `Outcome` and its events to `OperationEvent`, then let tsc point at
 * what is left: the exit-code table is a Record over every outcome type, and the renderers switch
 * exhaustively over outcomes and events.
 *
 * Every operation runs guarded (guarded-run.ts, D-13): Ctrl-C stops it at its next step and AWS
 * errors it does not handle end it as a `RunFailure`, both saying what it had sent; it holds the
 * environment's lock unless its command says `readOnly` (src/cli/commands/aws-command.ts).
 */
import type { AwsErrorKind, ChangeSetStatus, ExecutionStatus, StackOutput, StackStatus } from '../aws/port';
import type { DriftReport } from './drift';
import type { OutputsDocument } from './outputs';
import type { EcsDiagnosis, FailedResource } from './progress/failure';
import type { OperationState, PathEvent, WatchedStatus } from './progress/state';
import type { ProtectionReport, ReleaseOption } from './protection';
import type { ReviewArtifact, StaleReason } from './review/artifact';
import type { DataLossFinding, ListenerRuleFinding, Review } from './review/model';
import type { SkipReason } from './skip';
import type { CleanupResult, RetainedResource } from './retained';
import type { GuardFailure } from './guard';
import type { VerifyReport } from './verify';
import type { ReleaseDifference } from './release-scope';
import type { SentRequest } from './interrupt';
import type { LockHolder } from './lock';
import type { ApprovalRequirement } from './approval';
import type { ArtifactProblem, PromotionDifference } from './promote-artifacts';
import type { PromotionRecord } from './review/artifact';

/* ---------------------------------------------------------------------------------------------- */
/* The io port                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

export interface OperationIo {
  /** Something happened. Never blocks; the CLI prints it, a test records it. */
  emit(event: OperationEvent): void;
  /** A question only the caller can answer (like CDK toolkit-lib's IoHost requestResponse). */
  ask(question: Question): Promise<Answer>;
}

/** `unanswered`: nobody could be asked (no terminal, no --yes) and the question has no default. */
export type Answer = 'yes' | 'no' | 'unanswered';

export type Question =
  | {
      readonly kind: 'execute-change-set';
      readonly changeSetName: string;
      readonly stackName: string;
      readonly environment: string;
      /** Stateful resources the change set deletes or replaces. */
      readonly dataLoss: number;
      /** What to answer when nobody can be asked: naming a reviewed file is itself the approval. */
      readonly whenUnattended: 'yes' | 'unanswered';
      /** --require-approval: a person must answer; --yes does not (approval.ts). */
      readonly approvalRequired?: ApprovalRequirement;
    }
  | { readonly kind: 'continue-rollback'; readonly stackName: string; readonly skip: readonly string[]; readonly whenUnattended: 'unanswered' }
  | { readonly kind: 'confirm-destroy'; readonly stackName: string; readonly whenUnattended: 'unanswered' };

/* ---------------------------------------------------------------------------------------------- */
/* Shared pieces of events and outcomes                                                            */
/* ---------------------------------------------------------------------------------------------- */

/** An AWS error as data: its code and AWS's own message. */
/** A service's image a deploy would start that its ECR repository does not hold (images.ts). */
export interface MissingImage {
  readonly service: string;
  readonly repository: string;
  readonly tag: string;
  readonly repositoryExists: boolean;
  /** The stack already runs this tag: its image was there once (the lifecycle policy expired it, or someone deleted it). */
  readonly running: boolean;
}

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

export interface StackRef {
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
}

/**
 * An account-wide resource the bootstrap stack may create: the account has it already (`present`),
 * lacks it (`missing`: the stack creates it), or the stack created it before (`managed-here`).
 */
export type AccountResource = 'present' | 'missing' | 'managed-here';
/** A root change set of tap's on a stack (in-progress.ts). */
export interface PendingChangeSet {
  readonly id: string;
  readonly name: string;
  readonly status: ChangeSetStatus;
  readonly executionStatus: ExecutionStatus;
  /** ISO time. */
  readonly createdAt: string;
  readonly description?: string;
}

/** An AWS error that ended an operation, as data: the request, its resource, and the whole text. */
export interface AwsFailure {
  readonly kind: AwsErrorKind;
  readonly code: string;
  /** The message's first line. */
  readonly message: string;
  /** The whole message when it is longer than its first line. */
  readonly fullText?: string;
  /** `s3.putObject`, and as AWS names it: `S3 PutObject`. */
  readonly operation: string;
  readonly api: string;
  readonly resource?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  /** The AWS_ENDPOINT_URL(_<SERVICE>) the request went to, when one is set. */
  readonly endpoint?: string;
}

/** Which stack operation was followed: a deploy started here, one attached to, a delete, a continued rollback. */
export type OperationKind = 'deploy' | 'attach' | 'delete' | 'rollback';

/** The last operation of a stack found stuck, read back: what failed and what may be skipped. */
export interface LastOperation {
  readonly rootCause?: FailedResource;
  /** For an ECS service root cause: its events and stopped tasks. */
  readonly ecs?: EcsDiagnosis;
  readonly rollbackFailures: readonly FailedResource[];
  /** What ContinueUpdateRollback may skip (`Nested.LogicalId`). */
  readonly skip: readonly string[];
}

/** How a followed operation failed: the root cause first (D-8). */
export interface FailureReport extends LastOperation {
  readonly stackName: string;
  readonly status: WatchedStatus;
  readonly statusReason?: string;
  /** Failed resources of the forward phase other than the root cause. */
  readonly otherFailures: readonly FailedResource[];
}

/* ---------------------------------------------------------------------------------------------- */
/* Events                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

export type OperationEvent =
  // Opening
  | {
      readonly type: 'connected';
      readonly environment: string;
      readonly stackName: string;
      readonly accountId: string;
      readonly region: string;
      readonly caller: string;
      /** The deploy role assumed (deployment.deployRoleArn, D-17); `caller` is then its session. */
      readonly deployRole?: string;
    }
  | { readonly type: 'retry'; readonly operation: string; readonly errorKind: AwsErrorKind; readonly code: string; readonly attempt: number; readonly delayMs: number }
  // Following a stack operation (progress/follow.ts)
  | { readonly type: 'watch-started'; readonly stackName: string; readonly startedAt: number }
  | { readonly type: 'stack-event'; readonly event: PathEvent; readonly state: OperationState }
  | { readonly type: 'progress'; readonly state: OperationState; readonly now: number }
  | { readonly type: 'watch-warning'; readonly error: ErrorInfo }
  | { readonly type: 'watch-ended' }
  | { readonly type: 'operation-succeeded'; readonly stackName: string; readonly status: WatchedStatus; readonly elapsedMs: number }
  // deploy, diff, bootstrap
  | { readonly type: 'attaching'; readonly stackName: string; readonly status: StackStatus }
  | { readonly type: 'attached-finished' }
  | { readonly type: 'replacing-failed-stack'; readonly stackName: string; readonly status: StackStatus; readonly requested: boolean }
  | { readonly type: 'unchanged'; readonly stacks: number }
  | { readonly type: 'compared'; readonly reason: SkipReason }
  | {
      readonly type: 'uploaded';
      readonly templates: number;
      readonly assets: number;
      readonly uploaded: number;
      readonly present: number;
      readonly bucket: string;
      /** Promotion (D-18): the objects uploaded were copied from this environment's bucket. */
      readonly copiedFrom?: { readonly environment: string; readonly bucket: string };
    }
  | { readonly type: 'change-set-creating'; readonly name: string; readonly changeSetType: 'CREATE' | 'UPDATE'; readonly nested: boolean; readonly roleArn?: string }
  | { readonly type: 'change-set-empty'; readonly reason: string }
  | { readonly type: 'reviewed-change-set'; readonly name: string; readonly createdAt: string }
  | { readonly type: 'review-ready'; readonly review: Review; readonly from: 'new' | 'review-file' }
  | { readonly type: 'review-artifact'; readonly artifact: ReviewArtifact }
  /** A --allow-replace / --allow-update value that matches no finding of the change set. */
  | { readonly type: 'release-unused'; readonly option: ReleaseOption; readonly address: string }
  | { readonly type: 'policy-relaxed'; readonly addresses: readonly string[]; readonly stacks: readonly string[] }
  | { readonly type: 'policy-restored' }
  | { readonly type: 'execute-answer-lost'; readonly code: string; readonly executionStatus: string }
  | { readonly type: 'execute-retry'; readonly code: string }
  | { readonly type: 'executing'; readonly changeSetName: string }
  | { readonly type: 'protections'; readonly report: ProtectionReport }
  // bootstrap (D-17): what the account already has
  | { readonly type: 'bootstrap-account'; readonly ecsServiceLinkedRole: AccountResource; readonly githubOidcProvider?: AccountResource; readonly githubOidcProviderArn: string }
  // D-13: the environment's lock, other runs' change sets
  | { readonly type: 'stale-lock-removed'; readonly file: string; readonly holder: LockHolder }
  | { readonly type: 'other-change-sets'; readonly stackName: string; readonly changeSets: readonly PendingChangeSet[] }
  // destroy
  | {
      readonly type: 'destroy-plan';
      readonly stackName: string;
      readonly environment: string;
      readonly accountId: string;
      readonly region: string;
      readonly stacks: number;
      readonly resources: number;
      readonly retain: boolean;
      /** The stateful resources the templates retain: deleted after the stacks unless `retain`. */
      readonly retained: readonly RetainedResource[];
      /** Load balancers with deletion protection on (turned off before DeleteStack, with --force). */
      readonly protectedLoadBalancers: readonly string[];
      /** Finishing a destroy whose stacks are already gone: when they were deleted. */
      readonly stacksDeletedAt?: Date;
    }
  | { readonly type: 'termination-protection-off' }
  | { readonly type: 'deletion-protection-off'; readonly loadBalancer: string }
  | { readonly type: 'retained-deleted'; readonly resource: RetainedResource; readonly outcome: CleanupResult }
  // continue-rollback
  | { readonly type: 'rollback-failed-found'; readonly stackName: string; readonly last: LastOperation }
  | { readonly type: 'skip-unknown'; readonly address: string; readonly candidates: readonly string[] }
  // drift
  | { readonly type: 'drift-detecting'; readonly stackName: string }
  // verify
  | { readonly type: 'verify-started'; readonly stackName: string }
  // promote (D-18)
  | {
      readonly type: 'promotion-source';
      readonly from: PromotionRecord['from'];
      readonly rootSha256: string;
      readonly templates: number;
      readonly assets: number;
      /** How the workspace's templates differ from what the source runs (empty: they are the same). */
      readonly differences: readonly PromotionDifference[];
      /** --allow-mismatch: the promotion goes on despite `differences`. */
      readonly mismatchAllowed: boolean;
      /** The target's params-file parameters the promoted root does not declare (not passed). */
      readonly parametersNotPassed: readonly string[];
      /** Services whose image tag in the target's params file differs from the one the source runs. */
      readonly imageTags: readonly { readonly service: string; readonly source: string; readonly target: string }[];
    }
  // release (D-16)
  | { readonly type: 'image-found'; readonly service: string; readonly repository: string; readonly tag: string; readonly digest: string; readonly pushedAt?: Date }
  | {
      readonly type: 'release-scope';
      readonly service: string;
      /** The service's stack path, e.g. `Services/ApiGateway`. */
      readonly stackPath: string;
      /** Resources the change set really changes, all inside the service's stack. */
      readonly changed: readonly string[];
      /** Stacks listed only because a value is known after apply (a caller reading this service's outputs). */
      readonly noise: readonly string[];
    };

/* ---------------------------------------------------------------------------------------------- */
/* Outcomes                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

/** Why an operation could not start (or go on) in AWS as things are. */
export type PreconditionReason =
  | { readonly kind: 'guard'; readonly failure: GuardFailure }
  /** STS AssumeRole of deployment.deployRoleArn was refused (not bootstrapped, or not allowed). */
  | { readonly kind: 'assume-role-failed'; readonly roleArn: string; readonly caller: string; readonly error: ErrorInfo; readonly file: string }
  /** Another operation runs on the stack (diff and destroy do not queue behind it). */
  | { readonly kind: 'stack-busy'; readonly stackName: string; readonly status: StackStatus }
  /** ROLLBACK_COMPLETE and friends: a failed first create, to be deleted before the next. */
  | { readonly kind: 'failed-create'; readonly stack: StackRef; readonly last: LastOperation }
  /** UPDATE_ROLLBACK_FAILED: only continue-rollback brings it back. */
  | { readonly kind: 'rollback-unfinished'; readonly stack: StackRef; readonly last: LastOperation }
  /** Any other state that takes no change set. */
  | { readonly kind: 'stuck'; readonly stack: StackRef }
  | { readonly kind: 'bucket-missing'; readonly bucket: string; readonly accountId: string }
  | { readonly kind: 'bucket-not-owned'; readonly bucket: string; readonly accountId: string; readonly file: string }
  /** bootstrap: the bucket exists, but no bootstrap stack manages it. */
  | { readonly kind: 'bucket-unmanaged'; readonly bucket: string; readonly accountId: string; readonly stackName: string; readonly file: string }
  /** bootstrap: the name is taken in another account (bucket names are global). */
  | { readonly kind: 'bucket-in-other-account'; readonly bucket: string; readonly file: string }
  /**
   * ExecuteChangeSet refused. Read back right after: the stack's status and the change set's (or
   * `gone`), so the words say why only when it is known.
   */
  | {
      readonly kind: 'execute-conflict';
      readonly stackName: string;
      readonly error: ErrorInfo;
      readonly stackNow?: StackStatus;
      readonly changeSetNow?: { readonly status: ChangeSetStatus; readonly executionStatus: ExecutionStatus } | 'gone';
    }
  /** Another tap command holds the environment's lock on this machine (lock.ts). */
  | { readonly kind: 'locked'; readonly file: string; readonly holder?: LockHolder; readonly sameHost: boolean }
  /** CloudFormation is computing another run's change set on the stack (in-progress.ts). */
  | { readonly kind: 'change-set-in-progress'; readonly stackName: string; readonly changeSet: PendingChangeSet }
  | { readonly kind: 'not-deployed'; readonly stackName: string; readonly awaitingReview: boolean }
  | { readonly kind: 'no-failed-rollback'; readonly stackName: string; readonly status?: StackStatus }
  | { readonly kind: 'drift-unsupported'; readonly error: ErrorInfo }
  /** deploy, diff: services the deploy would move to an image tag their repository lacks (images.ts). */
  | { readonly kind: 'images-missing'; readonly registryId: string; readonly region: string; readonly missing: readonly MissingImage[] }
  /** release: the image is not in the service's repository (or there is no repository). */
  | { readonly kind: 'image-missing'; readonly service: string; readonly repository: string; readonly tag: string; readonly registryId: string; readonly region: string; readonly repositoryExists: boolean }
  /** promote (D-18): the artifacts an environment runs (the source's, or a reviewed promotion's in the target's bucket) cannot be used as they are. */
  | { readonly kind: 'promotion-artifacts'; readonly environment: string; readonly problem: ArtifactProblem }
  /** promote: the promoted root needs parameters the target's params file does not give. */
  | { readonly kind: 'promotion-parameters'; readonly from: string; readonly file: string; readonly missing: readonly string[] }
  /** release: the stack runs other templates, parameters or tags than the workspace, besides the one tag. */
  | { readonly kind: 'release-drift'; readonly stackName: string; readonly service: string; readonly differences: readonly ReleaseDifference[] };

export type Precondition = { readonly type: 'precondition'; readonly reason: PreconditionReason };

/** How following a stack operation can end other than in success. */
export type WatchFailure =
  | { readonly type: 'interrupted'; readonly stackName: string; readonly status: WatchedStatus; readonly elapsedMs: number; readonly operation: OperationKind }
  | { readonly type: 'lost-contact'; readonly stackName: string; readonly error: ErrorInfo; readonly elapsedMs: number; readonly lastStatus: WatchedStatus; readonly statusNow?: StackStatus }
  /** The change failed and CloudFormation undid it (for a create: removed what it made). */
  | { readonly type: 'rolled-back'; readonly failure: FailureReport; readonly operation: OperationKind }
  /** The undo failed too, or the operation failed without one: manual recovery. */
  | { readonly type: 'rollback-failed'; readonly failure: FailureReport; readonly operation: OperationKind }
  /** A delete ended in DELETE_FAILED; resources are left. */
  | { readonly type: 'delete-failed'; readonly failure: FailureReport; readonly operation: OperationKind };

export type Declined = {
  readonly type: 'declined';
  readonly what:
    | { readonly kind: 'change-set'; readonly changeSetDeleted: boolean; readonly emptyStackDeleted: boolean }
    | { readonly kind: 'continue-rollback' }
    | { readonly kind: 'destroy' };
};

export type Refused = {
  readonly type: 'refused';
  readonly reason:
    /**
     * Changes a deploy must name: stateful resources deleted or replaced in prod (--allow-replace),
     * ECS-managed listener rules updated or removed in any environment (--allow-update).
     */
    | {
        readonly kind: 'guarded-changes';
        readonly environment: string;
        readonly dataLoss: readonly DataLossFinding[];
        readonly listenerRules: readonly ListenerRuleFinding[];
        readonly changeSetDeleted: boolean;
      }
    | { readonly kind: 'retain'; readonly environment: string }
    /** Load balancers with deletion protection on: destroy needs --force to turn it off. */
    | { readonly kind: 'deletion-protection'; readonly loadBalancers: readonly string[] }
    | { readonly kind: 'termination-protection'; readonly stackName: string }
    /** promote (D-18): the workspace's templates are not what the source runs, and --allow-mismatch was not given. */
    | { readonly kind: 'promotion-mismatch'; readonly from: string; readonly differences: readonly PromotionDifference[] }
    | (ReviewGateRefusal & { readonly changeSetDeleted: boolean });
};

/** A review held to a promise, refused: a release's change set changed more than its service's stack. */
export type ReviewGateRefusal = { readonly kind: 'release-scope'; readonly service: string; readonly stackPath: string; readonly outside: readonly string[] };

/** ExecuteChangeSet did not start the change set (and was not refused for a conflict). */
export type ExecuteFailure =
  /** Its answer was lost and the change set is gone: whether it ran is unknown. */
  | { readonly kind: 'change-set-gone'; readonly error: ErrorInfo }
  /** Failed twice before reaching CloudFormation; the change set is still AVAILABLE. */
  | { readonly kind: 'failed-twice' };

export type DeployOutcome =
  /** `outputs` is absent only if the stack could not be read back after success. */
  | { readonly type: 'deployed'; readonly stackName: string; readonly outputs?: OutputsDocument }
  /** Nothing to do: identical templates, parameters and tags, or an empty change set. `outputs` for deploy. */
  | { readonly type: 'no-changes'; readonly outputs?: OutputsDocument }
  /** diff: the change set waits for `deploy --review`. */
  | { readonly type: 'reviewed'; readonly changeSetName: string }
  /** `approvalRequired`: --yes was given, but --require-approval wants a person for this change set. */
  | { readonly type: 'left-for-review'; readonly changeSetName: string; readonly reviewSaved: boolean; readonly approvalRequired?: ApprovalRequirement }
  | Declined
  | Refused
  | { readonly type: 'stale-review'; readonly reasons: readonly StaleReason[] }
  | { readonly type: 'change-set-failed'; readonly failure: ChangeSetFailure }
  | { readonly type: 'execute-failed'; readonly failure: ExecuteFailure }
  | Precondition
  | WatchFailure;

export type ChangeSetFailure =
  /** CreateChangeSet itself was refused (template, parameters, stack state). */
  | { readonly kind: 'rejected'; readonly error: ErrorInfo }
  /** CloudFormation could not compute it; `causes` name the nested change sets that failed. */
  | { readonly kind: 'failed'; readonly reason: string; readonly causes: readonly NestedCause[]; readonly emptyStackDeleted: boolean }
  /** Deleted (by someone else) while CloudFormation computed it. */
  | { readonly kind: 'disappeared'; readonly emptyStackDeleted: boolean };

export interface NestedCause {
  readonly stackName: string;
  readonly reason: string;
}

export type ReleaseOutcome =
  | { readonly type: 'released'; readonly service: string; readonly tag: string; readonly previousTag: string; readonly stackName: string; readonly outputs?: OutputsDocument }
  /** The stack already runs this tag for the service. */
  | { readonly type: 'already-released'; readonly service: string; readonly tag: string; readonly stackName: string }
  | Exclude<DeployOutcome, { readonly type: 'deployed' | 'reviewed' | 'no-changes' }>;

/** promote (D-18): a deploy of another environment's artifacts. `no-changes`: the target runs them already. */
export type PromoteOutcome =
  | { readonly type: 'promoted'; readonly from: string; readonly stackName: string; readonly outputs?: OutputsDocument }
  | Exclude<DeployOutcome, { readonly type: 'deployed' }>;

export type BootstrapOutcome =
  | { readonly type: 'bootstrapped'; readonly bucket: string; readonly stackName: string; readonly exportName: string; readonly outputs: readonly StackOutput[] }
  | Exclude<DeployOutcome, { readonly type: 'deployed' | 'no-changes' | 'reviewed' }>;

export type DestroyOutcome =
  /** `retained`: resources the tree retained that were deleted, found gone already, or kept (DataProtection=retain). */
  | { readonly type: 'destroyed'; readonly stackName: string; readonly retained: { readonly deleted: number; readonly gone: number; readonly kept: number } }
  | { readonly type: 'nothing-to-destroy'; readonly stackName: string }
  /** No terminal to type the stack name in, and no --confirm. */
  | { readonly type: 'unconfirmed'; readonly stackName: string }
  | Declined
  | Refused
  | Precondition
  | WatchFailure;

export type DriftOutcome =
  | { readonly type: 'in-sync'; readonly stackName: string; readonly report: DriftReport }
  /** Something drifted that the platform does not change on purpose. */
  | { readonly type: 'drifted'; readonly stackName: string; readonly report: DriftReport }
  /** Detection failed on some stacks: the report is incomplete. */
  | { readonly type: 'drift-incomplete'; readonly stackName: string; readonly report: DriftReport }
  | Precondition;

export type OutputsOutcome =
  | { readonly type: 'outputs-read'; readonly outputs: OutputsDocument; readonly stack: { readonly status: StackStatus; readonly lastChanged: Date } }
  | Precondition;

export type ContinueRollbackOutcome =
  | { readonly type: 'rollback-continued'; readonly stackName: string }
  /** No terminal to ask and no --yes: nothing was started. */
  | { readonly type: 'not-started'; readonly stackName: string; readonly skip: readonly string[] }
  | Declined
  | Precondition
  | WatchFailure;

/** `verify` (D-15): the report's rows say what is wrong; the type says whether anything is. */
export type VerifyOutcome =
  | { readonly type: 'verified'; readonly stackName: string; readonly report: VerifyReport }
  /** At least one check failed. */
  | { readonly type: 'verify-failed'; readonly stackName: string; readonly report: VerifyReport }
  /** Nothing failed, but some check could not be computed (not known). */
  | { readonly type: 'verify-incomplete'; readonly stackName: string; readonly report: VerifyReport }
  | Precondition;

/** What a run left in AWS, read back after Ctrl-C (guarded-run.ts). */
export interface LeftBehind {
  readonly stackName: string;
  /** The stack now (absent: it does not exist). */
  readonly stack?: StackRef;
  /** tap's root change sets on it now. */
  readonly changeSets: readonly PendingChangeSet[];
  /** Reading it back failed. */
  readonly unreadable?: ErrorInfo;
}

/**
 * How any operation can end outside its own outcomes (guarded-run.ts, D-13): Ctrl-C between
 * its steps (following a stack operation ends as WatchFailure `interrupted`), or an AWS error.
 * Each carries what the run had asked AWS to change.
 */
export type RunFailure =
  | {
      readonly type: 'stopped';
      readonly sent: readonly SentRequest[];
      /** The question being asked when Ctrl-C came (the approval prompt). */
      readonly question?: Question['kind'];
      /** Absent when nothing had been sent: there is nothing to read back. */
      readonly left?: LeftBehind;
    }
  /** AWS could not be used: network, endpoint, throttling, credentials, permissions. */
  | { readonly type: 'aws-unavailable'; readonly failure: AwsFailure; readonly sent: readonly SentRequest[] }
  /** AWS answered and refused a request the toolkit does not otherwise handle. */
  | { readonly type: 'aws-request-failed'; readonly failure: AwsFailure; readonly sent: readonly SentRequest[] };

/** Every way an operation can end. */
export type Outcome = DeployOutcome | ReleaseOutcome | PromoteOutcome | BootstrapOutcome | DestroyOutcome | DriftOutcome | OutputsOutcome | ContinueRollbackOutcome | VerifyOutcome | RunFailure;

export const errorInfo = (error: { readonly code: string; readonly message: string }): ErrorInfo => ({ code: error.code, message: error.message });

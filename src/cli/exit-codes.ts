/**
 * Exit codes of `tap` (`npx tap`; `make` turns every failure into 2), and the ONE table that maps
 * how an operation ended to its code. Documented in docs/cli.md (generated from this file), which
 * docs/operations.md links to.
 */
import type { Outcome } from '../operations/operation';

export const EXIT = {
  ok: 0,
  /** A bug or an unexpected AWS error. */
  internal: 1,
  /** Bad input: params file, command-line arguments, unknown ENV. Nothing was changed. */
  invalidInput: 2,
  /** A check failed: lint, security scan, stale templates, limits, a live check of `tap verify`. */
  checkFailed: 3,
  /** AWS cannot be used or is not ready: network, endpoint, credentials, permissions, account/region mismatch, missing bootstrap, stuck or busy stack, environment locked; `tap verify` could not compute a check. */
  precondition: 4,
  /** Change set created and left for review (no terminal and no --yes). */
  leftForReview: 5,
  /** The reviewer declined; the change set was deleted. */
  declined: 6,
  /** The deployment failed and CloudFormation rolled it back. */
  rolledBack: 7,
  /** The deployment failed and the rollback failed too: manual recovery needed. */
  rollbackFailed: 8,
  /** The saved review no longer matches the templates, parameters or stack. */
  staleReview: 9,
  /** A guardrail refused: prod data-loss change without --allow-replace, an ECS-managed listener rule update without --allow-update, a protected destroy without --force. */
  refused: 10,
  /** Drift detected by `tap drift`. */
  drifted: 11,
  /** `tap destroy` ended in DELETE_FAILED: resources are left; the message names them and the next step. */
  destroyFailed: 12,
  /** AWS refused a request the toolkit does not otherwise handle; the message names the request and resource. */
  awsRequestFailed: 13,
  /** Interrupted (Ctrl-C); CloudFormation continues on its own. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, for people (docs/cli.md's table). */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'unexpected error (a bug in the toolkit)',
  2: 'invalid input: params file, command-line argument, unknown ENV, service catalog; nothing was changed',
  3: 'a check failed: lint or scan findings, stale `templates/` or diagram, a stack over a CloudFormation quota, a change set CloudFormation could not create, a live check of `make verify`',
  4: 'AWS cannot be used or is not ready: network or endpoint unreachable, throttled, no or expired credentials, access denied, account or region mismatch, missing artifact bucket, stuck or busy stack, another run holds the environment, an image a deploy, diff, promotion or release would start that is not in ECR, a release whose stack runs more than the workspace, a promotion whose source is not deployed, not settled or lacks an artifact; `make verify` could not compute a check (not known) and none failed; `make drift` could not detect drift on every stack and found none',
  5: 'change set left for review (no terminal, no `--yes`); the message says how to execute it',
  6: 'declined; the change set (and an empty new stack) was deleted',
  7: 'deployment failed and was rolled back (the root cause is printed)',
  8: 'rollback failed too (UPDATE_ROLLBACK_FAILED): see `make continue-rollback`',
  9: 'the saved review is stale; nothing executed',
  10: 'refused by a guardrail: prod data loss without `--allow-replace`, an ECS-managed listener rule update without `--allow-update`, a prod or protected destroy without `--force`, a release whose change set reaches beyond its service, a promotion of templates other than `templates/` without `--allow-mismatch`',
  11: '`make drift` found drift the platform does not make on purpose',
  12: 'destroy ended in DELETE_FAILED; the message names what is left',
  13: 'AWS refused a request: the message names the request and its resource; the full text is in `.tap/<env>/aws-errors.log`',
  130: 'interrupted (Ctrl-C) in any phase: nothing more was sent to AWS; the message says what was left (a change set, a stack operation CloudFormation carries on) and the next command',
};

/**
 * How every operation outcome exits. A Record over every outcome type: an operation that adds an
 * outcome does not compile until it has its row here.
 */
export const OUTCOME_EXIT_CODES: Readonly<Record<Outcome['type'], ExitCode>> = {
  deployed: EXIT.ok,
  released: EXIT.ok,
  promoted: EXIT.ok,
  'already-released': EXIT.ok,
  'no-changes': EXIT.ok,
  reviewed: EXIT.ok,
  bootstrapped: EXIT.ok,
  destroyed: EXIT.ok,
  'nothing-to-destroy': EXIT.ok,
  'outputs-read': EXIT.ok,
  'in-sync': EXIT.ok,
  'rollback-continued': EXIT.ok,
  verified: EXIT.ok,
  'verify-failed': EXIT.checkFailed,
  'verify-incomplete': EXIT.precondition,
  // Both are network failures: the class of an unreachable AWS.
  'execute-failed': EXIT.precondition,
  'lost-contact': EXIT.precondition,
  // Drift that could not be computed is not a bug: DetectStackDrift ends DETECTION_FAILED when a resource
  // cannot be checked (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html).
  'drift-incomplete': EXIT.precondition,
  unconfirmed: EXIT.invalidInput,
  'change-set-failed': EXIT.checkFailed,
  precondition: EXIT.precondition,
  'left-for-review': EXIT.leftForReview,
  'not-started': EXIT.leftForReview,
  declined: EXIT.declined,
  'rolled-back': EXIT.rolledBack,
  'rollback-failed': EXIT.rollbackFailed,
  'stale-review': EXIT.staleReview,
  refused: EXIT.refused,
  drifted: EXIT.drifted,
  'delete-failed': EXIT.destroyFailed,
  interrupted: EXIT.interrupted,
  stopped: EXIT.interrupted,
  'aws-unavailable': EXIT.precondition,
  'aws-request-failed': EXIT.awsRequestFailed,
};

export const exitCodeOf = (outcome: Outcome): ExitCode => OUTCOME_EXIT_CODES[outcome.type];

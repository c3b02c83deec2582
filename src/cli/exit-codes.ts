/** Exit codes of `tap` (and therefore of every make target). Documented in the README. */
export const EXIT = {
  ok: 0,
  /** A bug or an unexpected AWS error. */
  internal: 1,
  /** Bad input: params file, command-line arguments, unknown ENV. Nothing was changed. */
  invalidInput: 2,
  /** A check failed: lint, security scan, stale templates, limits. */
  checkFailed: 3,
  /** Precondition on AWS failed: credentials, account/region mismatch, missing bootstrap, stuck stack. */
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
  /** A guardrail refused: prod data-loss change without --allow-replace, prod destroy without --force. */
  refused: 10,
  /** Drift detected by `tap drift`. */
  drifted: 11,
  /** `tap destroy` ended in DELETE_FAILED: resources are left; the message names them and the next step. */
  destroyFailed: 12,
  /** Interrupted (Ctrl-C); CloudFormation continues on its own. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

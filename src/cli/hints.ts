/**
 * The commands people copy from the CLI's messages: `make <target> ENV=<env>` (what the README
 * teaches) and its `tap` equivalent (exit codes pass through only `npx tap`; see docs/cli.md).
 */
export interface CommandLine {
  readonly make: string;
  readonly tap: string;
}

export function commandLine(target: string, environment: string, args = ''): CommandLine {
  return {
    make: `make ${target} ENV=${environment}${args ? ` ARGS='${args}'` : ''}`,
    tap: `tap ${target} --env ${environment}${args ? ` ${args}` : ''}`,
  };
}

/** `make promote FROM=<from> TO=<to> [REVIEW=<file>] [ARGS='…']` (D-18) and its `tap` equivalent. */
export function promoteLine(from: string, to: string, args = '', review?: string): CommandLine {
  return {
    make: `make promote FROM=${from} TO=${to}${review ? ` REVIEW=${review}` : ''}${args ? ` ARGS='${args}'` : ''}`,
    tap: `tap promote --from ${from} --to ${to}${review ? ` --review ${review}` : ''}${args ? ` ${args}` : ''}`,
  };
}

/** What a run was: its command and environment (`promotionFrom`: a promotion into it from there). */
export interface RunIdentity {
  readonly command: string;
  readonly environment: string;
  readonly promotionFrom?: string;
}

/** The command that runs this one again (with `args`). */
export const rerunLine = (run: RunIdentity, args = ''): CommandLine =>
  (run.promotionFrom ? promoteLine(run.promotionFrom, run.environment, args) : commandLine(run.command, run.environment, args));

/** The command that executes exactly a reviewed change set: `make deploy ENV=x REVIEW=…`, or `make promote … REVIEW=…` for a promotion. */
export const executeReviewLine = (run: RunIdentity, review: string): CommandLine =>
  (run.promotionFrom
    ? promoteLine(run.promotionFrom, run.environment, '', review)
    : { make: `make deploy ENV=${run.environment} REVIEW=${review}`, tap: `tap deploy --env ${run.environment} --review ${review}` });

/**
 * How the CLI speaks and listens during an operation: `Say` (narrative to stdout, verdicts to
 * stderr, every line through the secret masker) and the answers to an operation's questions
 * (a prompt on a terminal, --yes or --confirm given beforehand, or the question's own default when
 * nobody can be asked).
 */
import { formatProblem, type Problem } from '../core/problems';
import type { SecretMasker } from '../operations/mask';
import type { Answer, Question } from '../operations/operation';
import { writeLine, type Output, type Styler, type Terminal } from './terminal';

/** Output helpers: narrative to stdout, verdicts (error/refused) to stderr. */
export interface Say {
  line(text?: string): void;
  note(text: string): void;
  ok(text: string): void;
  warn(text: string): void;
  /** A headline on stderr, e.g. `error`, `refused`, `stale review`. */
  fail(label: string, text: string): void;
  /** Continuation lines of a verdict (stderr). */
  detail(text: string): void;
}

export function sayTo(output: Output, style: Styler, masker?: SecretMasker): Say {
  const clean = (text: string) => (masker ? masker.text(text) : text);
  return {
    line: (text = '') => writeLine(output.out, clean(text)),
    note: (text) => writeLine(output.out, style('dim', clean(text))),
    ok: (text) => writeLine(output.out, `${style('green', '✓')} ${clean(text)}`),
    warn: (text) => writeLine(output.out, `${style('yellow', 'warning')} ${clean(text)}`),
    fail: (label, text) => writeLine(output.err, `${style('red', label)} ${clean(text)}`),
    detail: (text) => writeLine(output.err, `  ${clean(text)}`),
  };
}

/** Bad input (exit 2): each problem with its file, path and expectation, and the reassurance. */
export function printInputProblems(output: Output, style: Styler, problems: readonly Problem[]): void {
  for (const problem of problems) writeLine(output.err, `${style('red', 'error')} ${formatProblem(problem)}`);
  writeLine(output.err, style('dim', 'Nothing was changed in AWS.'));
}

export interface AnswerOptions {
  readonly terminal: Terminal;
  /** The question was answered on the command line: --yes (deploy, bootstrap, continue-rollback), --confirm (destroy). */
  readonly preapproved: boolean;
  readonly style: Styler;
}

/** The prompt for a question and whether what was typed means yes. */
function promptFor(question: Question, style: Styler): { text: string; accepts(typed: string): boolean } {
  const typedYes = (typed: string) => typed.trim().toLowerCase() === 'yes';
  switch (question.kind) {
    case 'execute-change-set': {
      const risky = (question.dataLoss > 0 ? style('red', ` It deletes or replaces ${question.dataLoss} stateful resource(s).`) : '')
        + (question.approvalRequired?.level === 'broadening' ? style('yellow', question.approvalRequired.securityUnknown ? ' Its security changes are not known.' : ' It broadens security.') : '');
      return { text: `Execute change set ${question.changeSetName} on ${question.stackName} (${question.environment})?${risky} Type "yes" to execute: `, accepts: typedYes };
    }
    case 'continue-rollback': {
      const what = continueRollbackWhat(question.stackName, question.skip);
      return { text: `${what[0].toUpperCase()}${what.slice(1)}? Type "yes": `, accepts: typedYes };
    }
    case 'confirm-destroy':
      return { text: `Type the stack name (${question.stackName}) to delete it and everything in it: `, accepts: (typed) => typed.trim() === question.stackName };
  }
}

/** `retry the rollback of tap-dev` / `continue the rollback of tap-dev, skipping A, B` */
export function continueRollbackWhat(stackName: string, skip: readonly string[]): string {
  return skip.length > 0 ? `continue the rollback of ${stackName}, skipping ${skip.join(', ')}` : `retry the rollback of ${stackName}`;
}

/** Answers an operation's question: given beforehand, typed at a terminal, or the question's default. */
export function answerer({ terminal, preapproved, style }: AnswerOptions): (question: Question) => Promise<Answer> {
  return async (question) => {
    // --require-approval: --yes does not approve this one; a person must (operations/approval.ts).
    const personRequired = question.kind === 'execute-change-set' && question.approvalRequired !== undefined;
    if (preapproved && !personRequired) return 'yes';
    if (!terminal.interactive) return question.whenUnattended;
    const prompt = promptFor(question, style);
    return prompt.accepts((await terminal.prompt(prompt.text)) ?? '') ? 'yes' : 'no';
  };
}

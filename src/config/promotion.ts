/**
 * D-18: which promotions make sense, checked before any AWS call.
 *
 * `make promote FROM=a TO=b` takes what `a` runs into `b`. Both must be environments (params
 * files), different ones, and `b` must say it is promoted from `a`: `deployment.promotedFrom` in
 * `params/b.json` names the one environment it takes artifacts from (prod: "staging"). The files
 * thus set one path (dev → staging → prod), and a promotion that skips a step (dev into prod),
 * goes backwards (prod into staging) or goes round in a circle is refused with the file, the field
 * and what was expected. An environment without `promotedFrom` is never promoted into.
 */
import path from 'node:path';
import { readJsonFile } from '../core/json-file';
import { InputError, quote, type Problem } from '../core/problems';
import { environmentFilePath, environmentNameProblem, PARAMS_FILE_MAX_BYTES, type EnvironmentConfig } from './environment';

export interface PromotionPair {
  readonly from: string;
  readonly to: string;
}

/** FROM and TO as typed (make variables, or --from/--to): both given, both environments, different. */
export function promotionArgumentProblems(root: string, from: string | undefined, to: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (from === undefined) problems.push({ file: 'command line', path: 'FROM', message: 'is required: the environment whose deployed artifacts are promoted (make promote FROM=<env> TO=<env>)' });
  if (to === undefined) problems.push({ file: 'command line', path: 'TO', message: 'is required: the environment they are promoted into (make promote FROM=<env> TO=<env>)' });
  for (const [variable, name] of [['FROM', from], ['TO', to]] as const) {
    const problem = name === undefined ? undefined : environmentNameProblem(root, name, variable);
    if (problem) problems.push(problem);
  }
  if (problems.length === 0 && from === to) {
    problems.push({ file: 'command line', path: 'FROM, TO', message: `are both ${quote(from)}: a promotion takes what one environment runs into another` });
  }
  return problems;
}

/** Throws InputError (exit 2) unless FROM and TO name two environments. */
export function requirePromotionArguments(root: string, from: string | undefined, to: string | undefined): PromotionPair {
  const problems = promotionArgumentProblems(root, from, to);
  if (problems.length > 0 || from === undefined || to === undefined) throw new InputError(problems);
  return { from, to };
}

/** `deployment.promotedFrom` of an environment's file as written, if the file reads (a broken file ends the path). */
function promotedFromOf(root: string, name: string): string | undefined {
  try {
    const document = readJsonFile(path.join(root, environmentFilePath(name)), environmentFilePath(name), { maxBytes: PARAMS_FILE_MAX_BYTES, what: 'a params file' });
    const value = (document as { deployment?: { promotedFrom?: unknown } } | null)?.deployment?.promotedFrom;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/**
 * The path the params files set, ending at `to`: `["dev", "staging", "prod"]`. A path that comes
 * back to an environment already on it ends there, with `cycle` set.
 */
export function promotionPath(root: string, to: string): { readonly path: readonly string[]; readonly cycle: boolean } {
  const reversed = [to];
  for (let from = promotedFromOf(root, to); from !== undefined; from = promotedFromOf(root, from)) {
    if (reversed.includes(from)) return { path: [from, ...reversed], cycle: true };
    reversed.unshift(from);
  }
  return { path: reversed, cycle: false };
}

/** The loaded environments agree with the promotion: TO is promoted from FROM, and the path is no circle. */
export function promotionPathProblems(root: string, from: Pick<EnvironmentConfig, 'name' | 'file' | 'deployment'>, to: Pick<EnvironmentConfig, 'name' | 'file' | 'deployment'>): Problem[] {
  const at = { file: to.file, path: '/deployment/promotedFrom' };
  const declared = to.deployment.promotedFrom;
  if (declared === undefined) {
    return [{ ...at, message: `is not set, so nothing is promoted into ${to.name}; to take what ${from.name} runs into it, set it to ${quote(from.name)} (the one environment ${to.name} is promoted from)` }];
  }
  const { path: steps, cycle } = promotionPath(root, to.name);
  const shown = steps.join(' → ');
  if (cycle) return [{ ...at, message: `makes the promotion path a circle (${shown}): each environment is promoted from the one before it, and none from one after it` }];
  if (declared !== from.name) {
    return [{ ...at, message: `is ${quote(declared)}: ${to.name} takes artifacts from ${declared} only, not from ${from.name} (the path the params files set: ${shown})` }];
  }
  return [];
}

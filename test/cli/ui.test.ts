/**
 * D-6 / D-8 / D-10: how the CLI answers an operation's questions. Given on the command line
 * (--yes, --confirm) they are answered at once; on a terminal a person types the answer; with
 * nobody to ask, the question's own default stands (left for review, not started, or, for a
 * reviewed file, the approval it already is).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { styler, type Terminal } from '../../src/cli/terminal';
import { answerer } from '../../src/cli/ui';
import type { Question } from '../../src/operations/operation';

const execute = (dataLoss = 0, whenUnattended: 'yes' | 'unanswered' = 'unanswered'): Question =>
  ({ kind: 'execute-change-set', changeSetName: 'tap-dev-x', stackName: 'tap-dev', environment: 'dev', dataLoss, whenUnattended });

function typing(...answers: (string | undefined)[]): Terminal & { prompts: string[] } {
  const prompts: string[] = [];
  return { interactive: true, prompts, prompt: async (text) => { prompts.push(text); return answers.shift(); } };
}
const nobody: Terminal = { interactive: false, prompt: async () => assert.unreachable('nobody is there to ask') as never };
const style = styler(false);

test('D-6: --yes answers before anyone is asked; without a terminal the question\'s default stands', async () => {
  assert.is(await answerer({ terminal: nobody, preapproved: true, style })(execute()), 'yes');
  assert.is(await answerer({ terminal: nobody, preapproved: false, style })(execute()), 'unanswered');
  assert.is(await answerer({ terminal: nobody, preapproved: false, style })(execute(0, 'yes')), 'yes', 'naming a reviewed file is the approval');
});

test('D-6: on a terminal only "yes" executes; the prompt names the change set, the stack and the data loss', async () => {
  const terminal = typing(' YES ', 'y', undefined);
  const ask = answerer({ terminal, preapproved: false, style });
  assert.is(await ask(execute()), 'yes');
  assert.is(await ask(execute(2)), 'no');
  assert.is(await ask(execute()), 'no', 'end of input declines');
  assert.is(terminal.prompts[0], 'Execute change set tap-dev-x on tap-dev (dev)? Type "yes" to execute: ');
  assert.is(terminal.prompts[1], 'Execute change set tap-dev-x on tap-dev (dev)? It deletes or replaces 2 stateful resource(s). Type "yes" to execute: ');
});

test('D-10: destroy wants the stack name typed exactly; --confirm (checked before connecting) is that answer', async () => {
  const question: Question = { kind: 'confirm-destroy', stackName: 'tap-dev', whenUnattended: 'unanswered' };
  const terminal = typing('tap-de', ' tap-dev ');
  const ask = answerer({ terminal, preapproved: false, style });
  assert.is(await ask(question), 'no');
  assert.is(await ask(question), 'yes');
  assert.is(terminal.prompts[0], 'Type the stack name (tap-dev) to delete it and everything in it: ');
  assert.is(await answerer({ terminal: nobody, preapproved: false, style })(question), 'unanswered');
  assert.is(await answerer({ terminal: nobody, preapproved: true, style })(question), 'yes');
});

test('D-8: continue-rollback asks what it will do, skips named', async () => {
  const terminal = typing('yes', 'no');
  const ask = answerer({ terminal, preapproved: false, style });
  assert.is(await ask({ kind: 'continue-rollback', stackName: 'tap-dev', skip: ['Services.Frontend.LogGroup'], whenUnattended: 'unanswered' }), 'yes');
  assert.is(await ask({ kind: 'continue-rollback', stackName: 'tap-dev', skip: [], whenUnattended: 'unanswered' }), 'no');
  assert.equal(terminal.prompts, ['Continue the rollback of tap-dev, skipping Services.Frontend.LogGroup? Type "yes": ', 'Retry the rollback of tap-dev? Type "yes": ']);
});

test.run();

/**
 * D-7 Progress in words: outside a terminal (CI) one line per event prefixed with the nested stack
 * path and a heartbeat every 30 s; on a terminal a live block redrawn in place. Driven through the
 * CLI against the fake.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStatus } from '../../../src/aws/port';
import { createMasker } from '../../../src/operations/mask';
import { liveFrame } from '../../../src/cli/render/progress';
import { applyEvent, createState, trackStack } from '../../../src/operations/progress/state';
import { Scenario } from '../../helpers/deploy-harness';

test('D-7: outside a terminal, one line per event prefixed with the nested stack path, plus a 30 s heartbeat', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d tap-dev › AWS::CloudFormation::Stack tap-dev CREATE_IN_PROGRESS$/.test(l)));
  assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d Services\/Frontend › AWS::ECS::Service Service CREATE_COMPLETE$/.test(l)));
  assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d Network › AWS::EC2::VPC Vpc CREATE_COMPLETE$/.test(l)));
  const heartbeats = lines.filter((l) => l.startsWith('… '));
  assert.ok(heartbeats.length >= 3, `expected heartbeats, got ${heartbeats.length}`);
  assert.match(heartbeats[0], /^… 3\ds elapsed; (still in progress: \S+ › \S+ \(AWS::[A-Za-z0-9:]+, CREATE_IN_PROGRESS for \d+s\)|waiting for CloudFormation)/);
  assert.ok(heartbeats.some((h) => h.includes('still in progress: Services/Frontend › ')));
  // No ANSI codes outside a terminal.
  assert.not.match(result.stdout, /\u001b\[/);
});

test('D-7: on a terminal, a live view redraws in place with per-stack counts', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['deploy', '--env', 'dev', '--yes'], { tty: true });
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /\u001b\[\d+F\u001b\[0J/, 'moves the cursor up and clears to redraw');
  assert.match(result.stdout, /Services\/Frontend\s+CREATE_COMPLETE\s+0 in progress\s+9 complete 0 failed/);
  assert.match(result.stdout, /Network\s+CREATE_COMPLETE\s+0 in progress\s+5 complete 0 failed/);
});

test('D-7: the live frame lists running resources and failures', () => {
  const masker = createMasker([], ['s3cr3t-value']);
  const state = createState('arn:root', 'tap-dev', 0);
  trackStack(state, 'arn:fe', 'Services/Frontend', 'Frontend');
  const event = (stackId: string, logicalId: string, resourceType: string, status: EventStatus, at: number) =>
    applyEvent(state, { path: '', event: { eventId: `${logicalId}${status}`, stackId, stackName: 'x', logicalId, resourceType, status, timestamp: new Date(at) } });
  event('arn:fe', 'Service', 'AWS::ECS::Service', 'UPDATE_IN_PROGRESS', 1000);
  event('arn:fe', 'LogGroup', 'AWS::Logs::LogGroup', 'UPDATE_COMPLETE', 2000);
  const rows = liveFrame(state, 95_000, 'tap-dev', masker, (_s, t) => t, ['Services/Frontend › AWS::ECS::Service Service UPDATE_FAILED: bad s3cr3t-value']);
  assert.match(rows.join('\n'), /Services\/Frontend\s+UNKNOWN\s+1 in progress\s+1 complete 0 failed\s+Service 1m34s/);
  assert.match(rows.join('\n'), /Failures\n\s+Services\/Frontend › AWS::ECS::Service Service UPDATE_FAILED: bad \*\*\*\*/);
});

test.run();

/**
 * README architecture: the committed diagram is generated from the rendered templates.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';
import { platformTemplates } from '../helpers/platform';
import { architectureDot } from '../../src/diagram/architecture';
import { EXIT } from '../../src/cli/exit-codes';

test('README: docs/architecture.svg matches the templates (make diagram)', async () => {
  const result = await runCli(['diagram', '--check']);
  assert.is(result.code, EXIT.ok, result.stderr);
});

test('README: the diagram shows every stack, the ALB routes, the Service Connect paths and the database', () => {
  const dot = architectureDot(platformTemplates());
  for (const stack of ['"network"', '"registry"', '"mesh"', '"cluster"', '"services/frontend"', '"services/analytics-engine"']) assert.match(dot, stack);
  assert.match(dot, 'alb -> "services/api-gateway" [label="/api/* (priority 100)"');
  assert.match(dot, '"services/frontend" -> "services/api-gateway" [label="Service Connect :8080"');
  assert.match(dot, '"services/analytics-engine" -> "services/data-ingestion"');
  assert.match(dot, '"services/data-ingestion" -> database');
  assert.not.match(dot, '"services/frontend" -> database', 'frontend holds no database secret');
});

test.run();

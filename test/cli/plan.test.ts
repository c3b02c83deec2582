/**
 * D-0: the offline plan — synth, parameter validation, lint, security scan and the quota table —
 * runs with no AWS account at all: no credentials, and an endpoint that refuses every connection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempWorkspace } from '../helpers/cli';

const NO_AWS = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'no-such-profile' };

test('D-0: make plan runs offline: renders, validates the params file, lints, scans and shows every stack against the quotas', async () => {
  const workspace = tempWorkspace();
  const result = await runCli(['plan', '--env', 'staging'], { root: workspace, env: NO_AWS });
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'Plan for staging');
  assert.match(result.stdout, 'params/staging.json is valid');
  assert.match(result.stdout, /cfn-lint .*: 0 errors, 0 warnings/);
  assert.match(result.stdout, /checkov .*: \d+ passed, 0 failed/);
  for (const stack of ['root', 'network', 'registry', 'cluster', 'mesh', 'services', 'services/frontend']) assert.match(result.stdout, new RegExp(`^${stack}\\s`, 'm'), stack);
  assert.match(result.stdout, 'nothing was sent to AWS');
});

test('D-0: plan names the valid environments when ENV is unknown, before rendering anything', async () => {
  const result = await runCli(['plan', '--env', 'no-such-environment'], { root: tempWorkspace(), env: NO_AWS });
  assert.is(result.code, 2);
  assert.match(result.stderr, /dev.*prod.*staging|dev, staging, prod/);
});

test.run();

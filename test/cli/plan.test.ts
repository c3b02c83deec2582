/**
 * D-0: the offline plan — synth, parameter validation, lint, security scan and the quota table —
 * runs with no AWS account at all: no credentials, and an endpoint that refuses every connection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempWorkspace } from '../helpers/cli';

const NO_AWS = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'no-such-profile' };

test('D-0: make plan runs offline: renders, validates the params file, lints, scans and shows every stack against the quotas', async () => {
  // Without deployment.deployRoleArn (the shipped files name it, for the pipeline: D-19).
  const workspace = tempWorkspace({ staging: (d) => { delete d.deployment['deployRoleArn']; } });
  const result = await runCli(['plan', '--env', 'staging'], { root: workspace, env: NO_AWS });
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'Plan for staging');
  assert.match(result.stdout, 'params/staging.json is valid');
  assert.match(result.stdout, /cfn-lint .*: 0 errors, 0 warnings/);
  assert.match(result.stdout, /checkov .*: \d+ passed, 0 failed/);
  for (const stack of ['root', 'network', 'registry', 'cluster', 'mesh', 'services', 'services/frontend']) assert.match(result.stdout, new RegExp(`^${stack}\\s`, 'm'), stack);
  assert.match(result.stdout, 'nothing was sent to AWS');
  // D-17: who will act.
  assert.match(result.stdout, "identity  deploy, diff and release act as the standard credential chain's identity (no deployment.deployRoleArn; `make bootstrap` creates arn:aws:iam::444455556666:role/role-deploy-tap-staging)");
  assert.match(result.stdout, 'CloudFormation acts as arn:aws:iam::444455556666:role/role-cfn-exec-tap-staging (RoleARN of every change set');
  assert.match(result.stdout, /Services: 4 image-tag parameters, one per service; services has \d+ other parameters, so the 200-parameter quota allows \d+ services/);
});

test('D-17: with deployment.deployRoleArn (as params/dev.json names it) the plan says deploys act as that role', async () => {
  const workspace = tempWorkspace();
  const result = await runCli(['plan', '--env', 'dev'], { root: workspace, env: NO_AWS });
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'deploy, diff and release act as arn:aws:iam::111122223333:role/role-deploy-tap-dev (deployment.deployRoleArn;');
});

test('D-0: plan names the valid environments when ENV is unknown, before rendering anything', async () => {
  const result = await runCli(['plan', '--env', 'no-such-environment'], { root: tempWorkspace(), env: NO_AWS });
  assert.is(result.code, 2);
  assert.match(result.stderr, /dev.*prod.*staging|dev, staging, prod/);
});

test.run();

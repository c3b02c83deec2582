/**
 * T-5 / D-0: params mistakes stop `plan` before any AWS call, exit 2, and name the file, the JSON
 * path and the expectation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempWorkspace } from '../helpers/cli';
import { listEnvironments } from '../../src/config/environment';
import { EXIT } from '../../src/cli/exit-codes';

async function planFails(env: string, workspace: string) {
  const result = await runCli(['plan', '--env', env], { root: workspace });
  assert.is(result.code, EXIT.invalidInput, `exit code; stderr: ${result.stderr}`);
  assert.ok(result.stderr.includes('Nothing was changed in AWS'), result.stderr);
  // Stopped before linting or summarising: nothing on stdout.
  assert.is(result.stdout, '');
  return result.stderr;
}

test('T-5: an unknown key is rejected with its path and the allowed keys', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['VpcCIDR'] = '10.10.0.0/16'; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/VpcCIDR: unknown key; expected one of:');
  assert.match(stderr, 'VpcCidr');
});

test('T-5: a value of the wrong type names the expected type', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['NatGatewayMode'] = 1; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/NatGatewayMode: must be a string');
});

test('T-5: a malformed CIDR is rejected with the constraint in words, not the regular expression', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['VpcCidr'] = '10.10.0.0/33'; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/VpcCidr: must be an IPv4 CIDR block with a prefix length from /16 to /24 (got "10.10.0.0/33")');
  assert.not.match(stderr, '25[0-5]');
});

test('T-5: a CIDR with host bits set is rejected with the network address', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['VpcCidr'] = '10.10.1.0/16'; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/VpcCidr: "10.10.1.0/16" has host bits set (the network address is 10.10.0.0/16)');
});

test('T-5: a subnet outside the VPC CIDR is a subnet/VPC conflict', async () => {
  const ws = tempWorkspace({
    dev: (d) => { d.parameters['PrivateSubnetCidrs'] = ['10.10.0.0/18', '10.10.64.0/18', '10.99.0.0/18']; },
  });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/PrivateSubnetCidrs/2: "10.99.0.0/18" is outside the VPC CIDR "10.10.0.0/16"');
});

test('T-5: overlapping subnets are rejected, naming both', async () => {
  const ws = tempWorkspace({
    dev: (d) => {
      d.parameters['PublicSubnetCidrs'] = ['10.10.192.0/20', '10.10.208.0/20', '10.10.0.0/20'];
      d.parameters['PrivateSubnetCidrs'] = ['10.10.0.0/18', '10.10.64.0/18', '10.10.128.0/18'];
    },
  });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, '/parameters/PrivateSubnetCidrs/0: "10.10.0.0/18" overlaps "10.10.0.0/20" at /parameters/PublicSubnetCidrs/2');
});

test('T-5: a value outside AllowedValues lists the allowed ones', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['NatGatewayMode'] = 'two'; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/NatGatewayMode: must be one of: "single", "per-az"');
});

test('T-7: an unknown ENV names the valid environments', async () => {
  // Unknown for certain, whatever environments a user has added: its file is removed from this
  // workspace. The valid ones are the files that remain.
  const ws = tempWorkspace();
  const [removed, ...remaining] = listEnvironments(ws);
  fs.rmSync(path.join(ws, 'params', `${removed}.json`));
  const result = await runCli(['plan', '--env', removed], { root: ws });
  assert.is(result.code, EXIT.invalidInput);
  assert.match(result.stderr, `command line: ENV: unknown environment "${removed}"; expected one of: ${remaining.join(', ')} (the files in params/)`);
  assert.ok(remaining.length >= 2);
});

test('T-5: a missing required parameter is named with its description', async () => {
  const ws = tempWorkspace({ staging: (d) => { delete d.parameters['DataProtection']; } });
  const stderr = await planFails('staging', ws);
  assert.match(stderr, 'params/staging.json: /parameters/DataProtection: is required: retain:');
});

test('T-5: a VPC CIDR overlapping another environment is rejected', async () => {
  const ws = tempWorkspace({ dev: (d) => { d.parameters['VpcCidr'] = '10.20.128.0/17'; } });
  const stderr = await planFails('dev', ws);
  assert.match(stderr, 'params/dev.json: /parameters/VpcCidr: "10.20.128.0/17" overlaps "10.20.0.0/16", the VPC of params/staging.json');
});

test('P-DATA: prod must retain stateful resources', async () => {
  const ws = tempWorkspace({ prod: (d) => { d.parameters['DataProtection'] = 'delete'; } });
  const stderr = await planFails('prod', ws);
  assert.match(stderr, 'params/prod.json: /parameters/DataProtection: must be "retain" in prod');
});

test('P-MESH / P-TRUTH (issue 11 #1): Service Connect TLS without a certificate (no TLS listener for the HTTPS targets) is refused', async () => {
  const ws = tempWorkspace({ staging: (d) => { d.parameters['CertificateArn'] = ''; } });
  const stderr = await planFails('staging', ws);
  assert.match(stderr, 'params/staging.json: /parameters/ServiceConnectTls: "enabled" needs CertificateArn');
});

test('T-5: every committed params file is valid', async () => {
  const result = await runCli(['validate']);
  assert.is(result.code, EXIT.ok, result.stderr);
  for (const env of ['dev', 'staging', 'prod']) assert.match(result.stdout, `valid params/${env}.json`);
});

test.run();

/**
 * P-SEC (template side): secrets and their rotation, and per-service IAM scoping. The
 * security-group graph is proven in security-groups.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, templateNamed } from '../helpers/platform';
import { describeOrigin, StackTree } from '../helpers/stack-tree';
import { asArray, properties, resource, resourcesOfType, statements } from '../helpers/template';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceDefinition } from '../../src/catalog/types';
import type { JsonObject, TemplateJson } from '../../src/core/template-json';

const stackOf = (service: ServiceDefinition): TemplateJson => templateNamed(`services/${service.name}`);
const pascal = (name: string) => name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
/** Statements of a role's inline policies, including those present only under a condition. */
const policyStatements = (t: TemplateJson, role: string): JsonObject[] =>
  ((properties(t, role)['Policies'] as JsonObject[]) ?? [])
    .map((p) => (Array.isArray(p['Fn::If']) ? p['Fn::If'][1] as JsonObject : p))
    .flatMap((p) => statements(p['PolicyDocument'] as JsonObject));

test('P-SEC: every catalog secret is a Secrets Manager secret encrypted with its service\'s KMS key', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    for (const secret of service.secrets) {
      const p = properties(t, `${pascal(secret.name)}Secret`);
      assert.equal(p['KmsKeyId'], { 'Fn::GetAtt': ['ServiceKey', 'Arn'] });
      assert.equal(p['Name'], { 'Fn::Sub': `secret-${secret.name}-${service.name}-\${Environment}` });
    }
  }
});

test('P-SEC: each secret rotates with the function of its kind, resolved through the stacks to the services stack', () => {
  const tree = new StackTree(platformTemplates());
  const functionsUsed = new Set<string>();
  for (const service of SERVICE_CATALOG) {
    const stack = tree.stack(`services/${service.name}`);
    for (const secret of service.secrets) {
      const rotation = properties(stack.template, `${pascal(secret.name)}SecretRotation`);
      const origins = tree.origins(stack, rotation['RotationLambdaARN']).map(describeOrigin);
      assert.equal(origins, [`services:Rotate${pascal(secret.kind)}Function.Arn`], `${service.name} ${secret.name}`);
      functionsUsed.add(origins[0]);
    }
  }
  // Both functions are in use: the tests of each kind above are not vacuous.
  assert.equal([...functionsUsed].sort(), ['services:RotateApiKeyFunction.Arn', 'services:RotateDatabaseFunction.Arn']);
});

test('P-SEC: database secrets carry the endpoint and the admin secret that sets their password', () => {
  const t = stackOf(SERVICE_CATALOG.find((s) => s.name === 'analytics-engine') as ServiceDefinition);
  const generate = properties(t, 'DatabaseSecret')['GenerateSecretString'] as JsonObject;
  const template = JSON.parse(String((generate['SecretStringTemplate'] as JsonObject)['Fn::Sub']));
  assert.equal(template, { engine: 'postgres', host: '${DatabaseHost}', port: '${DatabasePort}', dbname: '${DatabaseName}', username: 'analytics_engine', masterarn: '${DatabaseAdminSecretArn}' });
  assert.is(generate['GenerateStringKey'], 'password');
});

test('P-SEC: every secret rotates every 90 days through a raw Lambda function, not a transform', () => {
  for (const service of SERVICE_CATALOG) {
    for (const secret of service.secrets) {
      const rotation = properties(stackOf(service), `${pascal(secret.name)}SecretRotation`);
      assert.equal(rotation['SecretId'], { Ref: `${pascal(secret.name)}Secret` });
      assert.equal(rotation['RotationRules'], { ScheduleExpression: 'rate(90 days)' }, 'one schedule form only');
      assert.equal(rotation['RotationLambdaARN'], { Ref: `Rotate${pascal(secret.kind)}FunctionArn` });
      assert.is(rotation['HostedRotationLambda'], undefined);
    }
  }
  for (const { file, template } of platformTemplates()) {
    assert.ok(template.Transform === undefined || template.Transform === 'AWS::LanguageExtensions', `${file}: no SAM or SecretsManager transform`);
  }
  const services = templateNamed('services');
  for (const kind of ['ApiKey', 'Database']) {
    const fn = properties(services, `Rotate${kind}Function`);
    assert.equal((fn['Code'] as JsonObject)['S3Bucket'], { Ref: 'ArtifactBucket' });
    assert.match(String((fn['Code'] as JsonObject)['S3Key']), new RegExp(`^assets/rotate-${kind === 'ApiKey' ? 'api-key' : 'database'}-[0-9a-f]{16}\\.zip$`));
    const permission = properties(services, `Rotate${kind}Permission`);
    assert.is(permission['Principal'], 'secretsmanager.amazonaws.com');
    assert.equal(permission['SourceAccount'], { 'Fn::Sub': '${AWS::AccountId}' });
  }
  // A rotation schedule needs the invoke permission first: the service stacks depend on it.
  assert.equal(resource(services, 'DataIngestion').DependsOn, ['RotateDatabasePermission', 'RotateApiKeyPermission']);
});

test('P-SEC: each rotation role is scoped to exactly the secrets of its kind', () => {
  const services = templateNamed('services');
  for (const [kind, roleId] of [['database', 'RotateDatabaseRole'], ['api-key', 'RotateApiKeyRole']] as const) {
    const rotate = policyStatements(services, roleId).find((s) => s['Sid'] === 'RotateOwnSecrets');
    const expected = SERVICE_CATALOG.flatMap((service) => service.secrets.filter((s) => s.kind === kind).map((secret) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:secret-${secret.name}-${service.name}-\${Environment}-??????`,
    })));
    assert.equal(rotate?.['Resource'], expected, roleId);
  }
});

test('P-SEC: the database rotation function runs in private subnets and reaches only the database and the endpoints', () => {
  const services = templateNamed('services');
  const vpc = properties(services, 'RotateDatabaseFunction')['VpcConfig'] as JsonObject;
  assert.equal(vpc['SubnetIds'], { Ref: 'PrivateSubnetIds' });
  const group = properties(services, 'RotateDatabaseSecurityGroup');
  assert.equal(group['SecurityGroupIngress'], []);
  const [database] = group['SecurityGroupEgress'] as JsonObject[];
  assert.equal(database['CidrIp'], { Ref: 'DatabaseCidr' });
  assert.equal(database['FromPort'], { Ref: 'DatabasePort' });
  // HTTPS: to the endpoints' security group, or through NAT only where there are no endpoints.
  const toEndpoints = resource(services, 'RotateDatabaseEgressToEndpoints');
  assert.is(toEndpoints.Condition, 'HasInterfaceEndpoints');
  assert.equal(toEndpoints.Properties?.['DestinationSecurityGroupId'], { Ref: 'EndpointSecurityGroupId' });
  const throughNat = resource(services, 'RotateDatabaseEgressThroughNat');
  assert.is(throughNat.Condition, 'HasNoInterfaceEndpoints');
  assert.equal([toEndpoints.Properties?.['FromPort'], throughNat.Properties?.['FromPort']], [443, 443]);
  const egress = resourcesOfType(services, 'AWS::EC2::SecurityGroupEgress').map(([id]) => id).sort();
  assert.equal(egress, ['RotateDatabaseEgressThroughNat', 'RotateDatabaseEgressToEndpoints']);
});

test('P-TRUTH (issue 11 #2): whether there are endpoints is decided by the root parameter, not by the network stack\'s output', () => {
  // A sibling's output is a placeholder in nested change sets; a condition over it cannot be evaluated.
  const services = templateNamed('services');
  assert.equal(services.Conditions?.['HasInterfaceEndpoints'], { 'Fn::Equals': [{ Ref: 'InterfaceEndpoints' }, 'enabled'] });
  assert.equal(services.Conditions?.['HasNoInterfaceEndpoints'], { 'Fn::Equals': [{ Ref: 'InterfaceEndpoints' }, 'disabled'] });
  assert.equal(properties(templateNamed('root'), 'Services')['Parameters'] && (properties(templateNamed('root'), 'Services')['Parameters'] as JsonObject)['InterfaceEndpoints'], { Ref: 'InterfaceEndpoints' });
});

test('P-SEC: execution and task roles are per service and scoped to that service\'s repository, log group, secrets and key', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const execution = policyStatements(t, 'ExecutionRole');
    const find = (sid: string) => execution.find((s) => s['Sid'] === sid);
    assert.equal(find('PullOwnImage')?.['Resource'], [{ 'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/ecr-${service.name}-\${Environment}` }]);
    assert.equal(find('WriteOwnLogs')?.['Resource'], [{ 'Fn::GetAtt': ['LogGroup', 'Arn'] }]);
    assert.equal(find('ReadOwnSecrets')?.['Resource'], service.secrets.map((s) => ({ Ref: `${pascal(s.name)}Secret` })));
    assert.equal(find('DecryptOwnSecrets')?.['Resource'], [{ 'Fn::GetAtt': ['ServiceKey', 'Arn'] }]);
    const task = policyStatements(t, 'TaskRole');
    const metrics = task.find((s) => s['Sid'] === 'PublishOwnMetrics');
    assert.equal((metrics?.['Condition'] as JsonObject)['StringEquals'], { 'cloudwatch:namespace': { 'Fn::Sub': `TAP/\${Environment}/${service.name}` } });
    for (const role of ['ExecutionRole', 'TaskRole']) {
      const trust = statements(properties(t, role)['AssumeRolePolicyDocument'] as JsonObject)[0];
      assert.equal(trust['Principal'], { Service: 'ecs-tasks.amazonaws.com' });
    }
  }
});

test('P-SEC: a service key decrypts its secrets only through Secrets Manager in the stack\'s region (kms:ViaService), for every service with secrets', () => {
  const withSecrets = SERVICE_CATALOG.filter((service) => service.secrets.length > 0);
  assert.ok(withSecrets.length > 0, 'the catalog has services with secrets');
  for (const service of withSecrets) {
    const decrypt = policyStatements(stackOf(service), 'ExecutionRole').filter((s) => asArray(s['Action']).includes('kms:Decrypt'));
    assert.is(decrypt.length, 1, service.name);
    // Without the condition the role could decrypt anything encrypted with the key, e.g. a
    // snapshot or an object outside Secrets Manager (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    assert.equal(decrypt[0]['Condition'], { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' } } }, service.name);
  }
});

test('P-TRUTH (issue 11 #7): ECS infrastructure roles use the documented trust policy, with no condition', () => {
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html
  const documented = { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' };
  let roles = 0;
  for (const { file, template } of platformTemplates()) {
    for (const [id] of resourcesOfType(template, 'AWS::IAM::Role')) {
      const trust = statements(properties(template, id)['AssumeRolePolicyDocument'] as JsonObject);
      if (!trust.some((s) => asArray((s['Principal'] as JsonObject | undefined)?.['Service']).includes('ecs.amazonaws.com'))) continue;
      assert.equal(trust, [documented], `${file} ${id}`);
      roles += 1;
    }
  }
  // The mesh's TLS role and one load-balancer role per public service.
  assert.is(roles, 1 + SERVICE_CATALOG.filter((s) => s.exposure.kind === 'public').length);
});

test('P-SEC / P-TRUTH (issue 11 #11): the first rotation never forces a deployment into a running first blue/green deployment of an API-key service', () => {
  // Rotation ends by forcing a deployment; RotateSecret is asynchronous (API_RotateSecret.html).
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const serviceDependsOn = asArray(resource(t, 'Service').DependsOn);
    for (const secret of service.secrets) {
      const rotation = `${pascal(secret.name)}SecretRotation`;
      if (secret.kind === 'api-key') {
        // The generated key is valid: rotate after the first deployment has finished.
        assert.equal(asArray(resource(t, rotation).DependsOn), ['Service'], `${service.name} ${rotation}`);
        assert.not.ok(serviceDependsOn.includes(rotation));
      } else {
        // The first rotation sets the database password: it starts before the tasks.
        assert.ok(serviceDependsOn.includes(rotation), `${service.name} Service waits for ${rotation}`);
        assert.equal(asArray(resource(t, rotation).DependsOn), []);
      }
    }
  }
  // The catalog's database services deploy rolling, where a forced deployment supersedes the running one.
  for (const service of SERVICE_CATALOG.filter((s) => s.secrets.some((x) => x.kind === 'database'))) {
    assert.is(((properties(stackOf(service), 'Service')['DeploymentConfiguration'] as JsonObject)['Strategy']), 'ROLLING', service.name);
  }
});

test('P-SEC / P-TRUTH (issue 11 #11): the database rotation function\'s role has every ec2 action of AWSLambdaVPCAccessExecutionRole', () => {
  // v3 (2024-01-05) added ec2:DescribeSubnets: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
  const vpcAccess = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];
  const role = policyStatements(templateNamed('services'), 'RotateDatabaseRole');
  const granted = role.flatMap((s) => asArray(s['Action']) as string[]).filter((a) => a.startsWith('ec2:'));
  assert.equal(granted.sort(), [...vpcAccess].sort());
});

test.run();

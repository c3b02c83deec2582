/**
 * P-SVC, P-DEPLOY, P-SCALE, P-OBS: what every catalog service gets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, renderCatalog, templateNamed } from '../../helpers/platform';
import { properties, resource, resourcesOfType } from '../../helpers/template';
import { describeOrigin, StackTree } from '../../helpers/stack-tree';
import { SERVICE_CATALOG } from '../../../src/catalog/services';
import type { ServiceDefinition } from '../../../src/catalog/types';
import type { JsonObject, TemplateJson } from '../../../src/core/template-json';

const stackOf = (service: ServiceDefinition): TemplateJson => templateNamed(`services/${service.name}`);
const container = (t: TemplateJson): JsonObject => (properties(t, 'TaskDefinition')['ContainerDefinitions'] as JsonObject[])[0];
const publicServices = SERVICE_CATALOG.filter((s) => s.exposure.kind === 'public');
const internalServices = SERVICE_CATALOG.filter((s) => s.exposure.kind === 'internal');

/** Path patterns, priority and service of every rule on the production listener, across the service stacks. */
function productionRoutes(): { service: string; paths: unknown; priority: unknown }[] {
  const routes: { service: string; paths: unknown; priority: unknown }[] = [];
  for (const { name, template } of platformTemplates()) {
    for (const [, rule] of resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      if (JSON.stringify(rule.Properties?.['ListenerArn']) !== JSON.stringify({ Ref: 'ProductionListenerArn' })) continue;
      const [condition] = rule.Properties?.['Conditions'] as JsonObject[];
      routes.push({ service: name.replace(/^services\//, ''), paths: (condition['PathPatternConfig'] as JsonObject)['Values'], priority: rule.Properties?.['Priority'] });
    }
  }
  return routes;
}

test('P-SVC / P-ALB: the ALB routes /api/* to api-gateway and / to frontend; data-ingestion and analytics-engine are internal', () => {
  const routes = productionRoutes();
  assert.equal(routes.map((r) => [r.service, r.paths]).sort(), [['api-gateway', ['/api/*']], ['frontend', ['/*']]]);
  // /api/* also matches /*: the more specific rule must be evaluated first (lower priority number).
  const priority = (service: string) => Number(routes.find((r) => r.service === service)?.priority);
  assert.ok(priority('api-gateway') < priority('frontend'), `api-gateway ${priority('api-gateway')} before frontend ${priority('frontend')}`);
  for (const internal of ['data-ingestion', 'analytics-engine']) {
    const t = templateNamed(`services/${internal}`);
    assert.equal(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup'), [], `${internal} has no target group`);
    assert.is(properties(t, 'Service')['LoadBalancers'], undefined, `${internal} is behind no load balancer`);
  }
});

test('P-SVC: each service has its own task definition with its own CPU/memory per size profile', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const task = properties(t, 'TaskDefinition');
    assert.equal(task['Cpu'], { 'Fn::FindInMap': ['TaskSizes', { Ref: 'TaskSizeProfile' }, 'Cpu'] });
    assert.equal(task['Memory'], { 'Fn::FindInMap': ['TaskSizes', { Ref: 'TaskSizeProfile' }, 'Memory'] });
    assert.equal(t.Mappings?.['TaskSizes']?.['large'], { Cpu: String(service.sizes.large.cpu), Memory: String(service.sizes.large.memory) });
    assert.equal(task['RequiresCompatibilities'], ['FARGATE']);
    assert.is(task['NetworkMode'], 'awsvpc');
  }
  const sizes = new Set(SERVICE_CATALOG.map((s) => `${s.sizes.medium.cpu}/${s.sizes.medium.memory}`));
  assert.ok(sizes.size > 1, 'services differ in size');
});

test('P-SVC: container and target-group health checks use per-service thresholds', () => {
  for (const service of SERVICE_CATALOG) {
    const hc = container(stackOf(service))['HealthCheck'] as JsonObject;
    assert.equal(hc['Command'], ['CMD-SHELL', `curl -fsS http://localhost:${service.containerPort}${service.healthCheck.path} || exit 1`]);
    assert.is(hc['Interval'], service.healthCheck.intervalSeconds);
    assert.is(hc['Retries'], service.healthCheck.unhealthyThreshold);
  }
  for (const service of publicServices) {
    for (const tg of ['TargetGroupA', 'TargetGroupB']) {
      const p = properties(stackOf(service), tg);
      assert.is(p['HealthCheckPath'], service.healthCheck.path);
      assert.is(p['HealthCheckIntervalSeconds'], service.healthCheck.intervalSeconds);
      assert.is(p['HealthyThresholdCount'], service.healthCheck.healthyThreshold);
      assert.is(p['UnhealthyThresholdCount'], service.healthCheck.unhealthyThreshold);
    }
  }
  assert.ok(new Set(SERVICE_CATALOG.map((s) => s.healthCheck.intervalSeconds)).size > 1, 'thresholds differ per service');
});

test('P-SVC: secrets are injected from Secrets Manager by JSON key', () => {
  for (const service of SERVICE_CATALOG) {
    const secrets = container(stackOf(service))['Secrets'] as JsonObject[];
    const expected = service.secrets.flatMap((secret) => Object.entries(secret.env).map(([name, key]) => ({
      Name: name,
      ValueFrom: { 'Fn::Sub': `\${${secret.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}Secret}:${key}::` },
    })));
    assert.equal(secrets, expected, service.name);
    assert.ok(secrets.length > 0, `${service.name} gets at least one secret`);
  }
});

test('P-SVC: desired count 2 and autoscaling 2..10 by default', () => {
  const root = templateNamed('root');
  assert.is(root.Parameters?.['DesiredCount']?.Default, 2);
  assert.is(root.Parameters?.['MinCapacity']?.Default, 2);
  assert.is(root.Parameters?.['MaxCapacity']?.Default, 10);
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    assert.equal(properties(t, 'Service')['DesiredCount'], { Ref: 'DesiredCount' });
    assert.equal(properties(t, 'ScalableTarget')['MinCapacity'], { Ref: 'MinCapacity' });
    assert.equal(properties(t, 'ScalableTarget')['MaxCapacity'], { Ref: 'MaxCapacity' });
  }
});

test('P-SVC: public services have a health check grace period; every container health check has a start period', () => {
  for (const service of publicServices) {
    assert.is(properties(stackOf(service), 'Service')['HealthCheckGracePeriodSeconds'], service.healthCheck.gracePeriodSeconds);
  }
  for (const service of SERVICE_CATALOG) {
    assert.ok(Number((container(stackOf(service))['HealthCheck'] as JsonObject)['StartPeriod']) > 0);
  }
});

test('P-SVC / P-NET: tasks run in private subnets without public addresses', () => {
  for (const service of SERVICE_CATALOG) {
    const network = (properties(stackOf(service), 'Service')['NetworkConfiguration'] as JsonObject)['AwsvpcConfiguration'] as JsonObject;
    assert.equal(network['Subnets'], { Ref: 'PrivateSubnetIds' });
    assert.is(network['AssignPublicIp'], 'DISABLED');
  }
});

test('P-DEPLOY: public services use ECS blue/green with two target groups, a test listener rule, bake time and alarm rollback', () => {
  for (const service of publicServices) {
    const t = stackOf(service);
    const svc = properties(t, 'Service');
    const deployment = svc['DeploymentConfiguration'] as JsonObject;
    assert.is(deployment['Strategy'], 'BLUE_GREEN');
    assert.ok(Number(deployment['BakeTimeInMinutes']) > 0);
    assert.equal(deployment['Alarms'], { AlarmNames: [{ Ref: 'Http5xxAlarm' }, { Ref: 'UnhealthyTargetsAlarm' }], Enable: true, Rollback: true });
    assert.equal(svc['DeploymentController'], { Type: 'ECS' });
    const [lb] = svc['LoadBalancers'] as JsonObject[];
    assert.equal(lb['TargetGroupArn'], { Ref: 'TargetGroupA' });
    assert.equal(lb['AdvancedConfiguration'], {
      AlternateTargetGroupArn: { Ref: 'TargetGroupB' },
      ProductionListenerRule: { Ref: 'ProductionListenerRule' },
      TestListenerRule: { Ref: 'TestListenerRule' },
      RoleArn: { 'Fn::GetAtt': ['LoadBalancerRole', 'Arn'] },
    });
    assert.equal(properties(t, 'TestListenerRule')['ListenerArn'], { Ref: 'TestListenerArn' });
    // Forward-only rules: blue/green fails on rules mixing forward with other actions.
    for (const rule of ['ProductionListenerRule', 'TestListenerRule']) {
      const actions = properties(t, rule)['Actions'] as JsonObject[];
      assert.equal(actions.map((a) => a['Type']), ['forward']);
    }
  }
});

/** A rule without what must differ between the listeners: its listener and the forward weights. */
function routing(rule: JsonObject): JsonObject {
  const { ListenerArn: _listener, Actions: actions, ...rest } = rule;
  const forwardTo = (actions as JsonObject[]).map((action) => ({
    ...action,
    ForwardConfig: { TargetGroups: (((action['ForwardConfig'] as JsonObject)['TargetGroups']) as JsonObject[]).map((g) => g['TargetGroupArn']) },
  }));
  return { ...rest, Actions: forwardTo };
}

test('P-DEPLOY: each public service\'s test rule routes exactly like its production rule, on the test listener, to the other target group', () => {
  const tree = new StackTree(platformTemplates());
  assert.ok(publicServices.length > 0);
  for (const service of publicServices) {
    const stack = tree.stack(`services/${service.name}`);
    const production = properties(stack.template, 'ProductionListenerRule');
    const testRule = properties(stack.template, 'TestListenerRule');
    // Same conditions, same priority (the same order among services), same pair of target groups.
    assert.equal(routing(testRule), routing(production), service.name);
    // ...on different listeners: the test listener, not either production listener.
    const listeners = (rule: JsonObject) => tree.origins(stack, rule['ListenerArn']).map(describeOrigin).sort();
    assert.equal(listeners(testRule), ['cluster:TestListener']);
    assert.equal(listeners(production), ['cluster:HttpListener', 'cluster:HttpsListener']);
    // ...each sending all its traffic to one target group: production to the live one, test to the other.
    const weights = (rule: JsonObject) => (((rule['Actions'] as JsonObject[])[0]['ForwardConfig'] as JsonObject)['TargetGroups'] as JsonObject[]).map((g) => g['Weight']);
    assert.equal(weights(production), [100, 0]);
    assert.equal(weights(testRule), [0, 100]);
  }
});

test('P-DEPLOY: where rolling updates remain, the circuit breaker rolls back', () => {
  for (const service of internalServices) {
    const deployment = properties(stackOf(service), 'Service')['DeploymentConfiguration'] as JsonObject;
    assert.is(deployment['Strategy'], 'ROLLING');
    assert.equal(deployment['DeploymentCircuitBreaker'], { Enable: true, Rollback: true });
  }
});

test('P-DEPLOY: zero downtime: no deployment of any service stops a running task before its replacement runs', () => {
  assert.ok(SERVICE_CATALOG.length > 0);
  for (const service of SERVICE_CATALOG) {
    const deployment = properties(stackOf(service), 'Service')['DeploymentConfiguration'] as JsonObject;
    // MinimumHealthyPercent below 100 lets ECS stop tasks first; MaximumPercent 200 leaves room for a
    // full second set (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#sd-deploymentconfiguration).
    assert.equal([deployment['MinimumHealthyPercent'], deployment['MaximumPercent']], [100, 200], service.name);
  }
});

test('P-ALB: path-based rules route /api/* to api-gateway and / to frontend', () => {
  for (const service of publicServices) {
    if (service.exposure.kind !== 'public') continue;
    const rule = properties(stackOf(service), 'ProductionListenerRule');
    assert.equal(rule['Conditions'], [{ Field: 'path-pattern', PathPatternConfig: { Values: [...service.exposure.pathPatterns] } }]);
    assert.is(rule['Priority'], service.exposure.priority);
    assert.equal(rule['ListenerArn'], { Ref: 'ProductionListenerArn' });
  }
});

test('P-SCALE: target tracking on CPU, on memory and on the service\'s own metric', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const policies = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([, p]) => p.Properties?.['TargetTrackingScalingPolicyConfiguration'] as JsonObject);
    const predefined = policies.map((p) => (p['PredefinedMetricSpecification'] as JsonObject | undefined)?.['PredefinedMetricType']).filter(Boolean);
    assert.equal(predefined.sort(), ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization']);
    const custom = policies.find((p) => p['CustomizedMetricSpecification'])?.['CustomizedMetricSpecification'] as JsonObject;
    assert.is(custom['MetricName'], service.scalingMetric.metricName);
    assert.equal(custom['Namespace'], { 'Fn::Sub': `TAP/\${Environment}/${service.name}` });
    assert.equal(properties(t, 'ScalableTarget')['ResourceId'], { 'Fn::Sub': 'service/${ClusterName}/${Service.Name}' });
  }
});

test('P-OBS: a log group per service, 30-day retention, encrypted with the service key', () => {
  for (const service of SERVICE_CATALOG) {
    const group = properties(stackOf(service), 'LogGroup');
    assert.equal(group['LogGroupName'], { 'Fn::Sub': `logs-${service.name}-\${Environment}` });
    assert.is(group['RetentionInDays'], 30);
    assert.equal(group['KmsKeyId'], { 'Fn::GetAtt': ['ServiceKey', 'Arn'] });
    const logs = (container(stackOf(service))['LogConfiguration'] as JsonObject)['Options'] as JsonObject;
    assert.equal(logs['awslogs-group'], { Ref: 'LogGroup' });
  }
});

test('P-OBS: an error metric filter per service, with an alarm on it', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const filter = properties(t, 'ErrorLogMetricFilter');
    assert.is(filter['FilterPattern'], service.errorLogPattern);
    const [transformation] = filter['MetricTransformations'] as JsonObject[];
    const alarm = properties(t, 'ErrorLogAlarm');
    assert.equal(alarm['MetricName'], transformation['MetricName']);
    assert.equal(alarm['Namespace'], transformation['MetricNamespace']);
  }
});

test('P-OBS: CPU, memory, 5xx and (behind the ALB) unhealthy-target alarms notify the SNS topic', () => {
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const alarms = ['CpuAlarm', 'MemoryAlarm', 'Http5xxAlarm', ...(service.exposure.kind === 'public' ? ['UnhealthyTargetsAlarm'] : [])];
    for (const id of alarms) {
      assert.equal(properties(t, id)['AlarmActions'], [{ Ref: 'AlarmTopicArn' }], `${service.name} ${id}`);
    }
    assert.is(properties(t, 'CpuAlarm')['MetricName'], 'CPUUtilization');
    assert.is(properties(t, 'MemoryAlarm')['MetricName'], 'MemoryUtilization');
  }
  // Blue/green swaps target groups: ALB alarms sum both.
  const public5xx = JSON.stringify(properties(stackOf(publicServices[0]), 'Http5xxAlarm')['Metrics']);
  assert.match(public5xx, 'TargetGroupA');
  assert.match(public5xx, 'TargetGroupB');
  assert.ok(resource(templateNamed('cluster'), 'AlarmTopic'));
});

test('P-OBS: the running-tasks alarm fires only when fewer tasks run than the autoscaling minimum, and when the metric stops', () => {
  assert.ok(SERVICE_CATALOG.length > 0);
  for (const service of SERVICE_CATALOG) {
    const alarm = properties(stackOf(service), 'RunningTasksAlarm');
    // A service at exactly MinCapacity is healthy: the alarm compares strictly.
    assert.equal([alarm['MetricName'], alarm['Statistic'], alarm['Threshold'], alarm['ComparisonOperator']], ['RunningTaskCount', 'Minimum', { Ref: 'MinCapacity' }, 'LessThanThreshold'], service.name);
    assert.is(alarm['TreatMissingData'], 'breaching', `${service.name}: no data means no tasks report`);
    assert.equal(alarm['AlarmActions'], [{ Ref: 'AlarmTopicArn' }], service.name);
  }
});

test('P-OBS: one dashboard with a line per service for each signal', () => {
  const [[, dashboard]] = resourcesOfType(templateNamed('services'), 'AWS::CloudWatch::Dashboard');
  const body = JSON.parse(String((dashboard.Properties?.['DashboardBody'] as JsonObject)['Fn::Sub']));
  const titles = body.widgets.map((w: { properties: { title: string } }) => w.properties.title);
  assert.equal(titles, ['CPU utilization (%)', 'Memory utilization (%)', 'Running tasks', 'Error log lines', 'ALB requests and errors']);
  assert.is(body.widgets[0].properties.metrics.length, SERVICE_CATALOG.length);
});

test('P-MESH / P-TRUTH (issue 11 #1): with Service Connect TLS, target groups and their health checks speak HTTPS to the proxied container port', () => {
  // AWS: Service Connect and ALB health checks (service-connect-tls.html): HTTPS target group,
  // health check on the container port, no ingressPortOverride.
  for (const service of publicServices) {
    const t = stackOf(service);
    assert.equal(t.Conditions?.['TlsEnabled'], { 'Fn::Equals': [{ Ref: 'ServiceConnectTls' }, 'enabled'] });
    for (const tg of ['TargetGroupA', 'TargetGroupB']) {
      const p = properties(t, tg);
      assert.equal(p['Protocol'], { 'Fn::If': ['TlsEnabled', 'HTTPS', 'HTTP'] }, `${service.name} ${tg}`);
      assert.equal(p['HealthCheckProtocol'], { 'Fn::If': ['TlsEnabled', 'HTTPS', 'HTTP'] }, `${service.name} ${tg}`);
      assert.equal([p['Port'], p['HealthCheckPort']], [service.containerPort, 'traffic-port']);
    }
    const [entry] = ((properties(t, 'Service')['ServiceConnectConfiguration'] as JsonObject)['Services'] as JsonObject[]);
    assert.is(entry['IngressPortOverride'], undefined, 'the proxy keeps the container port');
  }
});

test('P-ECS / P-TRUTH (issue 11 #4): ECS Exec only where the root file system is writable; one parameter decides both', () => {
  // The SSM agent behind ECS Exec must write into the container (ecs-exec.html, Considerations).
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    assert.equal(t.Conditions?.['ExecEnabled'], { 'Fn::Equals': [{ Ref: 'EcsExec' }, 'enabled'] });
    assert.equal(properties(t, 'Service')['EnableExecuteCommand'], { 'Fn::If': ['ExecEnabled', true, false] }, service.name);
    assert.equal(container(t)['ReadonlyRootFilesystem'], { 'Fn::If': ['ExecEnabled', false, true] }, service.name);
    // The session permissions exist only where exec does.
    const [application, exec] = properties(t, 'TaskRole')['Policies'] as JsonObject[];
    assert.is(application['PolicyName'], 'application');
    assert.equal((exec['Fn::If'] as JsonObject[])[0], 'ExecEnabled');
    assert.equal((exec['Fn::If'] as JsonObject[])[2], { Ref: 'AWS::NoValue' });
  }
  assert.is(templateNamed('root').Parameters?.['EcsExec']?.Default, 'disabled');
});

test('P-OBS / P-TRUTH (issue 11 #5): internal services\' rollback alarms read the dimensions Service Connect publishes for targets', () => {
  // Target-side metrics come from the calling proxies: (TargetDiscoveryName) or
  // (TargetDiscoveryName, ServiceName=<caller>, ClusterName); available-metrics.html.
  for (const service of internalServices) {
    const t = stackOf(service);
    const alarm = properties(t, 'Http5xxAlarm');
    assert.equal([alarm['Namespace'], alarm['MetricName']], ['AWS/ECS', 'HTTPCode_Target_5XX_Count']);
    const discovery = ((properties(t, 'Service')['ServiceConnectConfiguration'] as JsonObject)['Services'] as JsonObject[])[0]['DiscoveryName'];
    assert.equal(alarm['Dimensions'], [{ Name: 'TargetDiscoveryName', Value: discovery }], service.name);
    const deployment = properties(t, 'Service')['DeploymentConfiguration'] as JsonObject;
    assert.equal((deployment['Alarms'] as JsonObject)['AlarmNames'], [{ Ref: 'Http5xxAlarm' }]);
  }
});

test('P-MESH / P-TRUTH (issue 11 #8): a change to a service\'s call list changes its task definition, so new tasks resolve the new callee', () => {
  // "Existing tasks can't resolve and connect to the new endpoint" (service-connect-concepts-deploy.html).
  const envOf = (t: TemplateJson, name: string) => (container(t)['Environment'] as JsonObject[]).find((e) => e['Name'] === name)?.['Value'];
  assert.is(envOf(stackOf(SERVICE_CATALOG[1]), 'SERVICE_CONNECT_CALLEES'), 'analytics-engine:8080,data-ingestion:8080');
  const frontend = SERVICE_CATALOG[0];
  const grown = SERVICE_CATALOG.map((s) => (s.name === 'frontend' ? { ...s, calls: [...s.calls, 'data-ingestion'] } : s));
  const after = renderCatalog(grown).find((t) => t.name === 'services/frontend')?.template as TemplateJson;
  assert.is(envOf(after, 'SERVICE_CONNECT_CALLEES'), 'api-gateway:8080,data-ingestion:8080');
  assert.not.equal(properties(after, 'TaskDefinition'), properties(stackOf(frontend), 'TaskDefinition'), 'a new task definition revision, hence a deployment');
});

test('P-SCALE / P-TRUTH (issue 11 #10): the custom-metric policy scales out only, so a metric never published cannot block scale-in', () => {
  // Scale-in needs every policy with scale-in enabled to agree (target-tracking-scaling-policy-overview.html).
  for (const service of SERVICE_CATALOG) {
    const t = stackOf(service);
    const custom = properties(t, 'CustomMetricTargetTracking')['TargetTrackingScalingPolicyConfiguration'] as JsonObject;
    assert.is(custom['DisableScaleIn'], true, service.name);
    for (const id of ['CpuTargetTracking', 'MemoryTargetTracking']) {
      const config = properties(t, id)['TargetTrackingScalingPolicyConfiguration'] as JsonObject;
      assert.not.ok(config['DisableScaleIn'], `${service.name} ${id} decides scale-in`);
    }
  }
});

test.run();

/**
 * `verify` (D-15): does the deployed environment work? Read-only: every call below is a
 * Describe/List/Get/Filter request or an HTTP GET to the ALB, never a change.
 *
 * What is checked, and where the subjects come from (the live stack tree, so a check covers what
 * is deployed, not what the local templates say):
 * - every stack of the tree (root and nested) is CREATE/UPDATE/IMPORT_COMPLETE;
 * - each ECS service (an `AWS::ECS::Service` in a per-service stack) is steady at its desired count;
 * - each target group of a public service is healthy, judged against the production listener
 *   rule's weights (the blue/green standby may be empty);
 * - each path pattern of a public service's production rule answers through the ALB (AlbUrl);
 * - each service's Service Connect discovery name (as ECS reports it) is a Cloud Map service of
 *   the namespace with instances;
 * - each secret's rotation is enabled, done within its schedule, and finished;
 * - no alarm of the tree is in ALARM (alarms Application Auto Scaling creates for target tracking
 *   are not stack resources and are not judged: their "low" alarm is in ALARM whenever there is
 *   nothing to scale in);
 * - each service's log group received an event in the last hour while the service runs tasks.
 *   Other log groups are written only on use (ECS Exec sessions, rotation every 90 days, the
 *   default-security-group lock at deploy, VPC flow logs in their own aggregation) and are not judged.
 *
 * The verdicts are pure (verify-rules.ts); a request AWS refuses makes its rows `unknown`, never `ok`.
 */
import { AwsError, type AlarmDescription, type AwsPort, type CloudFormationPort, type EcsServiceDetail, type ListenerRuleRoute, type StackDescription, type StackOutput, type StackResourceSummary, type StackStatus } from '../aws/port';
import { pascal } from '../cfn/names';
import { ID } from '../stacks/services/ids';
import type { Connection } from './connection';
import { errorInfo, type OperationIo, type VerifyOutcome } from './operation';
import {
  CHECKS,
  judgeAlarm,
  judgeDiscovery,
  judgeLogs,
  judgePath,
  judgeRotation,
  judgeService,
  judgeStack,
  judgeTargetGroup,
  LOG_SEARCH_PAGES,
  LOG_WINDOW_MINUTES,
  notKnown,
  ONGOING_SERVICE_DEPLOYMENTS,
  probePath,
  probeUrl,
  verdictOf,
  withRef,
  type CheckRow,
  type LogSearch,
  type OngoingDeployments,
  type Unknowable,
} from './verify-rules';

export interface VerifyReport {
  readonly stackName: string;
  readonly checkedAt: string;
  readonly rows: readonly CheckRow[];
}

/* ---------------------------------------------------------------------------------------------- */
/* The live tree                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

export interface LiveStack {
  /** Logical-id path from the root (`` for the root). */
  readonly path: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  readonly outputs: readonly StackOutput[];
  readonly resources: readonly StackResourceSummary[];
}

async function listResources(cfn: CloudFormationPort, stackId: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.listStackResources(stackId, token);
    resources.push(...page.resources);
    token = page.nextToken;
  } while (token);
  return resources;
}

/**
 * The root and every nested stack with its status, outputs and resources (DescribeStacks does not
 * recurse). Resources, and so the nested stacks, come in `templateOrder(path)` (the local
 * template's order, which reads like the stacks do); ListStackResources documents no order.
 */
export async function collectLiveTree(cfn: CloudFormationPort, root: StackDescription, templateOrder: (path: string) => readonly string[] = () => []): Promise<LiveStack[]> {
  const tree: LiveStack[] = [];
  const visit = async (stack: StackDescription, path: string): Promise<void> => {
    const order = templateOrder(path);
    const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    const resources = (await listResources(cfn, stack.stackId)).sort((a, b) => rank(a.logicalId) - rank(b.logicalId));
    tree.push({
      path,
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      ...(stack.statusReason ? { statusReason: stack.statusReason } : {}),
      outputs: stack.outputs,
      resources,
    });
    for (const resource of resources) {
      if (resource.resourceType !== 'AWS::CloudFormation::Stack' || !resource.physicalId || resource.status.startsWith('DELETE_')) continue;
      const child = await cfn.describeStack(resource.physicalId);
      if (child) await visit(child, path ? `${path}/${resource.logicalId}` : resource.logicalId);
    }
  };
  await visit(root, '');
  return tree;
}

const physicalIds = (tree: readonly LiveStack[], type: string): string[] =>
  tree.flatMap((s) => s.resources.filter((r) => r.resourceType === type && r.physicalId).map((r) => r.physicalId as string));

/** One catalog service as deployed: its per-service stack and what is in it. */
export interface ServiceUnit {
  readonly name: string;
  readonly stack: LiveStack;
  readonly serviceArn: string;
  readonly targetGroups: readonly { readonly logicalId: string; readonly arn: string }[];
  readonly productionRuleArn?: string;
  readonly logGroups: readonly string[];
}

/** Per-service stacks are the stacks holding an ECS service; named by the catalog name whose PascalCase is the stack's logical id. */
export function serviceUnits(tree: readonly LiveStack[], serviceNames: readonly string[]): ServiceUnit[] {
  const units: ServiceUnit[] = [];
  for (const stack of tree) {
    const service = stack.resources.find((r) => r.resourceType === 'AWS::ECS::Service' && r.physicalId);
    if (!service?.physicalId) continue;
    const segment = stack.path.split('/').pop() ?? stack.path;
    const of = (type: string) => stack.resources.filter((r) => r.resourceType === type && r.physicalId);
    const rule = stack.resources.find((r) => r.logicalId === ID.productionRule && r.physicalId);
    units.push({
      name: serviceNames.find((n) => pascal(n) === segment) ?? segment,
      stack,
      serviceArn: service.physicalId,
      targetGroups: of('AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => ({ logicalId: r.logicalId, arn: r.physicalId as string })),
      ...(rule?.physicalId ? { productionRuleArn: rule.physicalId } : {}),
      logGroups: of('AWS::Logs::LogGroup').map((r) => r.physicalId as string),
    });
  }
  // Catalog order, whatever order the API lists resources in (it documents none).
  const rank = (name: string) => (serviceNames.includes(name) ? serviceNames.indexOf(name) : serviceNames.length);
  return units.sort((a, b) => rank(a.name) - rank(b.name));
}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` → cluster (the long ARN format). */
export function clusterOfServiceArn(arn: string): string | undefined {
  const parts = arn.split(':').pop()?.split('/') ?? [];
  return parts.length === 3 && parts[0] === 'service' ? parts[1] : undefined;
}

/** `arn:…:secret:<name>-AbCdEf` → `<name>` (Secrets Manager appends six random characters). */
export function secretNameOfArn(arn: string): string {
  const name = arn.includes(':secret:') ? arn.slice(arn.indexOf(':secret:') + 8) : arn;
  return name.replace(/-[A-Za-z0-9]{6}$/, '');
}

/* ---------------------------------------------------------------------------------------------- */
/* Reading, with refusals as data                                                                  */
/* ---------------------------------------------------------------------------------------------- */

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: Unknowable };

async function read<T>(run: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return { ok: false, why: { kind: 'error', operation: error.operation, errorKind: error.kind, error: errorInfo(error) } };
  }
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** DescribeServices takes at most 10 services per request, all of one cluster. */
async function readServices(port: AwsPort, units: readonly ServiceUnit[], defaultCluster: string | undefined): Promise<Map<string, Read<EcsServiceDetail | undefined>>> {
  const result = new Map<string, Read<EcsServiceDetail | undefined>>();
  const byCluster = new Map<string, string[]>();
  for (const unit of units) {
    const cluster = clusterOfServiceArn(unit.serviceArn) ?? defaultCluster ?? 'default';
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), unit.serviceArn]);
  }
  for (const [cluster, arns] of byCluster) {
    for (const batch of chunks(arns, 10)) {
      const answer = await read(() => port.ecs.describeServices(cluster, batch));
      for (const arn of batch) {
        result.set(arn, answer.ok ? { ok: true, value: answer.value.services.find((s) => s.arn === arn) } : answer);
      }
    }
  }
  return result;
}

async function readRules(port: AwsPort, ruleArns: readonly string[]): Promise<Read<Map<string, ListenerRuleRoute>>> {
  return read(async () => {
    const rules = new Map<string, ListenerRuleRoute>();
    if (ruleArns.length === 0) return rules;
    let marker: string | undefined;
    do {
      const page = await port.elbv2.describeRules(ruleArns, marker);
      for (const rule of page.rules) rules.set(rule.ruleArn, rule);
      marker = page.nextMarker;
    } while (marker);
    return rules;
  });
}

/** The target group's weight in the rule: a plain forward takes all traffic; absent = not routed by it. */
function weightIn(rule: ListenerRuleRoute | undefined, targetGroupArn: string): number | 'not-routed' {
  const forward = rule?.forwards.find((f) => f.targetGroupArn === targetGroupArn);
  if (!forward) return 'not-routed';
  return forward.weight ?? 1;
}

async function searchLogs(port: AwsPort, logGroup: string, since: Date): Promise<Read<LogSearch>> {
  return read(async (): Promise<LogSearch> => {
    let token: string | undefined;
    for (let page = 1; page <= LOG_SEARCH_PAGES; page += 1) {
      const answer = await port.logs.filterLogEvents(logGroup, since, token);
      if (!answer) return { type: 'no-group' };
      if (answer.found) return { type: 'found' };
      if (!answer.nextToken) return { type: 'none' };
      token = answer.nextToken;
    }
    return { type: 'unfinished', pages: LOG_SEARCH_PAGES };
  });
}

/* ---------------------------------------------------------------------------------------------- */
/* The checks                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

/**
 * For a service whose deployment reports no rollout state (ECS documents it only for rolling
 * updates): its unfinished service deployments. One page: the question is whether there is any.
 */
async function readOngoing(port: AwsPort, detail: EcsServiceDetail): Promise<Read<OngoingDeployments | undefined>> {
  const primary = detail.deployments.find((d) => d.status === 'PRIMARY') ?? detail.deployments[0];
  if (!primary || primary.rolloutState !== undefined) return { ok: true, value: undefined };
  return read(async () => {
    const page = await port.ecs.listServiceDeployments(clusterOfServiceArn(detail.arn) ?? 'default', detail.arn, ONGOING_SERVICE_DEPLOYMENTS);
    const [first] = page.deployments;
    // An empty page that still has a token says nothing either way.
    if (!first && page.nextToken) return undefined;
    return { count: page.deployments.length, ...(first ? { status: first.status } : {}), ...(first?.statusReason ? { reason: first.statusReason } : {}) };
  });
}

async function checkServicesAndTargets(port: AwsPort, units: readonly ServiceUnit[], services: Map<string, Read<EcsServiceDetail | undefined>>, albUrl: string | undefined): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  for (const unit of units) {
    const detail = services.get(unit.serviceArn);
    if (!detail?.ok) {
      rows.push(withRef(notKnown('service', unit.name, detail ? detail.why : { kind: 'depends-on', what: 'ecs-service' }), unit.serviceArn));
      continue;
    }
    const ongoing = detail.value ? await readOngoing(port, detail.value) : { ok: true as const, value: undefined };
    rows.push(withRef(ongoing.ok ? judgeService(unit.name, detail.value, ongoing.value) : notKnown('service', unit.name, ongoing.why), unit.serviceArn));
  }

  const rules = await readRules(port, units.flatMap((u) => (u.productionRuleArn ? [u.productionRuleArn] : [])));
  for (const unit of units) {
    const rule = rules.ok && unit.productionRuleArn ? rules.value.get(unit.productionRuleArn) : undefined;
    for (const group of unit.targetGroups) {
      const subject = `${unit.name}/${group.logicalId}`;
      const health = await read(() => port.elbv2.describeTargetHealth(group.arn));
      if (!health.ok) {
        rows.push(withRef(notKnown('targets', subject, health.why), group.arn));
        continue;
      }
      const weight = !unit.productionRuleArn ? 'not-routed' : rules.ok && rule ? weightIn(rule, group.arn) : undefined;
      rows.push(withRef(judgeTargetGroup(subject, health.value, weight), group.arn));
    }
  }

  for (const unit of units) {
    if (!unit.productionRuleArn) continue;
    if (!rules.ok) {
      rows.push(notKnown('path', unit.name, rules.why));
      continue;
    }
    const rule = rules.value.get(unit.productionRuleArn);
    if (!rule) {
      rows.push(notKnown('path', unit.name, { kind: 'depends-on', what: 'listener-rule' }));
      continue;
    }
    for (const pattern of rule.pathPatterns) {
      const path = probePath(pattern);
      const subject = `${unit.name} ${path}`;
      if (!albUrl) {
        rows.push(notKnown('path', subject, { kind: 'depends-on', what: 'alb-url' }));
        continue;
      }
      const url = probeUrl(albUrl, path);
      try {
        rows.push(judgePath(subject, url, await port.http.get(url)));
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        // No answer, even after the retry layer asked again: the failure the check looks for.
        if (error.kind === 'transient') rows.push(judgePath(subject, url, { error: errorInfo(error) }));
        else rows.push(notKnown('path', subject, { kind: 'error', operation: error.operation, errorKind: error.kind, error: errorInfo(error) }));
      }
    }
  }
  return rows;
}

async function checkDiscovery(port: AwsPort, tree: readonly LiveStack[], units: readonly ServiceUnit[], services: Map<string, Read<EcsServiceDetail | undefined>>): Promise<CheckRow[]> {
  const namespaceId = [...physicalIds(tree, 'AWS::ServiceDiscovery::HttpNamespace'), ...physicalIds(tree, 'AWS::ServiceDiscovery::PrivateDnsNamespace')][0];
  if (!namespaceId) return units.map((u) => notKnown('discovery', u.name, { kind: 'depends-on', what: 'namespace' }));
  const registered = await read(async () => {
    const byName = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await port.discovery.listServices(namespaceId, token);
      for (const service of page.services) byName.set(service.name, service.id);
      token = page.nextToken;
    } while (token);
    return byName;
  });
  const inNamespace = (row: CheckRow) => withRef(row, namespaceId);
  const rows: CheckRow[] = [];
  for (const unit of units) {
    const detail = services.get(unit.serviceArn);
    if (!registered.ok) {
      rows.push(inNamespace(notKnown('discovery', unit.name, registered.why)));
      continue;
    }
    if (!detail?.ok || !detail.value) {
      rows.push(inNamespace(notKnown('discovery', unit.name, { kind: 'depends-on', what: 'ecs-service' })));
      continue;
    }
    const { discoveryNames, desiredCount } = detail.value;
    if (discoveryNames === undefined) {
      rows.push(inNamespace(notKnown('discovery', unit.name, { kind: 'no-service-connect' })));
      continue;
    }
    for (const discoveryName of discoveryNames) {
      const subject = discoveryNames.length > 1 ? `${unit.name} (${discoveryName})` : unit.name;
      const serviceId = registered.value.get(discoveryName);
      if (serviceId === undefined) {
        rows.push(inNamespace(judgeDiscovery(subject, discoveryName, undefined, desiredCount)));
        continue;
      }
      // One page is enough: the check needs to know whether there is at least one instance.
      const instances = await read(() => port.discovery.listInstances(serviceId));
      rows.push(inNamespace(instances.ok ? judgeDiscovery(subject, discoveryName, instances.value.instanceIds.length, desiredCount) : notKnown('discovery', subject, instances.why)));
    }
  }
  return rows;
}

async function checkSecrets(port: AwsPort, tree: readonly LiveStack[], now: number): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  for (const arn of physicalIds(tree, 'AWS::SecretsManager::Secret')) {
    const secret = await read(() => port.secrets.describeSecret(arn));
    const subject = secret.ok && secret.value ? secret.value.name : secretNameOfArn(arn);
    rows.push(withRef(secret.ok ? judgeRotation(subject, secret.value, now) : notKnown('rotation', subject, secret.why), arn));
  }
  return rows;
}

async function checkAlarms(port: AwsPort, tree: readonly LiveStack[]): Promise<CheckRow[]> {
  const names = physicalIds(tree, 'AWS::CloudWatch::Alarm');
  const found = await read(async () => {
    const alarms = new Map<string, AlarmDescription>();
    for (const batch of chunks(names, 100)) {
      let token: string | undefined;
      do {
        const page = await port.cloudwatch.describeAlarms(batch, token);
        for (const alarm of page.alarms) alarms.set(alarm.name, alarm);
        token = page.nextToken;
      } while (token);
    }
    return alarms;
  });
  return names.map((name) => withRef(found.ok ? judgeAlarm(name, found.value.get(name)) : notKnown('alarm', name, found.why), name));
}

async function checkLogs(port: AwsPort, units: readonly ServiceUnit[], services: Map<string, Read<EcsServiceDetail | undefined>>, now: number): Promise<CheckRow[]> {
  const since = new Date(now - LOG_WINDOW_MINUTES * 60_000);
  const rows: CheckRow[] = [];
  for (const unit of units) {
    const detail = services.get(unit.serviceArn);
    const desired = detail?.ok && detail.value ? detail.value.desiredCount : undefined;
    for (const group of unit.logGroups) {
      const search = await searchLogs(port, group, since);
      rows.push(withRef(search.ok ? judgeLogs(group, search.value, desired) : notKnown('logs', group, search.why), group));
    }
  }
  return rows;
}

/* ---------------------------------------------------------------------------------------------- */
/* The operation                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

export async function verify(c: Connection, io: OperationIo): Promise<VerifyOutcome> {
  const { port } = c.session;
  const stackName = c.env.deployment.stackName;
  const root = await port.cfn.describeStack(stackName);
  if (!root || root.status === 'REVIEW_IN_PROGRESS') return { type: 'precondition', reason: { kind: 'not-deployed', stackName, awaitingReview: root !== undefined } };
  io.emit({ type: 'verify-started', stackName });

  const now = c.runtime.clock.now();
  const tree = await collectLiveTree(port.cfn, root, (path) => Object.keys(c.packaged.stacks.find((s) => s.path === path)?.template.Resources ?? {}));
  const output = (key: string) => root.outputs.find((o) => o.key === key)?.value || undefined;
  const units = serviceUnits(tree, c.runtime.serviceNames);
  const services = await readServices(port, units, output('ClusterName'));

  const rows: CheckRow[] = [
    ...tree.map((s) => withRef(judgeStack(s.path || s.stackName, s.status, s.statusReason), s.stackName)),
    ...(units.length === 0 ? [notKnown('service', 'services', { kind: 'no-release' })] : []),
    ...(await checkServicesAndTargets(port, units, services, output('AlbUrl'))),
    ...(await checkDiscovery(port, tree, units, services)),
    ...(await checkSecrets(port, tree, now)),
    ...(await checkAlarms(port, tree)),
    ...(await checkLogs(port, units, services, now)),
  ];
  const ordered = CHECKS.flatMap((check) => rows.filter((r) => r.check === check));
  const report: VerifyReport = { stackName, checkedAt: new Date(now).toISOString(), rows: ordered };
  return { type: verdictOf(ordered), stackName, report };
}

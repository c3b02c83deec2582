/**
 * Live resources (make verify): what runs behind the deployed stacks, as verify reads it through
 * ECS, ELBv2, Cloud Map, Secrets Manager, CloudWatch, CloudWatch Logs and HTTP. `bringToLife`
 * (FakeAws.goLive) derives it from the deployed stacks, all healthy: each ECS service steady at its
 * DesiredCount with its tasks registered in Cloud Map under its discovery names and healthy in the
 * target group its production rule sends traffic to; each secret with a rotation schedule rotated
 * just now; every alarm OK; every log group with an event just now; the ALB answering 200 on every
 * path a listener rule routes. Every map of FakeLive is public: a scenario breaks one thing (a
 * service below its desired count, an unhealthy target, an alarm in ALARM...) and the read-only
 * port calls answer what it set.
 *
 * Documented behaviour it follows
 * - DescribeServices lists unknown services as failures with reason MISSING
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
 * - "The rolloutState of a service is only returned for services that use the rolling update (ECS)
 *   deployment type" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html):
 *   none for blue/green services.
 * - A Service Connect service is registered under its `discoveryName`, or its port name where none
 *   is given (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html).
 * - DescribeRules with an ARN it does not know fails the whole request (RuleNotFound)
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html).
 * - FilterLogEvents "can return empty results while there are more log events available through
 *   the token" (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
 *   `emptyLogPages` answers that many empty pages with a token first.
 * - The ALB routes a path by the first matching rule in priority order on the production listener
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html);
 *   with no registered target it answers 503; with only unhealthy targets it "routes requests to all
 *   those targets, regardless of their health status" (fail open,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html),
 *   which here answer 502; a path no rule matches gets the listener's default (404 in dev).
 * - ECS owns the weights of a blue/green service's production rule and swings them on every
 *   deployment (`completeBlueGreenDeployment`); a CloudFormation update of the rule resets them to
 *   the template's (`ruleApplied`, from the ListenerRule provider in elbv2.ts), which can send
 *   production traffic to a target group with no tasks (aws/aws-cdk#36649, open;
 *   aws/containers-roadmap#2853 asks ECS to check live weights first).
 * - `Ref` of a CloudWatch alarm is its name
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html).
 */
import {
  AwsError,
  type AlarmDescription,
  type CloudWatchPort,
  type DiscoveryPort,
  type EcsDeployment,
  type EcsServiceDetail,
  type HttpPort,
  type ListenerRuleRoute,
  type SecretDescription,
  type ServiceDeploymentBrief,
  type TargetHealthEntry,
} from '../../../src/aws/port';
import type { Json, JsonObject } from '../../../src/core/template-json';
import type { ResourceProvider } from './cloudformation/resources';
import type { FakeStack, ResourceState, StackStore } from './cloudformation/stacks';
import { evaluate } from './cloudformation/template';
import { awsError, type Call, type FakeCore } from './core';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LiveService extends Mutable<Omit<EcsServiceDetail, 'deployments'>> {
  deployments: Mutable<EcsDeployment>[];
}

export interface LiveRule extends Omit<ListenerRuleRoute, 'forwards'> {
  readonly priority: number;
  readonly listener: string;
  forwards: { targetGroupArn: string; weight?: number }[];
}

/** The target groups (and weights) a listener rule's forward actions name, as its properties say. */
export function forwardsOf(properties: JsonObject): { targetGroupArn: string; weight?: number }[] {
  const actions = (properties['Actions'] ?? []) as JsonObject[];
  return actions.filter((a) => a['Type'] === 'forward').flatMap((a) => {
    const groups = ((a['ForwardConfig'] as JsonObject | undefined)?.['TargetGroups'] ?? []) as JsonObject[];
    if (groups.length > 0) return groups.map((g) => ({ targetGroupArn: String(g['TargetGroupArn']), ...(g['Weight'] !== undefined ? { weight: Number(g['Weight']) } : {}) }));
    return a['TargetGroupArn'] ? [{ targetGroupArn: String(a['TargetGroupArn']) }] : [];
  });
}

const globRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** What runs behind the stacks, as verify reads it. */
export class FakeLive {
  readonly ecs = new Map<string, LiveService>();
  /** Service ARN → its service deployments (ListServiceDeployments), newest first. */
  readonly serviceDeployments = new Map<string, ServiceDeploymentBrief[]>();
  readonly targets = new Map<string, TargetHealthEntry[]>();
  readonly rules = new Map<string, LiveRule>();
  /** Namespace id → discovery name → Cloud Map service. */
  readonly namespaces = new Map<string, Map<string, { id: string; instances: string[] }>>();
  readonly secrets = new Map<string, Mutable<SecretDescription>>();
  readonly alarms = new Map<string, Mutable<AlarmDescription>>();
  /** Log group → event timestamps (ms). */
  readonly logEvents = new Map<string, number[]>();
  /** Log group → empty pages (with a token) FilterLogEvents answers before it finds anything. */
  readonly emptyLogPages = new Map<string, number>();
  /** URL → what answers instead of the modelled ALB (`no-answer`: connection refused). */
  readonly httpAnswers = new Map<string, number | 'no-answer'>();
  albUrl: string | undefined;
  /** The production listener (rules on others, such as the blue/green test listener, are not asked). */
  productionListener: string | undefined;
  private ids = 0;

  register(namespaceId: string, discoveryName: string, instances: number): void {
    const services = this.namespaces.get(namespaceId) ?? new Map<string, { id: string; instances: string[] }>();
    this.namespaces.set(namespaceId, services);
    this.ids += 1;
    services.set(discoveryName, { id: `srv-${String(this.ids).padStart(6, '0')}`, instances: Array.from({ length: instances }, (_, i) => `task-${this.ids}-${i}`) });
  }

  /** The live ECS service whose name contains `name` (`api-gateway`, `svc-frontend-dev`). */
  service(name: string): LiveService {
    const found = [...this.ecs.values()].find((s) => s.name.includes(name));
    if (!found) throw new Error(`fake: no live ECS service named like ${name}; have ${[...this.ecs.values()].map((s) => s.name).join(', ')}`);
    return found;
  }

  productionRules(): LiveRule[] {
    return [...this.rules.values()].filter((r) => this.productionListener === undefined || r.listener === this.productionListener);
  }

  /** The production rule that routes `path` (`/api/`). */
  ruleFor(path: string): LiveRule | undefined {
    return this.productionRules()
      .sort((a, b) => a.priority - b.priority)
      .find((r) => r.pathPatterns.some((p) => globRegExp(p).test(path)));
  }

  /**
   * ECS finishes a blue/green deployment of the service behind this production rule: its new
   * tasks run in the standby target group, which now takes all the traffic (weight 100), and the
   * old one is drained (weight 0, no targets). ECS owns these weights: it rewrites the rule's
   * forward action on every deployment (observed: green=100/blue=0 after the first deployment,
   * go-to-k/cdk-real-drift#1730;
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html).
   */
  completeBlueGreenDeployment(ruleArn: string): void {
    const rule = this.rules.get(ruleArn);
    const serving = rule?.forwards.filter((f) => f.weight !== 0) ?? [];
    const standby = rule?.forwards.filter((f) => f.weight === 0) ?? [];
    if (!rule || serving.length !== 1 || standby.length !== 1) throw new Error(`fake: ${ruleArn} is not a blue/green production rule (one target group serving, one on standby)`);
    this.targets.set(standby[0].targetGroupArn, this.targets.get(serving[0].targetGroupArn) ?? []);
    this.targets.set(serving[0].targetGroupArn, []);
    rule.forwards = rule.forwards.map((f) => ({ ...f, weight: f.weight === 0 ? 100 : 0 }));
  }

  /**
   * CloudFormation updated the listener rule: its forward action is the template's again, whatever
   * ECS had set ("any stack update that re-applies the rule's Actions resets the weights to the
   * template's": https://github.com/aws/aws-cdk/issues/36649, open).
   */
  ruleApplied(ruleArn: string, forwards: { targetGroupArn: string; weight?: number }[]): void {
    const rule = this.rules.get(ruleArn);
    if (rule) rule.forwards = forwards;
  }

  reset(): void {
    for (const map of [this.ecs, this.serviceDeployments, this.targets, this.rules, this.namespaces, this.secrets, this.alarms, this.logEvents, this.emptyLogPages, this.httpAnswers]) map.clear();
    this.albUrl = undefined;
    this.productionListener = undefined;
  }

  describeServices(services: readonly string[]): { services: EcsServiceDetail[]; missing: string[] } {
    const found = services.map((s) => this.ecs.get(s)).filter((s): s is LiveService => s !== undefined);
    return {
      services: found.map((s) => ({ ...s, deployments: s.deployments.map((d) => ({ ...d })), ...(s.discoveryNames ? { discoveryNames: [...s.discoveryNames] } : {}) })),
      missing: services.filter((s) => !this.ecs.has(s)),
    };
  }

  describeTargetHealth(arn: string): TargetHealthEntry[] | undefined {
    return this.targets.get(arn)?.map((t) => ({ ...t }));
  }

  describeRules(arns: readonly string[], op: string): { rules: ListenerRuleRoute[] } {
    const rules = arns.map((arn) => this.rules.get(arn));
    if (rules.some((r) => r === undefined)) throw awsError('RuleNotFound', 'One or more rules not found', op, 400);
    return { rules: (rules as LiveRule[]).map((r) => ({ ruleArn: r.ruleArn, pathPatterns: [...r.pathPatterns], forwards: r.forwards.map((f) => ({ ...f })) })) };
  }

  listServices(namespaceId: string): { services: { id: string; name: string }[] } {
    return { services: [...(this.namespaces.get(namespaceId) ?? new Map()).entries()].map(([name, s]) => ({ id: s.id, name })) };
  }

  listInstances(serviceId: string): { instanceIds: string[] } {
    const service = [...this.namespaces.values()].flatMap((n) => [...n.values()]).find((s) => s.id === serviceId);
    if (!service) throw awsError('ServiceNotFound', `Service not found: ${serviceId}`, 'discovery.listInstances', 400);
    return { instanceIds: [...service.instances] };
  }

  describeSecret(id: string): SecretDescription | undefined {
    const secret = this.secrets.get(id);
    return secret ? { ...secret, versionStages: Object.fromEntries(Object.entries(secret.versionStages).map(([v, stages]) => [v, [...stages]])) } : undefined;
  }

  filterLogEvents(group: string, since: Date, token: string | undefined): { found: boolean; nextToken?: string } | undefined {
    const events = this.logEvents.get(group);
    if (!events) return undefined;
    const empty = this.emptyLogPages.get(group) ?? 0;
    if (empty > 0) {
      this.emptyLogPages.set(group, empty - 1);
      return { found: false, nextToken: `${token ?? ''}+` };
    }
    return { found: events.some((at) => at >= since.getTime()) };
  }

  httpGet(url: string): { status: number } {
    const override = this.httpAnswers.get(url);
    if (override === 'no-answer' || !this.albUrl || (!url.startsWith(this.albUrl) && override === undefined)) {
      throw new AwsError('transient', 'ECONNREFUSED', `connect ECONNREFUSED (${url})`, 'http.get');
    }
    if (override !== undefined) return { status: override };
    const rule = this.ruleFor(url.slice(this.albUrl.length) || '/');
    if (!rule) return { status: 404 };
    const targets = rule.forwards.filter((f) => f.weight !== 0).flatMap((f) => this.targets.get(f.targetGroupArn) ?? []);
    if (targets.some((t) => t.state === 'healthy')) return { status: 200 };
    return { status: targets.length > 0 ? 502 : 503 };
  }
}

/** Everything the deployed stacks describe, running and healthy (FakeAws.goLive). */
export function bringToLife(live: FakeLive, stacks: StackStore, core: FakeCore): void {
  live.reset();
  const now = new Date(core.clock.now());
  const deployed = stacks.live();
  const output = (key: string) => deployed.flatMap((s) => s.outputs).find((o) => o.key === key)?.value;
  live.albUrl = output('AlbUrl');
  live.productionListener = output('ProductionListenerArn');
  const all = deployed.flatMap((stack) => [...stack.resources.values()].map((resource) => ({ stack, resource })));
  const namespace = all.find(({ resource }) => resource.type === 'AWS::ServiceDiscovery::HttpNamespace')?.resource.physicalId;
  for (const { stack, resource } of all) {
    const properties = evaluatedProperties(stacks, stack, resource);
    switch (resource.type) {
      case 'AWS::ECS::Service': {
        const desired = Number(properties['DesiredCount'] ?? 1);
        const connect = properties['ServiceConnectConfiguration'] as JsonObject | undefined;
        // "The rolloutState of a service is only returned for services that use the rolling
        // update (ECS) deployment type" (API_Deployment): none for blue/green.
        const blueGreen = (properties['DeploymentConfiguration'] as JsonObject | undefined)?.['Strategy'] === 'BLUE_GREEN';
        const discoveryNames = ((connect?.['Services'] ?? []) as JsonObject[]).map((sc) => String(sc['DiscoveryName'] ?? sc['PortName']));
        live.ecs.set(resource.physicalId, {
          arn: resource.physicalId,
          name: String(properties['ServiceName'] ?? resource.logicalId),
          status: 'ACTIVE',
          desiredCount: desired,
          runningCount: desired,
          pendingCount: 0,
          deployments: [{ id: `ecs-svc/${core.nextId()}`, status: 'PRIMARY', ...(blueGreen ? {} : { rolloutState: 'COMPLETED' as const, rolloutStateReason: 'ECS deployment completed.' }), desiredCount: desired, runningCount: desired, pendingCount: 0, failedTasks: 0 }],
          ...(connect ? { discoveryNames } : {}),
        });
        if (namespace) {
          for (const name of discoveryNames) live.register(namespace, name, desired);
        }
        live.serviceDeployments.set(resource.physicalId, [{ arn: `${resource.physicalId.replace(':service/', ':service-deployment/')}/${core.nextId()}`, status: 'SUCCESSFUL' }]);
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
        const conditions = (properties['Conditions'] ?? []) as JsonObject[];
        live.rules.set(resource.physicalId, {
          ruleArn: resource.physicalId,
          priority: Number(properties['Priority'] ?? 0),
          listener: String(properties['ListenerArn'] ?? ''),
          pathPatterns: conditions.filter((c) => c['Field'] === 'path-pattern').flatMap((c) => ((c['PathPatternConfig'] as JsonObject | undefined)?.['Values'] ?? c['Values'] ?? []) as string[]),
          forwards: forwardsOf(properties),
        });
        break;
      }
      case 'AWS::SecretsManager::Secret': {
        const schedule = all.find(({ resource: r }) => r.type === 'AWS::SecretsManager::RotationSchedule' && r.definition && JSON.stringify(evaluatedProperties(stacks, stack, r)).includes(resource.physicalId));
        const rules = schedule ? (evaluatedProperties(stacks, schedule.stack, schedule.resource)['RotationRules'] ?? {}) as JsonObject : undefined;
        live.secrets.set(resource.physicalId, {
          arn: resource.physicalId,
          name: resource.physicalId.split(':secret:').pop()?.replace(/-[A-Za-z0-9]{6}$/, '') ?? resource.physicalId,
          rotationEnabled: schedule !== undefined,
          ...(rules ? { rotationRules: { ...(rules['ScheduleExpression'] ? { scheduleExpression: String(rules['ScheduleExpression']) } : {}), ...(rules['AutomaticallyAfterDays'] ? { automaticallyAfterDays: Number(rules['AutomaticallyAfterDays']) } : {}) } } : {}),
          ...(schedule ? { lastRotatedDate: now } : {}),
          versionStages: schedule ? { [`v2-${core.nextId()}`]: ['AWSCURRENT'], [`v1-${core.nextId()}`]: ['AWSPREVIOUS'] } : { [`v1-${core.nextId()}`]: ['AWSCURRENT'] },
        });
        break;
      }
      case 'AWS::CloudWatch::Alarm':
        live.alarms.set(resource.physicalId, { name: resource.physicalId, state: 'OK', reason: 'Threshold Crossed: no datapoints were breaching', updatedAt: now });
        break;
      case 'AWS::Logs::LogGroup':
        live.logEvents.set(resource.physicalId, [now.getTime()]);
        break;
      default:
        break;
    }
  }
  // Targets: the ECS service of a target group's stack registers its tasks where its production rule sends traffic.
  for (const { stack, resource } of all) {
    if (resource.type !== 'AWS::ElasticLoadBalancingV2::TargetGroup') continue;
    const service = [...stack.resources.values()].find((r) => r.type === 'AWS::ECS::Service');
    const running = service ? live.ecs.get(service.physicalId)?.runningCount ?? 0 : 0;
    const routed = live.productionRules().some((rule) => rule.forwards.some((f) => f.targetGroupArn === resource.physicalId && f.weight !== 0));
    live.targets.set(resource.physicalId, routed ? Array.from({ length: running }, (_, i) => ({ targetId: `10.10.${i}.${10 + i}`, port: 8080, state: 'healthy' as const })) : []);
  }
}

const evaluatedProperties = (stacks: StackStore, stack: FakeStack, resource: ResourceState): JsonObject =>
  (evaluate((resource.definition?.['Properties'] ?? {}) as Json, stacks.deployedScope(stack)) ?? {}) as JsonObject;

export const cloudWatchProviders: Readonly<Record<string, ResourceProvider>> = {
  'AWS::CloudWatch::Alarm': {
    physicalId: ({ stackName, logicalId, suffix, properties }) => (typeof properties?.['AlarmName'] === 'string' ? properties['AlarmName'] : `${stackName}-${logicalId}-${suffix}`),
  },
};

/** Cloud Map, CloudWatch and HTTP as verify reads them. */
export function livePorts(live: FakeLive, call: Call): { discovery: DiscoveryPort; cloudwatch: CloudWatchPort; http: HttpPort } {
  return {
    discovery: {
      listServices: (namespaceId, token) => call('discovery.listServices', [namespaceId, token], () => live.listServices(namespaceId)),
      listInstances: (serviceId, token) => call('discovery.listInstances', [serviceId, token], () => live.listInstances(serviceId)),
    },
    cloudwatch: {
      describeAlarms: (names, token) => call('cloudwatch.describeAlarms', [names, token], () => ({ alarms: names.flatMap((n) => { const a = live.alarms.get(n); return a ? [{ ...a }] : []; }) })),
    },
    http: {
      get: (url) => call('http.get', [url], () => live.httpGet(url)),
    },
  };
}

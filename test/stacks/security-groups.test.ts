/**
 * P-SEC / P-NET: the security-group graph, exactly. Every rule of every rendered template is
 * resolved to what it really connects — a security group reference is followed through
 * parameters and nested-stack outputs to the group it names — and the graph of who may reach
 * whom must equal what the catalog declares (the ALB reaches the public services; each service
 * reaches the services in its `calls`), nothing more. The expected graph is derived from the
 * catalog alone, never from the templates.
 *
 * Addresses (CIDRs) are allowed only on the documented paths listed below; everything else inside
 * the VPC is reached by security group, so a caller that opened its path from 0.0.0.0/0 instead of
 * from its own group fails here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, renderCatalog } from '../helpers/platform';
import { describeOrigin, StackTree, type Origin, type StackInstance } from '../helpers/stack-tree';
import { syntheticService } from '../helpers/synthetic-catalog';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog } from '../../src/catalog/types';
import type { Json, JsonObject } from '../../src/core/template-json';
import type { RenderedTemplate } from '../../src/synth/render';

const ALB = 'ALB';
const ENDPOINTS = 'VPC endpoints';

interface Rule {
  readonly direction: 'ingress' | 'egress';
  /** The group the rule belongs to. */
  readonly group: string;
  /** The other side: a group name, or `cidr <address>` / `prefix-list <id>`. */
  readonly peer: string;
  readonly ports: string;
  readonly where: string;
}

const asList = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Names the groups attached to the ALB, the ECS services, the VPC endpoints and VPC functions. */
function groupNames(tree: StackTree, catalog: ServiceCatalog): Map<string, string> {
  const names = new Map<string, string>();
  const attach = (stack: StackInstance, value: Json | undefined, name: string): void => {
    for (const item of asList(value)) {
      for (const origin of tree.origins(stack, item)) {
        if (origin.kind === 'resource') names.set(groupKey(origin), name);
      }
    }
  };
  for (const stack of tree.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      const p = resource.Properties ?? {};
      if (resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') attach(stack, p['SecurityGroups'], ALB);
      if (resource.Type === 'AWS::EC2::VPCEndpoint') attach(stack, p['SecurityGroupIds'], ENDPOINTS);
      if (resource.Type === 'AWS::Lambda::Function') attach(stack, (p['VpcConfig'] as JsonObject | undefined)?.['SecurityGroupIds'], `function ${logicalId}`);
      if (resource.Type === 'AWS::ECS::Service') {
        const service = catalog.find((s) => stack.name === `services/${s.name}`);
        assert.ok(service, `${stack.name} ${logicalId}: an ECS service outside a catalog service's stack`);
        const network = (p['NetworkConfiguration'] as JsonObject)['AwsvpcConfiguration'] as JsonObject;
        attach(stack, network['SecurityGroups'], service.name);
      }
    }
  }
  return names;
}

const groupKey = (origin: Extract<Origin, { kind: 'resource' }>): string => `${origin.stack.name}:${origin.logicalId}`;

function portText(tree: StackTree, stack: StackInstance, rule: JsonObject): string {
  const side = (value: Json | undefined) => tree.origins(stack, value).map((o) => (o.kind === 'literal' ? String(o.value) : describeOrigin(o))).join('|');
  const from = side(rule['FromPort']);
  const to = side(rule['ToPort']);
  return from === to ? from : `${from}-${to}`;
}

/** Every ingress and egress rule of every stack, inline or standalone, with both ends resolved. */
function securityGroupRules(templates: readonly RenderedTemplate[], catalog: ServiceCatalog): Rule[] {
  const tree = new StackTree(templates);
  const names = groupNames(tree, catalog);
  const nameOf = (origin: Origin, where: string): string => {
    assert.is(origin.kind, 'resource', `${where}: a security group reference that resolves to ${describeOrigin(origin)}`);
    const key = groupKey(origin as Extract<Origin, { kind: 'resource' }>);
    return names.get(key) ?? key;
  };
  const rules: Rule[] = [];
  const add = (stack: StackInstance, direction: Rule['direction'], groups: string[], rule: JsonObject, where: string): void => {
    const peerGroup = direction === 'ingress' ? rule['SourceSecurityGroupId'] : rule['DestinationSecurityGroupId'];
    const prefixList = direction === 'ingress' ? rule['SourcePrefixListId'] : rule['DestinationPrefixListId'];
    const peers = [
      // An empty string comes from an output that is empty when its condition does not hold; the
      // rule carries the same condition, so it never applies with it.
      ...tree.origins(stack, peerGroup).filter((o) => !(o.kind === 'literal' && o.value === '')).map((o) => nameOf(o, where)),
      ...[rule['CidrIp'], rule['CidrIpv6']].flatMap((cidr) => tree.origins(stack, cidr).map((o) => `cidr ${o.kind === 'literal' ? String(o.value) : describeOrigin(o)}`)),
      ...tree.origins(stack, prefixList).map((o) => `prefix-list ${describeOrigin(o)}`),
    ];
    assert.ok(peers.length > 0, `${where}: a rule without a peer`);
    for (const group of groups) {
      for (const peer of peers) rules.push({ direction, group, peer, ports: portText(tree, stack, rule), where });
    }
  };
  for (const stack of tree.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      const p = resource.Properties ?? {};
      const where = `${stack.name} ${logicalId}`;
      if (resource.Type === 'AWS::EC2::SecurityGroup') {
        const own = [names.get(`${stack.name}:${logicalId}`) ?? `${stack.name}:${logicalId}`];
        asList(p['SecurityGroupIngress']).forEach((rule, i) => add(stack, 'ingress', own, rule as JsonObject, `${where} ingress ${i}`));
        asList(p['SecurityGroupEgress']).forEach((rule, i) => add(stack, 'egress', own, rule as JsonObject, `${where} egress ${i}`));
      }
      if (resource.Type === 'AWS::EC2::SecurityGroupIngress' || resource.Type === 'AWS::EC2::SecurityGroupEgress') {
        const groups = tree.origins(stack, p['GroupId']).map((o) => nameOf(o, where));
        add(stack, resource.Type.endsWith('Ingress') ? 'ingress' : 'egress', groups, p, where);
      }
    }
  }
  return rules;
}

const edge = (rule: Rule): string => (rule.direction === 'ingress' ? `${rule.peer} -> ${rule.group}:${rule.ports}` : `${rule.group} -> ${rule.peer}:${rule.ports}`);
const sorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();

/* ---------------------------------------------------------------------------------------------- */
/* The specification, from the catalog                                                             */
/* ---------------------------------------------------------------------------------------------- */

/** Who may reach each service: the ALB for public ones, and each declared caller, on the callee's port. */
function declaredPaths(catalog: ServiceCatalog): string[] {
  const port = (name: string) => catalog.find((s) => s.name === name)?.containerPort;
  return sorted(catalog.flatMap((service) => [
    ...(service.exposure.kind === 'public' ? [`${ALB} -> ${service.name}:${service.containerPort}`] : []),
    ...service.calls.map((callee) => `${service.name} -> ${callee}:${port(callee)}`),
  ]));
}

/** Address-based egress every service has: HTTPS to AWS APIs; the database port if it holds a database secret. */
function declaredServiceAddressEgress(catalog: ServiceCatalog): string[] {
  return sorted(catalog.flatMap((service) => [
    `${service.name} -> cidr 0.0.0.0/0:443`,
    ...(service.secrets.some((s) => s.kind === 'database') ? [`${service.name} -> cidr parameter DatabaseCidr:parameter DatabasePort`] : []),
  ]));
}

/**
 * The only ingress rules with an address instead of a group, each documented (docs/safety.md, P-ALB,
 * P-NET): the internet reaches the ALB's listeners; the VPC reaches the blue/green test listener and
 * the interface endpoints. The `|` alternatives are the two branches of HasCertificate.
 */
const DOCUMENTED_ADDRESS_INGRESS: Readonly<Record<string, string>> = {
  [`cidr 0.0.0.0/0 -> ${ALB}:80`]: 'public HTTP listener (redirects to HTTPS when a certificate is set)',
  [`cidr 0.0.0.0/0 -> ${ALB}:443`]: 'public HTTPS listener',
  [`cidr network:Vpc.CidrBlock -> ${ALB}:8443|8080`]: 'blue/green test listener, from inside the VPC only',
  [`cidr parameter VpcCidr -> ${ENDPOINTS}:443`]: 'interface endpoints (ECR, Logs, Secrets Manager, ECS) for everything in the VPC',
};

function checkGraph(templates: readonly RenderedTemplate[], catalog: ServiceCatalog): void {
  const rules = securityGroupRules(templates, catalog);
  const services = new Set(catalog.filter((s) => !s.imagePending).map((s) => s.name));
  assert.ok(services.size > 0 && rules.length > services.size, 'rules found');

  const ingress = rules.filter((r) => r.direction === 'ingress');
  const intoServices = ingress.filter((r) => services.has(r.group));
  for (const rule of intoServices) {
    assert.ok(rule.peer === ALB || services.has(rule.peer), `${rule.where}: ingress to ${rule.group} from ${rule.peer}; only the ALB and declared callers, by security group`);
  }
  assert.equal(sorted(intoServices.map(edge)), declaredPaths(catalog), 'ingress to services = the declared paths');

  const egress = rules.filter((r) => r.direction === 'egress' && services.has(r.group));
  assert.equal(sorted(egress.filter((r) => !r.peer.startsWith('cidr ')).map(edge)), declaredPaths(catalog).filter((e) => !e.startsWith(ALB)), 'group egress of services = the calls they declare');
  assert.equal(sorted(egress.filter((r) => r.peer.startsWith('cidr ')).map(edge)), declaredServiceAddressEgress(catalog));

  const addressIngress = ingress.filter((r) => r.peer.startsWith('cidr ') || r.peer.startsWith('prefix-list '));
  for (const rule of addressIngress) assert.ok(edge(rule) in DOCUMENTED_ADDRESS_INGRESS, `${rule.where}: undocumented address ingress ${edge(rule)}`);
  assert.equal(sorted(addressIngress.map(edge)), Object.keys(DOCUMENTED_ADDRESS_INGRESS).sort(), 'every documented path is there');

  // The ALB forwards only to the public services' ports, inside the VPC.
  const publicPorts = sorted(catalog.filter((s) => s.exposure.kind === 'public').map((s) => `${ALB} -> cidr network:Vpc.CidrBlock:${s.containerPort}`));
  assert.equal(sorted(rules.filter((r) => r.direction === 'egress' && r.group === ALB).map(edge)), publicPorts);
}

test('P-SEC: the security-group graph is exactly the catalog\'s: the ALB to public services, each caller to its callees, by group only', () => {
  checkGraph(platformTemplates(), SERVICE_CATALOG);
  // The same graph, named as P-SEC states it.
  assert.equal(declaredPaths(SERVICE_CATALOG), [
    'ALB -> api-gateway:8080',
    'ALB -> frontend:8080',
    'analytics-engine -> data-ingestion:8080',
    'api-gateway -> analytics-engine:8080',
    'api-gateway -> data-ingestion:8080',
    'frontend -> api-gateway:8080',
  ]);
});

test('P-SEC: a grown catalog gets exactly its own graph (a public caller on another port, an internal callee of it)', () => {
  const reports = { ...syntheticService(6, 'analytics-engine'), name: 'risk-reports', containerPort: 9090 };
  const portal = { ...syntheticService(10, 'risk-reports'), name: 'market-portal', containerPort: 9443 };
  assert.is(reports.exposure.kind, 'internal');
  assert.is(portal.exposure.kind, 'public');
  const catalog = [...SERVICE_CATALOG, reports, portal];
  checkGraph(renderCatalog(catalog), catalog);
});

/** The message of the assertion `check` fails with (uvu's assert.throws re-throws assertion errors). */
function failure(check: () => void): string {
  try {
    check();
  } catch (error) {
    return (error as Error).message;
  }
  assert.unreachable('the check passed');
  return '';
}

test('P-SEC: the graph check fails on a caller that opens its callee to 0.0.0.0/0, or to a group other than its own', () => {
  const mutate = (edit: (template: JsonObject) => void): RenderedTemplate[] => platformTemplates().map((t) => {
    if (t.name !== 'services/frontend') return t;
    const template = JSON.parse(JSON.stringify(t.template));
    edit(template.Resources);
    return { ...t, template };
  });
  const ingressOf = (resources: JsonObject): JsonObject => (resources['ApiGatewayIngressFromThisService'] as JsonObject)['Properties'] as JsonObject;
  const fromAnywhere = mutate((resources) => {
    const rule = ingressOf(resources);
    delete rule['SourceSecurityGroupId'];
    rule['CidrIp'] = '0.0.0.0/0';
  });
  assert.match(failure(() => checkGraph(fromAnywhere, SERVICE_CATALOG)), /ingress to api-gateway from cidr 0\.0\.0\.0\/0/);
  const fromTheAlb = mutate((resources) => { ingressOf(resources)['SourceSecurityGroupId'] = { Ref: 'AlbSecurityGroupId' }; });
  assert.match(failure(() => checkGraph(fromTheAlb, SERVICE_CATALOG)), /ingress to services = the declared paths/);
});

test.run();

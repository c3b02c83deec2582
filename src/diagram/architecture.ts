/**
 * The architecture diagram, derived from the rendered templates only (so it cannot drift from
 * them): stacks and their wiring from the root's and the services stack's `Outputs.X` reads,
 * internet routes from listener rules, service-to-service paths from security-group rules, and
 * database access from egress rules. Output is Graphviz DOT; `make diagram` renders the SVG.
 */
import path from 'node:path';
import type { Json, JsonObject, TemplateJson } from '../core/template-json';
import { isJsonObject } from '../core/template-json';

export interface DiagramInput {
  readonly file: string;
  readonly template: TemplateJson;
}

const quote = (text: string): string => `"${text.replace(/"/g, '\\"')}"`;
const nodeId = (file: string): string => quote(file.replace(/\.json$/, ''));

function* values(node: Json | undefined): Generator<Json> {
  if (node === undefined) return;
  yield node;
  if (Array.isArray(node)) for (const child of node) yield* values(child);
  else if (isJsonObject(node)) for (const child of Object.values(node)) yield* values(child);
}

/** `Fn::GetAtt [Child, Outputs.X]` reads in `value`, as [child logical id, output name]. */
function outputReads(value: Json | undefined): [string, string][] {
  const reads: [string, string][] = [];
  for (const node of values(value)) {
    if (!isJsonObject(node) || !Array.isArray(node['Fn::GetAtt'])) continue;
    const [target, attribute] = node['Fn::GetAtt'] as string[];
    if (typeof attribute === 'string' && attribute.startsWith('Outputs.')) reads.push([target, attribute.slice('Outputs.'.length)]);
  }
  return reads;
}

function nestedStacks(parent: DiagramInput): Map<string, string> {
  const children = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(parent.template.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const url = String(resource.Properties?.['TemplateURL']);
    children.set(logicalId, path.posix.join(path.posix.dirname(parent.file), url));
  }
  return children;
}

function summary(template: TemplateJson): string {
  const count = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;
  const parts: string[] = [];
  const add = (type: string, one: string, many: string) => { const n = count(type); if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`); };
  add('AWS::EC2::Subnet', 'subnet', 'subnets');
  add('AWS::EC2::NatGateway', 'NAT gateway', 'NAT gateways');
  add('AWS::EC2::VPCEndpoint', 'endpoint', 'endpoints');
  add('AWS::ECR::Repository', 'ECR repository', 'ECR repositories');
  add('AWS::ECS::Cluster', 'ECS cluster', 'ECS clusters');
  add('AWS::ElasticLoadBalancingV2::LoadBalancer', 'ALB', 'ALBs');
  add('AWS::ServiceDiscovery::HttpNamespace', 'Cloud Map namespace', 'Cloud Map namespaces');
  add('AWS::ACMPCA::CertificateAuthority', 'private CA', 'private CAs');
  add('AWS::Lambda::Function', 'function', 'functions');
  add('AWS::SecretsManager::Secret', 'secret', 'secrets');
  add('AWS::CloudWatch::Alarm', 'alarm', 'alarms');
  return `${Object.keys(template.Resources).length} resources${parts.length ? `\\n${parts.join(', ')}` : ''}`;
}

function serviceLabel(name: string, template: TemplateJson): string {
  const service = Object.values(template.Resources).find((r) => r.Type === 'AWS::ECS::Service');
  const deployment = isJsonObject(service?.Properties?.['DeploymentConfiguration']) ? service?.Properties?.['DeploymentConfiguration'] as JsonObject : {};
  const strategy = String(deployment['Strategy'] ?? 'ROLLING').toLowerCase().replace('_', '/');
  const exposure = Object.values(template.Resources).some((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') ? 'public' : 'internal';
  return `${name}\\n${exposure} · ${strategy}\\n${summary(template).replace('\\n', ' · ')}`;
}

function wiringEdges(parent: DiagramInput, byFile: ReadonlyMap<string, TemplateJson>, lines: string[]): void {
  const children = nestedStacks(parent);
  for (const [logicalId, childFile] of children) {
    if (!byFile.has(childFile)) continue;
    const inputs = parent.template.Resources[logicalId].Properties?.['Parameters'];
    const bySource = new Map<string, string[]>();
    for (const [source, output] of outputReads(inputs)) {
      const sourceFile = children.get(source);
      if (!sourceFile) continue;
      bySource.set(sourceFile, [...(bySource.get(sourceFile) ?? []), output]);
    }
    for (const [sourceFile, outputs] of bySource) {
      // Service-to-service reads are drawn as traffic below; stack wiring is drawn here.
      if (sourceFile.startsWith('services/') && childFile.startsWith('services/')) continue;
      const shown = outputs.length > 3 ? `${outputs.slice(0, 3).join(', ')}, +${outputs.length - 3}` : outputs.join(', ');
      lines.push(`  ${nodeId(sourceFile)} -> ${nodeId(childFile)} [label=${quote(shown)}, color="#7a7a7a", fontcolor="#555555"];`);
    }
  }
}

function trafficEdges(services: readonly DiagramInput[], lines: string[]): void {
  const byDiscovery = new Map(services.map((s) => [path.posix.basename(s.file, '.json'), s]));
  const pascal = (name: string) => name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  for (const service of services) {
    const resources = Object.values(service.template.Resources);
    for (const rule of resources.filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      const listener = JSON.stringify(rule.Properties?.['ListenerArn']);
      if (!listener.includes('ProductionListenerArn')) continue;
      const paths = [...values(rule.Properties?.['Conditions'])].filter((v): v is string => typeof v === 'string' && v.startsWith('/'));
      lines.push(`  alb -> ${nodeId(service.file)} [label=${quote(`${paths.join(' ')} (priority ${String(rule.Properties?.['Priority'])})`)}, color="#1f6fb2", fontcolor="#1f6fb2", penwidth=1.6];`);
    }
    for (const rule of resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')) {
      const target = String((rule.Properties?.['GroupId'] as JsonObject)['Ref']).replace(/SecurityGroupId$/, '');
      const callee = [...byDiscovery.keys()].find((name) => pascal(name) === target);
      if (!callee) continue;
      lines.push(`  ${nodeId(service.file)} -> ${nodeId(`services/${callee}.json`)} [label=${quote(`Service Connect :${String(rule.Properties?.['FromPort'])}`)}, color="#2e7d32", fontcolor="#2e7d32", penwidth=1.4];`);
    }
    const group = resources.find((r) => r.Type === 'AWS::EC2::SecurityGroup');
    const egress = JSON.stringify(group?.Properties?.['SecurityGroupEgress'] ?? []);
    if (egress.includes('DatabaseCidr')) lines.push(`  ${nodeId(service.file)} -> database [label="PostgreSQL", color="#8d6e63", fontcolor="#8d6e63", style=dashed];`);
  }
}

export function architectureDot(templates: readonly DiagramInput[]): string {
  const byFile = new Map(templates.map((t) => [t.file, t.template]));
  const root = templates[0];
  const topLevel = [...nestedStacks(root).values()].filter((file) => byFile.has(file));
  const services = templates.filter((t) => t.file.startsWith('services/'));
  const servicesParent = templates.find((t) => t.file === 'services.json');

  const lines = [
    'digraph tap {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, compound=true, nodesep=0.35, ranksep=0.9, labelloc=t, label="TAP platform: stacks, wiring and traffic (generated from templates/ by make diagram)"];',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#9e9e9e", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];',
    '  internet [label="Internet", shape=ellipse, fillcolor="#e3f2fd"];',
    '  database [label="PostgreSQL\\n(DatabaseHost, outside the stacks)", shape=cylinder, fillcolor="#efebe9"];',
    `  subgraph cluster_root { label=${quote(`root (${root.file}): ${Object.keys(root.template.Resources).length} nested stacks`)}; style="rounded"; color="#bdbdbd";`,
  ];
  for (const file of topLevel.filter((f) => f !== 'services.json')) {
    const template = byFile.get(file) as TemplateJson;
    lines.push(`    ${nodeId(file)} [label=${quote(`${file.replace(/\.json$/, '')}\\n${summary(template)}`)}, fillcolor="#f5f5f5"];`);
  }
  lines.push('    alb [label="ALB (cluster stack)\\nHTTPS :443, HTTP :80, test listener", fillcolor="#e3f2fd"];');
  if (servicesParent) {
    lines.push(`    subgraph cluster_services { label=${quote(`services (services.json): ${summary(servicesParent.template).replace('\\n', ', ')}`)}; style="rounded,filled"; fillcolor="#fafafa"; color="#bdbdbd";`);
    lines.push(`      ${nodeId('services.json')} [label="rotation functions\\ndashboard", fillcolor="#f5f5f5"];`);
    for (const service of services) {
      lines.push(`      ${nodeId(service.file)} [label=${quote(serviceLabel(path.posix.basename(service.file, '.json'), service.template))}, fillcolor="#e8f5e9"];`);
    }
    lines.push('    }');
  }
  lines.push('  }');
  lines.push('  internet -> alb [label="HTTP(S)", color="#1f6fb2", fontcolor="#1f6fb2", penwidth=1.6];');
  wiringEdges(root, byFile, lines);
  if (servicesParent) wiringEdges(servicesParent, byFile, lines);
  trafficEdges(services, lines);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The architecture diagram, derived from the rendered templates only (so it cannot drift from
 * them): stacks and their wiring from the root's `Outputs.X` reads, internet routes from listener
 * rules, service-to-service paths from security-group rules, and database access from egress
 * rules. Output is Graphviz DOT; `renderArchitectureSvg` renders it with WebAssembly Graphviz.
 *
 * Made to be read at README width (about 880 px): top to bottom, one row per layer (foundation
 * stacks, the cluster stack, public services, internal services in rows of at most
 * SERVICES_PER_ROW, the database), each row in catalog order, so a new service adds a node to
 * its row and moves nothing else. Wiring edges end at the stack that receives the outputs (the
 * cluster or services box), not at a node inside it.
 */
import path from 'node:path';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Json, JsonObject, TemplateJson } from '../core/template-json';
import { isJsonObject } from '../core/template-json';

export interface DiagramInput {
  readonly file: string;
  readonly template: TemplateJson;
}

/** Services per row: four rows of boxes fit README width at a readable size. */
export const SERVICES_PER_ROW = 4;

/**
 * Labels are measured with DejaVu Sans, the widest common sans-serif (Graphviz knows its
 * metrics); the SVG then asks for Helvetica or Arial first, which are narrower, so a label fits
 * its box in whichever of these fonts a reader's browser has.
 */
export const LAYOUT_FONT = 'DejaVu Sans';
export const SVG_FONT_FAMILY = `Helvetica,Arial,${LAYOUT_FONT},sans-serif`;

const quote = (text: string): string => `"${text.replace(/"/g, '\\"')}"`;
const nodeId = (file: string): string => quote(file.replace(/\.json$/, ''));
const stackName = (file: string): string => file.replace(/\.json$/, '');

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

/** What a stack holds, as short parts ("6 subnets", "1 ALB"). */
function contents(template: TemplateJson): string[] {
  const count = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;
  const parts: string[] = [];
  const add = (type: string, one: string, many: string) => { const n = count(type); if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`); };
  add('AWS::EC2::Subnet', 'subnet', 'subnets');
  add('AWS::EC2::NatGateway', 'NAT gateway', 'NAT gateways');
  add('AWS::EC2::VPCEndpoint', 'endpoint', 'endpoints');
  add('AWS::ECR::Repository', 'repository', 'repositories');
  add('AWS::ECS::Cluster', 'ECS cluster', 'ECS clusters');
  add('AWS::ElasticLoadBalancingV2::LoadBalancer', 'ALB', 'ALBs');
  add('AWS::ServiceDiscovery::HttpNamespace', 'namespace', 'namespaces');
  add('AWS::ACMPCA::CertificateAuthority', 'private CA', 'private CAs');
  add('AWS::Lambda::Function', 'function', 'functions');
  add('AWS::SecretsManager::Secret', 'secret', 'secrets');
  add('AWS::CloudWatch::Alarm', 'alarm', 'alarms');
  return parts;
}

/** Lines of a node label: the parts two to a line, so boxes stay narrow. */
function lines(head: readonly string[], parts: readonly string[]): string {
  const rows = [...head];
  for (let i = 0; i < parts.length; i += 2) rows.push(parts.slice(i, i + 2).join(' · '));
  return rows.join('\\n');
}

/** The ALB lives in the cluster stack; routes start at that stack's node. */
const ALB = nodeId('cluster.json');

const resources = (template: TemplateJson): string => `${Object.keys(template.Resources).length} resources`;

function serviceLabel(name: string, template: TemplateJson): string {
  const service = Object.values(template.Resources).find((r) => r.Type === 'AWS::ECS::Service');
  const deployment = isJsonObject(service?.Properties?.['DeploymentConfiguration']) ? service?.Properties?.['DeploymentConfiguration'] as JsonObject : {};
  const strategy = String(deployment['Strategy'] ?? 'ROLLING').toLowerCase().replace('_', '/');
  return lines([name, `${isPublic(template) ? 'public' : 'internal'} · ${strategy}`, resources(template)], contents(template));
}

const isPublic = (template: TemplateJson): boolean =>
  Object.values(template.Resources).some((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule');

/**
 * Stacks drawn as a box of their children (services): outputs passed to them end on the box's
 * edge (Graphviz clips an `lhead` edge where it crosses the box), not on a node inside.
 */
const BOXES: Readonly<Record<string, string>> = { 'services.json': 'cluster_services' };

interface Wiring {
  readonly source: string;
  readonly target: string;
  readonly outputs: readonly string[];
}

function wiring(root: DiagramInput, byFile: ReadonlyMap<string, TemplateJson>): Wiring[] {
  const found: Wiring[] = [];
  const children = nestedStacks(root);
  for (const [logicalId, target] of children) {
    if (!byFile.has(target)) continue;
    const bySource = new Map<string, string[]>();
    for (const [source, output] of outputReads(root.template.Resources[logicalId].Properties?.['Parameters'])) {
      const sourceFile = children.get(source);
      if (sourceFile) bySource.set(sourceFile, [...(bySource.get(sourceFile) ?? []), output]);
    }
    for (const [source, outputs] of bySource) found.push({ source, target, outputs });
  }
  return found;
}

function wiringEdges(wires: readonly Wiring[]): string[] {
  return wires.map(({ source, target, outputs }) => {
    // As many names as fit in about 24 characters, then how many more.
    let count = 1;
    while (count < outputs.length && outputs.slice(0, count + 1).join(', ').length <= 24) count += 1;
    const shown = count < outputs.length ? `${outputs.slice(0, count).join(', ')}, +${outputs.length - count}` : outputs.join(', ');
    const box = BOXES[target];
    const head = box ? `${nodeId(target)} [lhead=${box}, ` : `${nodeId(target)} [`;
    return `  ${nodeId(source)} -> ${head}label=${quote(shown)}, color="#8a8a8a", fontcolor="#555555"];`;
  });
}

function trafficEdges(services: readonly DiagramInput[]): string[] {
  const edges: string[] = [];
  const byDiscovery = new Map(services.map((s) => [path.posix.basename(s.file, '.json'), s]));
  const pascal = (name: string) => name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  for (const service of services) {
    const all = Object.values(service.template.Resources);
    for (const rule of all.filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      if (!JSON.stringify(rule.Properties?.['ListenerArn']).includes('ProductionListenerArn')) continue;
      const paths = [...values(rule.Properties?.['Conditions'])].filter((v): v is string => typeof v === 'string' && v.startsWith('/'));
      edges.push(`  ${ALB} -> ${nodeId(service.file)} [label=${quote(`${paths.join(' ')} (priority ${String(rule.Properties?.['Priority'])})`)}, color="#1f6fb2", fontcolor="#1f6fb2", penwidth=1.6];`);
    }
    for (const rule of all.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')) {
      const target = String((rule.Properties?.['GroupId'] as JsonObject)['Ref']).replace(/SecurityGroupId$/, '');
      const callee = [...byDiscovery.keys()].find((name) => pascal(name) === target);
      if (!callee) continue;
      edges.push(`  ${nodeId(service.file)} -> ${nodeId(`services/${callee}.json`)} [label=${quote(`:${String(rule.Properties?.['FromPort'])}`)}, color="#2e7d32", fontcolor="#2e7d32", penwidth=1.4];`);
    }
    const group = all.find((r) => r.Type === 'AWS::EC2::SecurityGroup');
    if (JSON.stringify(group?.Properties?.['SecurityGroupEgress'] ?? []).includes('DatabaseCidr')) {
      edges.push(`  ${nodeId(service.file)} -> database [label="PostgreSQL", color="#8d6e63", fontcolor="#8d6e63", style=dashed];`);
    }
  }
  return edges;
}

/** `{rank=same; a; b}` in order, held left to right by invisible edges. */
function row(indent: string, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const order = ids.length > 1 ? ` ${ids.join(' -> ')} [style=invis];` : '';
  return [`${indent}{ rank=same; ${ids.join('; ')};${order} }`];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function architectureDot(templates: readonly DiagramInput[]): string {
  const byFile = new Map(templates.map((t) => [t.file, t.template]));
  const root = templates[0];
  const topLevel = [...nestedStacks(root).values()].filter((file) => byFile.has(file));
  const foundation = topLevel.filter((file) => file !== 'cluster.json' && !BOXES[file]);
  const services = templates.filter((t) => t.file.startsWith('services/'));
  const servicesParent = byFile.get('services.json');
  const cluster = byFile.get('cluster.json');
  const wires = wiring(root, byFile);
  const publicRows = chunks(services.filter((s) => isPublic(s.template)).map((s) => nodeId(s.file)), SERVICES_PER_ROW);
  const internalRows = chunks(services.filter((s) => !isPublic(s.template)).map((s) => nodeId(s.file)), SERVICES_PER_ROW);

  const out = [
    'digraph tap {',
    `  graph [rankdir=TB, newrank=true, compound=true, remincross=false, fontname=${quote(LAYOUT_FONT)}, fontsize=16, labelloc=t, nodesep=0.25, ranksep=0.5, pad=0.15, label="TAP platform: stacks, wiring and traffic (generated from templates/ by make diagram)\\nblue: internet routes through the ALB · green: Service Connect · brown: PostgreSQL · grey: stack outputs passed on"];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#9e9e9e", fontname=${quote(LAYOUT_FONT)}, fontsize=14, margin="0.14,0.07"];`,
    `  edge [fontname=${quote(LAYOUT_FONT)}, fontsize=12, arrowsize=0.7];`,
    '  internet [label="Internet", shape=ellipse, fillcolor="#e3f2fd"];',
    '  database [label="PostgreSQL\\n(DatabaseHost, outside the stacks)", shape=cylinder, fillcolor="#efebe9"];',
    `  subgraph cluster_root { label=${quote(`root (${root.file}): ${Object.keys(root.template.Resources).length} nested stacks`)}; style="rounded"; color="#bdbdbd";`,
  ];
  for (const file of foundation) {
    out.push(`    ${nodeId(file)} [label=${quote(lines([stackName(file), resources(byFile.get(file) as TemplateJson)], contents(byFile.get(file) as TemplateJson)))}, fillcolor="#f5f5f5"];`);
  }
  out.push(...row('    ', foundation.map(nodeId)));
  if (cluster) {
    out.push(`    ${ALB} [label=${quote(lines(['cluster', resources(cluster)], [...contents(cluster), 'HTTPS :443', 'HTTP :80']))}, fillcolor="#e3f2fd"];`);
  }
  if (servicesParent) {
    out.push(`    subgraph cluster_services { label=${quote(`services (services.json): ${resources(servicesParent)}, one nested stack per service`)}; style="rounded,filled"; fillcolor="#fafafa"; color="#bdbdbd";`);
    out.push(`      ${nodeId('services.json')} [label=${quote(lines(['rotation functions', 'dashboard'], []))}, fillcolor="#f5f5f5"];`);
    for (const service of services) {
      out.push(`      ${nodeId(service.file)} [label=${quote(serviceLabel(path.posix.basename(service.file, '.json'), service.template))}, fillcolor=${isPublic(service.template) ? '"#e3f2fd"' : '"#e8f5e9"'}];`);
    }
    const [firstPublic = [], ...morePublic] = publicRows;
    for (const ids of [[nodeId('services.json'), ...firstPublic], ...morePublic, ...internalRows]) out.push(...row('      ', ids));
    out.push('    }');
  }
  out.push('  }');
  // Rows top to bottom: foundation, cluster, public services, internal services, database.
  const firsts = [foundation.map(nodeId)[0], cluster ? nodeId('cluster.json') : undefined, ...publicRows.map((r) => r[0]), ...internalRows.map((r) => r[0]), 'database']
    .filter((id): id is string => id !== undefined);
  if (servicesParent && publicRows.length === 0) firsts.splice(2, 0, nodeId('services.json'));
  for (let i = 1; i < firsts.length; i += 1) out.push(`  ${firsts[i - 1]} -> ${firsts[i]} [style=invis];`);
  if (cluster) out.push(...row('  ', ['internet', ALB]));
  // No label: on one rank with the ALB, Graphviz would draw it over the Internet node; the legend says it.
  out.push(`  internet -> ${ALB} [color="#1f6fb2", penwidth=1.6];`);
  out.push(...wiringEdges(wires));
  out.push(...trafficEdges(services));
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Graphviz SVG without the version comment (only a template change changes the file), in the reader's font. */
export async function renderArchitectureSvg(dot: string): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz
    .dot(dot)
    .replace(/<!-- Generated by graphviz[^>]*-->\n/, '')
    .replaceAll(`font-family="${LAYOUT_FONT}"`, `font-family="${SVG_FONT_FAMILY}"`);
}

/**
 * README architecture: the committed diagram is generated from the rendered templates, and a
 * person can read it at README width. The SVG is rendered to PNG here (resvg, no browser) with
 * DejaVu Sans from a pinned package, the font the layout is measured in and wider than the
 * Helvetica/Arial a browser picks first, so a label that fits here fits there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { runCli } from '../helpers/cli';
import { platformTemplates, renderCatalog } from '../helpers/platform';
import { architectureDot, renderArchitectureSvg, SERVICES_PER_ROW } from '../../src/diagram/architecture';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { syntheticService } from '../helpers/synthetic-catalog';
import { EXIT } from '../../src/cli/exit-codes';

/** The width GitHub gives a README image on a laptop screen, in CSS pixels. */
const README_WIDTH = 880;
const FONT_DIR = path.join('node_modules', 'dejavu-fonts-ttf', 'ttf');
const RENDER: ResvgRenderOptions = {
  font: { loadSystemFonts: false, fontFiles: [path.join(FONT_DIR, 'DejaVuSans.ttf')], defaultFontFamily: 'DejaVu Sans' },
  background: 'white',
};

interface Box { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number }
interface Shape { readonly id: string; readonly box: Box; readonly texts: string }
interface Edge { readonly tail: string; readonly head: string; readonly tip: readonly [number, number] }
interface Layout {
  readonly svg: string;
  /** viewBox units (points) */
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly Shape[];
  readonly clusters: readonly Shape[];
  readonly edges: readonly Edge[];
}

const unescape = (text: string): string => text.replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
const pairs = (text: string): [number, number][] => [...text.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

function boxOf(points: readonly [number, number][], dx: number, dy: number): Box {
  const xs = points.map((p) => p[0] + dx);
  const ys = points.map((p) => p[1] + dy);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

/** Reads Graphviz's SVG: shapes and arrow tips in viewBox coordinates. */
function layoutOf(svg: string): Layout {
  const [, width, height] = /viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"/.exec(svg) ?? [];
  const transform = /<g id="graph0" class="graph" transform="scale\(1 1\) rotate\(0\) translate\(([\d.]+) ([\d.]+)\)"/.exec(svg);
  assert.ok(transform, 'an unscaled graph transform');
  const [dx, dy] = [Number(transform[1]), Number(transform[2])];
  const groups = (kind: string) => [...svg.matchAll(new RegExp(`<g id="[a-z]+\\d+" class="${kind}">\\n<title>([^<]*)</title>([\\s\\S]*?)</g>`, 'g'))];
  const shapes = (kind: string): Shape[] => groups(kind).flatMap(([, title, body]) => {
    const ellipse = /<ellipse[^>]*cx="([-\d.]+)" cy="([-\d.]+)" rx="([\d.]+)" ry="([\d.]+)"/.exec(body);
    const outline = /<(?:path|polygon)[^>]*(?: d| points)="([^"]+)"/.exec(body);
    const points: [number, number][] = ellipse
      ? [[Number(ellipse[1]) - Number(ellipse[3]), Number(ellipse[2]) - Number(ellipse[4])], [Number(ellipse[1]) + Number(ellipse[3]), Number(ellipse[2]) + Number(ellipse[4])]]
      : pairs(outline?.[1] ?? '');
    if (points.length === 0) return [];
    return [{ id: unescape(title), box: boxOf(points, dx, dy), texts: (body.match(/<text[^>]*>[^<]*<\/text>/g) ?? []).join('\n') }];
  });
  const edges = groups('edge').flatMap(([, title, body]): Edge[] => {
    const line = /<path[^>]* d="([^"]+)"/.exec(body);
    const head = /<polygon[^>]* points="([^"]+)"/.exec(body);
    if (!line || !head) return [];
    const end = pairs(line[1]).at(-1) as [number, number];
    const tip = pairs(head[1]).reduce((far, p) => (Math.hypot(p[0] - end[0], p[1] - end[1]) > Math.hypot(far[0] - end[0], far[1] - end[1]) ? p : far));
    const [tail, to] = unescape(title).split('->');
    return [{ tail, head: to, tip: [tip[0] + dx, tip[1] + dy] }];
  });
  return { svg, width: Number(width), height: Number(height), nodes: shapes('node'), clusters: shapes('cluster'), edges };
}

/** Where the given SVG text elements paint, in viewBox coordinates, drawn alone by resvg. */
function inkOf(layout: Layout, texts: string): Box {
  const head = layout.svg.slice(0, layout.svg.indexOf('<g id="graph0"'));
  const transform = /<g id="graph0" class="graph" transform="([^"]+)"/.exec(layout.svg)?.[1] ?? '';
  const ink = new Resvg(`${head}<g transform="${transform}">${texts}</g></svg>`, RENDER).getBBox();
  assert.ok(ink && ink.width > 0, `nothing painted for ${texts.slice(0, 120)} (is the font missing?)`);
  return { left: ink.x, top: ink.y, right: ink.x + ink.width, bottom: ink.y + ink.height };
}

const inside = (inner: Box, outer: Box, margin = 0): boolean =>
  inner.left >= outer.left + margin && inner.right <= outer.right - margin && inner.top >= outer.top + margin && inner.bottom <= outer.bottom - margin;
const near = ([x, y]: readonly [number, number], box: Box, slack: number): boolean =>
  x >= box.left - slack && x <= box.right + slack && y >= box.top - slack && y <= box.bottom + slack;

let current: Promise<Layout> | undefined;
const committed = (): Promise<Layout> => (current ??= renderArchitectureSvg(architectureDot(platformTemplates())).then(layoutOf));

test('README: docs/architecture.svg matches the templates (make diagram)', async () => {
  const result = await runCli(['diagram', '--check']);
  assert.is(result.code, EXIT.ok, result.stderr);
});

test('README: the diagram shows every stack, the ALB routes, the Service Connect paths and the database', () => {
  const dot = architectureDot(platformTemplates());
  for (const stack of ['"network"', '"registry"', '"mesh"', '"cluster"', '"services/frontend"', '"services/analytics-engine"']) assert.match(dot, stack);
  assert.match(dot, '"cluster" -> "services/api-gateway" [label="/api/* (priority 100)"');
  assert.match(dot, '"services/frontend" -> "services/api-gateway" [label=":8080"');
  assert.match(dot, '"services/analytics-engine" -> "services/data-ingestion"');
  assert.match(dot, '"services/data-ingestion" -> database');
  assert.not.match(dot, '"services/frontend" -> database', 'frontend holds no database secret');
});

test('README: at README width the diagram is at most 2:1 and its smallest text is at least 10 px high', async () => {
  const layout = await committed();
  const png = new Resvg(layout.svg, { ...RENDER, fitTo: { mode: 'width', value: README_WIDTH } }).render();
  fs.mkdirSync('.cache', { recursive: true });
  fs.writeFileSync(path.join('.cache', 'architecture.png'), png.asPng());
  assert.is(png.width, README_WIDTH);
  assert.ok(png.width / png.height <= 2, `aspect ${(png.width / png.height).toFixed(2)}:1`);
  const sizes = [...layout.svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
  const smallest = (Math.min(...sizes) * README_WIDTH) / layout.width;
  assert.ok(smallest >= 10, `smallest text ${smallest.toFixed(1)} px at ${README_WIDTH} px wide`);
});

test('README: every node label fits inside its box, and every box title inside its box, in the widest font', async () => {
  const layout = await committed();
  assert.ok(layout.nodes.length >= 10, `${layout.nodes.length} nodes`);
  for (const node of layout.nodes.filter((n) => n.texts)) {
    const ink = inkOf(layout, node.texts);
    // Rounded corners and the cylinder's top: keep 2 points clear of the outline.
    assert.ok(inside(ink, node.box, 2), `${node.id}: label ${JSON.stringify(ink)} overflows its box ${JSON.stringify(node.box)}`);
  }
  for (const cluster of layout.clusters) {
    assert.ok(inside(inkOf(layout, cluster.texts), cluster.box, 2), `${cluster.id}: title overflows its box`);
  }
});

test('README: stack-output edges end at the stack that receives them; no edge ends inside another node', async () => {
  const layout = await committed();
  const node = (id: string) => layout.nodes.find((n) => n.id === id);
  const services = layout.clusters.find((c) => c.id === 'cluster_services');
  assert.ok(services);
  const wiring = layout.edges.filter((e) => ['network', 'registry', 'mesh', 'cluster'].includes(e.tail) && !e.head.startsWith('services/'));
  assert.equal(wiring.map((e) => `${e.tail}->${e.head}`).sort(), [
    'cluster->services', 'mesh->cluster', 'mesh->services', 'network->cluster', 'network->services',
  ]);
  for (const edge of wiring) {
    if (edge.head === 'services') {
      // On the services box's top edge: the services stack passes them on to every service.
      assert.ok(Math.abs(edge.tip[1] - services.box.top) <= 3 && edge.tip[0] > services.box.left && edge.tip[0] < services.box.right,
        `${edge.tail} -> services ends at ${edge.tip.join(',')}, not on the services box top ${JSON.stringify(services.box)}`);
    } else {
      const target = node(edge.head);
      assert.ok(target && near(edge.tip, target.box, 3), `${edge.tail} -> ${edge.head} ends at ${edge.tip.join(',')}, away from ${edge.head}`);
    }
  }
  for (const edge of layout.edges) {
    // Edges into the services box end on the box (checked above), not on the node that anchors them.
    const target = edge.head === 'services' ? undefined : node(edge.head);
    if (target) assert.ok(near(edge.tip, target.box, 3), `${edge.tail} -> ${edge.head} ends away from ${edge.head}`);
    for (const other of layout.nodes.filter((n) => n.id !== edge.head)) {
      assert.not.ok(inside({ left: edge.tip[0], right: edge.tip[0], top: edge.tip[1], bottom: edge.tip[1] }, other.box, 1), `${edge.tail} -> ${edge.head} ends inside ${other.id}`);
    }
  }
});

/** Rows (by vertical centre) and left-to-right order of the service boxes. */
function serviceRows(layout: Layout): string[][] {
  const rows = new Map<number, { id: string; x: number }[]>();
  for (const node of layout.nodes.filter((n) => n.id.startsWith('services/'))) {
    const y = Math.round((node.box.top + node.box.bottom) / 2);
    const key = [...rows.keys()].find((k) => Math.abs(k - y) < 10) ?? y;
    rows.set(key, [...(rows.get(key) ?? []), { id: node.id, x: node.box.left }]);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row.sort((a, b) => a.x - b.x).map((n) => n.id.slice('services/'.length)));
}

test('README: one row per layer in catalog order; a new service joins its row and moves no other service', async () => {
  assert.equal(serviceRows(await committed()), [['frontend', 'api-gateway'], ['data-ingestion', 'analytics-engine']]);
  const fifth = { ...syntheticService(4, 'analytics-engine'), name: 'risk-reports' };
  const grown = layoutOf(await renderArchitectureSvg(architectureDot(renderCatalog([...SERVICE_CATALOG, fifth]))));
  assert.equal(serviceRows(grown), [['frontend', 'api-gateway'], ['data-ingestion', 'analytics-engine', 'risk-reports']]);
  const many = [...SERVICE_CATALOG, ...[5, 6, 7, 8, 9].map((i) => ({ ...syntheticService(i, 'data-ingestion'), name: `worker-${i}` }))];
  const rows = serviceRows(layoutOf(await renderArchitectureSvg(architectureDot(renderCatalog(many)))));
  assert.ok(rows.every((row) => row.length <= SERVICES_PER_ROW), JSON.stringify(rows));
  assert.equal(rows.flat().filter((name) => !name.startsWith('worker-') || name === 'worker-5'), ['frontend', 'api-gateway', 'worker-5', 'data-ingestion', 'analytics-engine']);
});

test.run();

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The folder-level import graph of the project's own code: which folder imports which (counting
 * the imports), and the rules the layout keeps (docs/architecture.md). `npm run import-graph`
 * prints it and exits 1 when a rule is broken; test/unit/import-graph.test.ts runs the same check.
 */

const ROOT = resolve(__dirname, '..');
const SOURCES = ['bin', 'lib', 'functions', 'scripts', 'bench'];

/** The folder a file belongs to, at the granularity the rules speak of. */
export function folderOf(file: string): string {
  const parts = relative(ROOT, file).split('/');
  return parts[0] === 'functions' && parts.length >= 2 ? `functions/${parts[1]!.replace(/\.ts$/, '')}` : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"`](\.{1,2}\/[^'"`$]*)['"`]/g;

/** Edges "from -> to" with the number of import statements behind each. */
export function importGraph(): Map<string, number> {
  const edges = new Map<string, number>();
  for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const from = folderOf(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(resolve(dirname(file), match[1]!));
      if (to !== from) edges.set(`${from} -> ${to}`, (edges.get(`${from} -> ${to}`) ?? 0) + 1);
    }
  }
  return edges;
}

/** Every folder a Lambda bundles from (all of functions/ but the local runtime). */
const LAMBDA = ['functions/domain', 'functions/ports', 'functions/app', 'functions/adapters', 'functions/config', 'functions/handlers', 'functions/views', 'functions/templates'];

/** The layout's rules, each as the edges it forbids; returns the broken ones. */
export function brokenRules(edges: Map<string, number>): string[] {
  const has = (from: string, to: string) => edges.has(`${from} -> ${to}`);
  const targets = (from: string) => [...edges.keys()].filter((edge) => edge.startsWith(`${from} -> `)).map((edge) => edge.split(' -> ')[1]!);
  const broken: string[] = [];
  for (const edge of edges.keys()) {
    const [from, to] = edge.split(' -> ') as [string, string];
    if (from < to && has(to, from)) broken.push(`${from} and ${to} import each other`);
  }
  for (const to of targets('functions/domain')) broken.push(`functions/domain imports ${to}: the domain imports nothing outside itself`);
  for (const to of targets('functions/app').filter((t) => !['functions/domain', 'functions/ports'].includes(t))) {
    broken.push(`functions/app imports ${to}: use cases know only the domain and the ports`);
  }
  for (const from of LAMBDA) if (has(from, 'functions/local')) broken.push(`${from} imports functions/local: Lambda code never imports the local runtime`);
  return broken;
}

if (require.main === module) {
  const edges = importGraph();
  for (const [edge, count] of [...edges.entries()].sort()) console.log(`${edge}  (${count})`);
  const broken = brokenRules(edges);
  for (const rule of broken) console.error(`broken: ${rule}`);
  console.log(broken.length === 0 ? 'no folder imports another that imports it back; the layer rules hold' : `${broken.length} rule(s) broken`);
  process.exit(broken.length === 0 ? 0 : 1);
}

// `node dist/bench/heap-compare.js A.heapsnapshot B.heapsnapshot [...]`: the self size and count
// of every constructor (V8's node type and name) in each snapshot, those that grew most from the
// first to the last on top. For the snapshots of `npm run soak -- --days N --heap-snapshots DIR`:
// the question is what grows with simulated time, and a table by constructor answers most of it
// without an inspector (none runs headless here).
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type Table = Map<string, { count: number; size: number }>;

/** Self size and count by "type name" (strings and numbers by type alone). */
export function sizesByConstructor(s: Snapshot): Table {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const t = types[s.nodes[i + type]];
    const named = !['string', 'concatenated string', 'sliced string', 'number', 'heap number'].includes(t);
    const key = named ? `${t} ${s.strings[s.nodes[i + name]].slice(0, 50)}` : t;
    const row = out.get(key) ?? { count: 0, size: 0 };
    row.count += 1;
    row.size += s.nodes[i + size];
    out.set(key, row);
  }
  return out;
}

/**
 * The hash tables of every Map, Set and WeakMap by what holds them ("PriceMemory.keys", a closure's
 * variable): V8 shows a table as an anonymous array, so the first table only says "array" grew.
 */
export function collectionsByHolder(s: Snapshot): Table {
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const [type, name, size, edgeCount] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [edgeType, edgeName, toNode] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const isObject = (n: number): boolean => s.snapshot.meta.node_types[0][s.nodes[n + type]] === 'object';
  const firstEdge: number[] = [];
  for (let n = 0, e = 0; n < s.nodes.length; n += nf.length) {
    firstEdge.push(e);
    e += s.nodes[n + edgeCount] * ef.length;
  }
  const edgesOf = function* (n: number): Generator<{ kind: string; label: string; to: number }> {
    const from = firstEdge[n / nf.length];
    for (let e = from; e < from + s.nodes[n + edgeCount] * ef.length; e += ef.length) {
      const kind = edgeTypes[s.edges[e + edgeType]];
      const label = kind === 'element' || kind === 'hidden' ? '' : s.strings[s.edges[e + edgeName]];
      yield { kind, label, to: s.edges[e + toNode] };
    }
  };
  const out: Table = new Map();
  for (let n = 0; n < s.nodes.length; n += nf.length) {
    for (const edge of edgesOf(n)) {
      if ((edge.kind !== 'property' && edge.kind !== 'context') || !isObject(edge.to)) continue;
      if (!['Map', 'Set', 'WeakMap'].includes(s.strings[s.nodes[edge.to + name]])) continue;
      for (const inner of edgesOf(edge.to)) {
        if (inner.kind !== 'internal' || inner.label !== 'table') continue;
        const key = `${s.strings[s.nodes[n + name]].slice(0, 40)}.${edge.label}`;
        const row = out.get(key) ?? { count: 0, size: 0 };
        row.count += 1;
        row.size += s.nodes[inner.to + size];
        out.set(key, row);
      }
    }
  }
  return out;
}

function table(title: string, files: string[], tables: Table[], rows: number): string[] {
  const keys = new Set(tables.flatMap((t) => [...t.keys()]));
  const growth = (k: string): number => (tables[tables.length - 1].get(k)?.size ?? 0) - (tables[0].get(k)?.size ?? 0);
  const kb = (n: number): string => (n / 1024).toFixed(1);
  const total = tables.map((t) => [...t.values()].reduce((a, r) => a + r.size, 0));
  const lines = [`| ${title} | ${files.join(' | ')} |`, `|---|${files.map(() => '---:').join('|')}|`];
  lines.push(`| all (KiB) | ${total.map(kb).join(' | ')} |`);
  for (const k of [...keys].sort((a, b) => growth(b) - growth(a)).slice(0, rows)) {
    lines.push(`| ${k} | ${tables.map((t) => `${t.get(k)?.count ?? 0} / ${kb(t.get(k)?.size ?? 0)} KiB`).join(' | ')} |`);
  }
  return lines;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length < 2) throw new Error('usage: heap-compare A.heapsnapshot B.heapsnapshot [...]');
  const snapshots = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Snapshot);
  const lines = [
    ...table('constructor (count / self size)', files, snapshots.map(sizesByConstructor), 30),
    '',
    ...table('Map/Set table held by (count / size)', files, snapshots.map(collectionsByHolder), 15),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

import fs from 'fs';
import path from 'path';

/**
 * The services reach each other through `getService(strapi, name)`, a lookup the type checker does
 * not see as a dependency. This reads those lookups from the sources and keeps the graph acyclic, so
 * "who calls whom" always has a top (the runner) and a bottom (the queue).
 */
const SERVICES = path.join(__dirname, '../../server/src/services');

const serviceFiles = (): Record<string, string> => {
  const index = fs.readFileSync(path.join(SERVICES, 'index.ts'), 'utf8');
  const files: Record<string, string> = {};
  const imports = new Map<string, string>();
  for (const [, local, file] of index.matchAll(/^import (\w+) from '\.\/([\w/-]+)';$/gm)) imports.set(local, file);
  const body = index.slice(index.indexOf('export default {'));
  for (const [, quoted, bare, local] of body.matchAll(/^\s+(?:'([\w-]+)'|(\w+)): (\w+),$/gm)) files[quoted ?? bare] = imports.get(local)!;
  for (const line of body.matchAll(/^\s+(\w+),$/gm)) files[line[1]] = imports.get(line[1])!;
  return files;
};

const dependencies = () => {
  const graph: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(serviceFiles())) {
    const source = fs.readFileSync(path.join(SERVICES, `${file}.ts`), 'utf8');
    graph[name] = [...new Set([...source.matchAll(/getService\(strapi, '([\w-]+)'\)/g)].map((match) => match[1]))].filter((dep) => dep !== name);
  }
  return graph;
};

describe('service dependencies', () => {
  it('finds every registered service and what it looks up', () => {
    const graph = dependencies();
    expect(Object.keys(graph).sort()).toEqual(
      ['actions', 'chunks', 'content-types', 'executor', 'forms', 'jobs', 'outputs', 'permissions', 'run-access', 'runner', 'runs', 'schedule', 'selection', 'settings', 'signals', 'undo', 'uploads', 'worker'].sort()
    );
    expect(graph.runner).toEqual(expect.arrayContaining(['executor', 'selection', 'runs']));
    for (const deps of Object.values(graph)) for (const dep of deps) expect(Object.keys(graph)).toContain(dep);
  });

  it('has no cycles', () => {
    const graph = dependencies();
    const cycles: string[] = [];
    const walk = (name: string, trail: string[]) => {
      if (trail.includes(name)) return cycles.push([...trail.slice(trail.indexOf(name)), name].join(' -> '));
      for (const dep of graph[name] ?? []) walk(dep, [...trail, name]);
    };
    for (const name of Object.keys(graph)) walk(name, []);
    expect(cycles).toEqual([]);
  });
});

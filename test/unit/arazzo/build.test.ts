import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import { prepareDocument } from '../../../lib/arazzo/prepare.ts';
import { buildWorkflows, serializeCompiled } from '../../../tools/arazzo/build-time.ts';

const ROOT = new URL('../../../', import.meta.url);

const OPENAPI =
  'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /items:\n    get: { operationId: listItems }\n';
const DOCUMENT = [
  'arazzo: 1.0.1',
  'info: { title: t, version: "1" }',
  'sourceDescriptions: [ { name: api, url: ./api.openapi.yaml, type: openapi } ]',
  'workflows:',
  '  - workflowId: wf',
  '    steps:',
  '      - stepId: list',
  '        operationId: listItems',
  '        successCriteria: [ { condition: $statusCode == 200 } ]',
  '',
].join('\n');

describe('buildWorkflows', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arazzo-build-'));
    await writeFile(join(dir, 'api.openapi.yaml'), OPENAPI);
    await writeFile(join(dir, 'demo.arazzo.yaml'), DOCUMENT);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a deterministic compiled JSON next to each document, then reports it unchanged', async () => {
    // Prepare
    const first = await buildWorkflows({ dir });
    const text = await readFile(join(dir, 'demo.compiled.json'), 'utf8');
    // Act
    const second = await buildWorkflows({ dir });
    // Assess
    expect(first.map((entry) => entry.status)).toEqual(['written']);
    expect(second.map((entry) => entry.status)).toEqual(['unchanged']);
    expect(text).toBe(serializeCompiled(JSON.parse(text) as CompiledDocument));
    expect(() => prepareDocument(JSON.parse(text) as CompiledDocument)).not.toThrow();
  });

  it('reports a stale compiled JSON in check mode without writing it', async () => {
    // Prepare
    await writeFile(join(dir, 'demo.compiled.json'), '{}\n');
    // Act
    const entries = await buildWorkflows({ dir, check: true });
    // Assess
    expect(entries.map((entry) => entry.status)).toEqual(['stale']);
    expect(await readFile(join(dir, 'demo.compiled.json'), 'utf8')).toBe('{}\n');
  });

  it('reports an invalid document with its issues', async () => {
    // Prepare
    await writeFile(join(dir, 'demo.arazzo.yaml'), DOCUMENT.replace('listItems', 'nope'));
    // Act
    const entries = await buildWorkflows({ dir });
    // Assess
    expect(entries[0]?.status).toBe('invalid');
    expect(entries[0]?.issues).toEqual([
      '/workflows/0/steps/0/operationId: operationId "nope" is not in the source description',
    ]);
  });

  it('treats a missing directory as an empty set', async () => {
    // Prepare
    const missing = join(dir, 'absent');
    // Act
    const entries = await buildWorkflows({ dir: missing });
    // Assess
    expect(entries).toEqual([]);
  });

  it('finds every committed workflow document valid and its compiled JSON current', async () => {
    // Prepare
    const workflows = new URL('lib/workflows/', ROOT).pathname;
    // Act
    const entries = await buildWorkflows({ dir: workflows, check: true });
    // Assess
    expect(entries.filter((entry) => entry.status !== 'current')).toEqual([]);
  });
});

describe('the runtime module graph', () => {
  const importsOf = async (file: URL): Promise<string[]> => {
    const text = await readFile(file, 'utf8');
    return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map(
      (match) => match[1] ?? '',
    );
  };

  it('never reaches yaml, ajv or the build-time modules from lib/arazzo/index.ts (only the dependency-free JSONPath)', async () => {
    // Prepare
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [new URL('lib/arazzo/index.ts', ROOT)];
    // Act
    while (queue.length > 0 && seen.size < 200) {
      const file = queue.shift() as URL;
      if (seen.has(file.href)) continue;
      seen.add(file.href);
      for (const specifier of await importsOf(file)) {
        if (specifier.startsWith('.')) queue.push(new URL(specifier, file));
        else packages.add(specifier);
      }
    }
    // Assess
    const files = [...seen].map((href) => href.slice(ROOT.href.length));
    expect(files).toContain('lib/arazzo/runner.ts');
    expect([...packages].filter((name) => !name.startsWith('node:')).sort()).toEqual([
      'jsonpath-rfc9535',
      'jsonpath-rfc9535/parser',
    ]);
    expect(files.filter((file) => file.startsWith('tools/'))).toEqual([]);
  });
});

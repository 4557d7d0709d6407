import { describe, expect, it } from 'vitest';
import type {
  CompiledDocument,
  CompiledOperation,
} from '../../../../lib/arazzo/compiled-document.ts';
import { amberfloSourcesOf, keyRoutesOf } from '../../../../tools/arazzo/commands/key-routes.ts';

type SourceSpec = {
  readonly servers: readonly string[];
  /** One operation per entry: its own servers, or none (the source's). */
  readonly operations?: readonly (readonly string[] | undefined)[];
};

const documentOf = (sources: Record<string, SourceSpec>): CompiledDocument => {
  const operations: Record<string, CompiledOperation> = {};
  for (const [name, spec] of Object.entries(sources)) {
    (spec.operations ?? [undefined]).forEach((servers, index) => {
      operations[`${name}.op${index}`] = {
        source: name,
        method: 'GET',
        path: `/op${index}`,
        ...(servers === undefined ? {} : { servers }),
      };
    });
  }
  return {
    format: 'arazzo-compiled/4',
    arazzo: '1.0.1',
    info: { title: 't', version: '1' },
    sources: Object.entries(sources).map(([name, spec]) => ({
      name,
      type: 'openapi' as const,
      url: `./${name}.yaml`,
      servers: spec.servers,
    })),
    operations,
    workflows: [],
  };
};

/** The routes as plain data: origins by source, sorted. */
const plain = (routes: ReturnType<typeof keyRoutesOf>) =>
  Object.fromEntries([...routes].map(([source, origins]) => [source, [...origins].sort()]));

describe('amberfloSourcesOf: which sources are Amberflo’s', () => {
  it('picks sources declaring an https amberflo.io host (or a subdomain), never a look-alike, plus the named ones', () => {
    // Prepare
    const document = documentOf({
      app: { servers: ['https://app.amberflo.io'] },
      apex: { servers: ['https://other.example', 'https://amberflo.io/v1'] },
      cleartext: { servers: ['http://app.amberflo.io'] },
      suffix: { servers: ['https://amberflo.io.evil.example'] },
      prefix: { servers: ['https://notamberflo.io'] },
      relative: { servers: ['/amberflo.io'] },
      named: { servers: ['https://partner.example'] },
    });
    // Act
    const sources = amberfloSourcesOf(document, ['named']);
    // Assess
    expect([...sources].sort()).toEqual(['apex', 'app', 'named']);
  });

  it('refuses a name the document does not have', () => {
    // Act & Assess
    expect(() => amberfloSourcesOf(documentOf({ a: { servers: [] } }), ['b'])).toThrow(
      expect.objectContaining({
        name: 'ArazzoDocumentError',
        message: '--api-key-source name unknown sources: b',
        issues: ['--api-key-source b: the document has no source description "b" (it has: a)'],
      }),
    );
  });
});

describe('keyRoutesOf: the resolved servers that get the key', () => {
  it('keys only a resolved https amberflo.io server, never another server the source declares first', () => {
    // Prepare
    const document = documentOf({
      first: { servers: ['http://127.0.0.1:9', 'https://app.amberflo.io'] },
      second: { servers: ['https://api.amberflo.io/v1', 'http://127.0.0.1:9'] },
    });
    // Act
    const routes = keyRoutesOf(document, { bySource: {} }, []);
    // Assess
    expect(plain(routes)).toEqual({ second: ['https://api.amberflo.io'] });
  });

  it("keys an Amberflo source's own amberflo.io operations, never an operation whose own server is elsewhere", () => {
    // Prepare
    const document = documentOf({
      billing: {
        servers: ['https://app.amberflo.io'],
        operations: [undefined, ['http://127.0.0.1:9/x']],
      },
    });
    // Act
    const routes = keyRoutesOf(document, { bySource: {} }, []);
    // Assess
    expect(plain(routes)).toEqual({ billing: ['https://app.amberflo.io'] });
  });

  it('keys the server the operator chose for an Amberflo source, named or bare, but a bare one for no other API', () => {
    // Prepare
    const document = documentOf({
      billing: { servers: ['https://app.amberflo.io'] },
      catalog: { servers: ['https://catalog.example'] },
    });
    // Act
    const named = keyRoutesOf(
      document,
      { bySource: { billing: 'http://127.0.0.1:7', catalog: 'http://127.0.0.1:8' } },
      [],
    );
    const bare = keyRoutesOf(document, { bySource: {}, fallback: 'http://127.0.0.1:7/p' }, []);
    // Assess
    expect(plain(named)).toEqual({ billing: ['http://127.0.0.1:7'] });
    expect(plain(bare)).toEqual({ billing: ['http://127.0.0.1:7'] });
  });

  it('keys every resolved server of a source named with --api-key-source', () => {
    // Prepare
    const document = documentOf({
      catalog: {
        servers: ['https://catalog.example'],
        operations: [undefined, ['http://127.0.0.1:9']],
      },
    });
    // Act
    const routes = keyRoutesOf(document, { bySource: {} }, ['catalog']);
    // Assess
    expect(plain(routes)).toEqual({ catalog: ['http://127.0.0.1:9', 'https://catalog.example'] });
  });

  it('refuses a --server for an unknown source with the runner’s own check', () => {
    // Prepare
    const document = documentOf({ pets: { servers: ['https://pets.example'] } });
    // Act & Assess
    expect(() => keyRoutesOf(document, { bySource: { vets: 'http://127.0.0.1:9' } }, [])).toThrow(
      expect.objectContaining({
        name: 'ArazzoDocumentError',
        issues: [
          'servers.vets (--server vets=<url>): the document has no source description "vets" (it has: pets)',
        ],
      }),
    );
  });
});

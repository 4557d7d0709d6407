import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The package name of a node_modules input path (`node_modules/@scope/name/…` or `node_modules/name/…`). */
const packageOf = (input: string): string | undefined => {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
};

describe('layout: handlers/ + lib/ are exactly what ships to Lambda', () => {
  let inputs: string[] = [];
  let devOnly: string[] = [];

  beforeAll(async () => {
    const result = await build({
      entryPoints: ['handlers/provision-account.ts'],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
    inputs = Object.keys(result.metafile.inputs);
    const manifest = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    devOnly = Object.keys(manifest.devDependencies);
  });

  it('bundles only handlers/, lib/ and runtime packages', () => {
    // Assess
    const ours = inputs.filter((input) => !input.includes('node_modules/'));
    expect(ours.filter((input) => !/^(handlers|lib)\//.test(input))).toEqual([]);
    const packages = new Set(inputs.map(packageOf).filter((name) => name !== undefined));
    expect([...packages].filter((name) => devOnly.includes(name))).toEqual([]);
    expect(packages).toContain('@aws-lambda-powertools/batch');
  });

  it('holds nothing in lib/ that the Lambda does not run', async () => {
    // Prepare
    const tracked = execFileSync('git', ['ls-files', 'lib', 'handlers'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    const bundled = new Set(inputs);
    // Act: the workflow's YAML sources are compiled into the JSON the bundle carries, and a module of types only
    // is erased by the bundler (nothing of it runs, yet the runtime's code is written against it).
    const notShipped: string[] = [];
    for (const file of tracked) {
      if (bundled.has(file) || /^lib\/workflows\/.*\.ya?ml$/.test(file)) continue;
      const source = await readFile(`${ROOT}${file}`, 'utf8');
      const { code } = await transform(source, { loader: 'ts', format: 'esm' });
      if (code.replace(/export\s*\{\s*\};?/g, '').trim() !== '') notShipped.push(file);
    }
    // Assess
    expect(notShipped).toEqual([]);
  });
});

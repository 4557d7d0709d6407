/**
 * The deployed bundle: built with serverless.yml's own esbuild options, its size, and the CPU time of importing it
 * in a fresh Node process against a bundle that imports only the same AWS SDK packages. The ratio is our own
 * cold-start cost seen apart from the SDK's (goal ≤ 1.15×).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';
import { median } from './workflow-overhead.ts';

export type BundleFigures = {
  readonly bytes: number;
  readonly sourceMap: boolean;
  /** The external AWS SDK packages the bundle imports; the baseline imports exactly these. */
  readonly sdkPackages: readonly string[];
  readonly runs: number;
  readonly handlerCpuMs: number;
  /** Wall-clock time of the same imports (median): what a cold start waits for, SDK included. */
  readonly handlerWallMs: number;
  readonly sdkOnlyCpuMs: number;
  readonly ratio: number;
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type DeclaredEsbuild = Omit<BuildOptions, 'external'> & { readonly exclude?: readonly string[] };

/** serverless.yml's `custom.esbuild`, as esbuild options (`exclude` is serverless-esbuild's name for externals). */
const declaredOptions = async (): Promise<BuildOptions> => {
  const manifest = parse(await readFile(join(ROOT, 'serverless.yml'), 'utf8'), {
    customTags: [{ tag: '!Ref', resolve: (value: string) => value }],
    logLevel: 'silent',
  }) as { custom: { esbuild: DeclaredEsbuild & { outputFileExtension?: string } } };
  const { exclude, outputFileExtension: _extension, ...options } = manifest.custom.esbuild;
  return { ...options, external: [...(exclude ?? [])], logLevel: 'silent', metafile: true };
};

/** CPU time (user + system) and wall time, in ms, of one `import()` of `file` in a fresh process. */
const importCost = (file: string, env: NodeJS.ProcessEnv): { cpuMs: number; wallMs: number } => {
  const script = `const before = process.cpuUsage();
    const started = performance.now();
    await import(${JSON.stringify(pathToFileURL(file).href)});
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(before);
    process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env,
      cwd: ROOT,
    }),
  ) as { cpuMs: number; wallMs: number };
};

const ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AMBERFLO_API_KEY_PARAMETER: '/bench/amberflo-api-key',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/000000000000/bench-dlq',
  IDEMPOTENCY_TABLE_NAME: 'bench-idempotency',
};

/** Builds both bundles, then alternates fresh-process imports of each `runs` times (medians). */
export const runBundleBenchmark = async ({ runs = 9 } = {}): Promise<BundleFigures> => {
  // Inside the project, so both bundles resolve the AWS SDK (left to the Lambda runtime) from node_modules.
  await mkdir(join(ROOT, '.esbuild'), { recursive: true });
  const directory = await mkdtemp(join(ROOT, '.esbuild', 'bench-bundle-'));
  try {
    const options = await declaredOptions();
    const handler = join(directory, 'provision-account.mjs');
    const built = await build({
      ...options,
      entryPoints: [join(ROOT, 'handlers/provision-account.ts')],
      outfile: handler,
    });
    const sdkPackages = [
      ...new Set(
        Object.values(built.metafile?.outputs ?? {})
          .flatMap((output) => output.imports)
          .filter((entry) => entry.external && entry.path.startsWith('@aws-sdk/'))
          .map((entry) => entry.path),
      ),
    ].sort();
    const sdkEntry = join(directory, 'sdk-only.ts');
    await writeFile(sdkEntry, sdkPackages.map((name) => `import '${name}';\n`).join(''));
    const sdkOnly = join(directory, 'sdk-only.mjs');
    await build({ ...options, entryPoints: [sdkEntry], outfile: sdkOnly });
    const handlerSamples: { cpuMs: number; wallMs: number }[] = [];
    const sdkSamples: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      sdkSamples.push(importCost(sdkOnly, ENV).cpuMs);
      handlerSamples.push(importCost(handler, ENV));
    }
    const handlerCpuMs = median(handlerSamples.map((sample) => sample.cpuMs));
    const sdkOnlyCpuMs = median(sdkSamples);
    return {
      bytes: (await stat(handler)).size,
      sourceMap: await stat(`${handler}.map`).then(
        () => true,
        () => false,
      ),
      sdkPackages,
      runs,
      handlerCpuMs,
      handlerWallMs: median(handlerSamples.map((sample) => sample.wallMs)),
      sdkOnlyCpuMs,
      ratio: handlerCpuMs / sdkOnlyCpuMs,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

if (import.meta.main) {
  console.log(JSON.stringify(await runBundleBenchmark(), null, 2));
}

/**
 * Interpreter overhead: provision-account run through the Arazzo engine versus the same four requests written by
 * hand with the shared ky instance, against the emulator at 0 ms latency. Also the import + prepare time of the
 * engine in a fresh process, and Amberflo calls per run (fresh account, rerun).
 * Run alone: `npx node bench/workflow-overhead.ts [runs]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createWorkflowFailureClassifier } from '../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../lib/amberflo/http.ts';
import { createWorkflowRunner } from '../lib/arazzo/runner.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
  toProvisionAccountInputs,
} from '../lib/workflows/provision-account.ts';
import { startAmberfloEmulator } from '../tools/amberflo-emulator/server.ts';

export type WorkflowOverheadFigures = {
  readonly runs: number;
  readonly interpreterMedianMs: number;
  readonly handWrittenMedianMs: number;
  readonly ratio: number;
  readonly importAndPrepareMs: number;
  readonly engineBundleBytes: number;
  readonly freshCalls: { readonly reads: number; readonly writes: number };
  readonly rerunCalls: { readonly reads: number; readonly writes: number };
};

/** Median of a non-empty sample. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Import + prepare of the compiled engine as Lambda loads it: an esbuild ESM bundle of the runner and the compiled
 * provision-account document, imported in a fresh Node process (median of 5).
 */
const measureImport = async (): Promise<{ ms: number; bytes: number }> => {
  const directory = await mkdtemp(join(tmpdir(), 'engine-bench-'));
  try {
    const entry = join(directory, 'entry.ts');
    const root = fileURLToPath(new URL('..', import.meta.url));
    await writeFile(
      entry,
      `import { createWorkflowRunner } from ${JSON.stringify(`${root}lib/arazzo/runner.ts`)};
       import { loadProvisionAccountWorkflow } from ${JSON.stringify(`${root}lib/workflows/provision-account.ts`)};
       createWorkflowRunner(loadProvisionAccountWorkflow(), { baseUrl: 'http://127.0.0.1:1',
         send: async () => { throw new Error('unused'); }, classify: () => ({ code: 'UNEXPECTED', message: '' }) });`,
    );
    const outfile = join(directory, 'engine.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      minify: true,
      outfile,
      logLevel: 'silent',
    });
    const script = `const start = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - start));`;
    const samples = Array.from({ length: 5 }, () =>
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
      ),
    );
    return { ms: median(samples), bytes: (await stat(outfile)).size };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

export const runWorkflowOverheadBenchmark = async ({
  runs = 300,
} = {}): Promise<WorkflowOverheadFigures> => {
  const emulator = await startAmberfloEmulator({
    port: 0,
    apiKey: 'bench-key',
    defaultPlanId: 'default-plan',
  });
  try {
    const http = createAmberfloHttp({
      baseUrl: emulator.url,
      getApiKey: () => emulator.apiKey,
      timeoutMs: 5_000,
    });
    const runner = createWorkflowRunner(loadProvisionAccountWorkflow(), {
      baseUrl: http.baseUrl,
      send: http.send,
      classify: createWorkflowFailureClassifier(http.knownSecrets),
      secrets: http.knownSecrets,
    });
    const viaInterpreter = async (customerId: string) => {
      const result = await runner.run(
        PROVISION_ACCOUNT_WORKFLOW_ID,
        toProvisionAccountInputs(
          { customerId, customerName: 'Bench', productId: 'plan-pro' },
          { amberfloProductId: '1', replaceablePlanIds: ['default-plan'] },
        ),
        { deadline: Date.now() + 10_000 },
      );
      if (result.status === 'failed' || result.endAction?.name === 'planConflict')
        throw new Error(
          `run did not provision: ${JSON.stringify(result.failure ?? result.endAction)}`,
        );
    };
    // The same decisions the workflow makes, written by hand: read, create if absent, read plan, replace the Default
    // Plan (no response-schema checks: the interpreter's extra work is part of what is measured).
    const byHand = async (customerId: string) => {
      const found = (await http.ky.get('customers', { searchParams: { customerId } }).json()) as {
        customerId?: string;
      };
      if (!found.customerId) {
        await http.ky.post('customers', { json: { customerId, customerName: 'Bench' } }).json();
      }
      const planText = await http.ky
        .get('payments/pricing/amberflo/customer-pricing', {
          searchParams: { CustomerId: customerId },
        })
        .text();
      const plan = (planText ? JSON.parse(planText) : {}) as { productPlanId?: string };
      if (plan.productPlanId === 'default-plan') {
        await http.ky
          .post('payments/pricing/amberflo/customer-pricing/product-plan-cancellation', {
            json: { customerId, newProductPlanId: 'plan-pro' },
          })
          .json();
      }
    };

    for (let i = 0; i < 20; i++) {
      await viaInterpreter(`warm-i-${i}`);
      await byHand(`warm-h-${i}`);
    }
    const interpreterMs: number[] = [];
    const handMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 50 === 0) emulator.reset();
      let start = performance.now();
      await viaInterpreter(`bench-i-${i}`);
      interpreterMs.push(performance.now() - start);
      start = performance.now();
      await byHand(`bench-h-${i}`);
      handMs.push(performance.now() - start);
    }

    const count = () => {
      const log = emulator.requestLog();
      return {
        reads: log.filter((entry) => entry.method === 'GET').length,
        writes: log.filter((entry) => entry.method === 'POST').length,
      };
    };
    emulator.reset();
    await viaInterpreter('calls-fresh');
    const freshCalls = count();
    emulator.clearRequestLog();
    await viaInterpreter('calls-fresh');
    const rerunCalls = count();

    const engine = await measureImport();
    const interpreterMedianMs = median(interpreterMs);
    const handWrittenMedianMs = median(handMs);
    return {
      runs,
      interpreterMedianMs,
      handWrittenMedianMs,
      ratio: interpreterMedianMs / handWrittenMedianMs,
      importAndPrepareMs: engine.ms,
      engineBundleBytes: engine.bytes,
      freshCalls,
      rerunCalls,
    };
  } finally {
    await emulator.stop();
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await runWorkflowOverheadBenchmark({ runs: Number(process.argv[2] ?? 300) });
  console.log(JSON.stringify(figures, null, 2));
}

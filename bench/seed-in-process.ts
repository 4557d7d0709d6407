/**
 * Our interpreter on the seed workflow inside one warm process: a prepared runner (compiled and prepared once, as
 * the Lambda does), and a fresh compile + prepare + run every time (what a one-off run costs without a build).
 */
import { createWorkflowFailureClassifier } from '../lib/amberflo/classify.ts';
import { createAmberfloHttp } from '../lib/amberflo/http.ts';
import type { CompiledDocument } from '../lib/arazzo/compiled-document.ts';
import { createWorkflowRunner } from '../lib/arazzo/index.ts';
import { compileArazzoFileOrThrow } from '../tools/arazzo/build-time.ts';
import {
  SEED,
  SEED_API_KEY,
  SEED_OPENAPI,
  SEED_WORKFLOW_ID,
  type SeedServer,
} from './seed-server.ts';
import { median } from './workflow-overhead.ts';

export type SeedInProcessFigures = {
  readonly runs: number;
  readonly preparedMedianMs: number;
  readonly freshMedianMs: number;
  /** Runs that did not complete with the seed's outputs (should be 0). */
  readonly failedRuns: number;
};

const compileSeed = (): Promise<CompiledDocument> =>
  compileArazzoFileOrThrow({ documentPath: SEED, sources: { billingApi: SEED_OPENAPI } });

/** The CLI's own wiring: the shared HTTP layer (unpaced), its failure classifier. */
const createSeedRunner = (compiled: CompiledDocument, baseUrl: string) => {
  const http = createAmberfloHttp({ baseUrl, timeoutMs: 5_000, getApiKey: () => SEED_API_KEY });
  return createWorkflowRunner(compiled, {
    baseUrl: http.baseUrl,
    send: http.send,
    classify: createWorkflowFailureClassifier(http.knownSecrets),
    secrets: http.knownSecrets,
  });
};

type SeedRunner = ReturnType<typeof createSeedRunner>;

/** One run; true when it completed with the plan the seed assigned. */
const runSeed = async (runner: SeedRunner, customerId: string): Promise<boolean> => {
  const result = await runner.run(SEED_WORKFLOW_ID, {
    apiKey: SEED_API_KEY,
    customerId,
    customerName: 'Bench',
    productId: 'plan-bench',
  });
  return result.status === 'completed' && result.outputs['assignedProductId'] === 'plan-bench';
};

/** Times `once` `runs` times after 10 unmeasured warm-up calls; returns the median and the failures. */
const timeRuns = async (runs: number, once: (index: number) => Promise<boolean>) => {
  let failed = 0;
  for (let index = 0; index < 10; index += 1) if (!(await once(index))) failed += 1;
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    if (!(await once(index))) failed += 1;
    samples.push(performance.now() - started);
  }
  return { medianMs: median(samples), failed };
};

export const measureSeedInProcess = async (
  server: SeedServer,
  runs: number,
): Promise<SeedInProcessFigures> => {
  const prepared = createSeedRunner(await compileSeed(), server.url);
  const warm = await timeRuns(runs, (index) => runSeed(prepared, `ours-prepared-${index}`));
  const fresh = await timeRuns(runs, async (index) =>
    runSeed(createSeedRunner(await compileSeed(), server.url), `ours-fresh-${index}`),
  );
  return {
    runs,
    preparedMedianMs: warm.medianMs,
    freshMedianMs: fresh.medianMs,
    failedRuns: warm.failed + fresh.failed,
  };
};

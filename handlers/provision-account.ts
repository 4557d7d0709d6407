import { loadConfig } from '../lib/config.ts';
import { createDependencies } from '../lib/dependencies.ts';
import { createBatchHandler } from '../lib/provisioning/handle-batch.ts';

// Cold start: a bad environment fails the init phase once, loudly, listing every problem.
export const handler = createBatchHandler(createDependencies(loadConfig(process.env)));

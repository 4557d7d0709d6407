/**
 * `arazzo build [--check] [--dir]` (`npm run workflows:build`): compiles every `*.arazzo.yaml`; with `--check`
 * writes nothing and exits 1 when a compiled document is stale. Exit 2 when a document is invalid.
 */
import { buildWorkflows } from '../build.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

export type BuildOptions = { readonly check?: boolean; readonly dir: string };

export const buildCommand = async (options: BuildOptions): Promise<number> => {
  const entries = await buildWorkflows({ dir: options.dir, check: options.check === true });
  let invalid = 0;
  let stale = 0;
  for (const entry of entries) {
    for (const warning of entry.warnings) console.error(`warning ${entry.source} ${warning}`);
    if (entry.status === 'invalid') {
      invalid += 1;
      for (const issue of entry.issues) console.error(`${entry.source} ${issue}`);
    }
    if (entry.status === 'stale') stale += 1;
    console.log(`${entry.status} ${entry.output}`);
  }
  if (entries.length === 0) console.log(`no *.arazzo.yaml in ${options.dir}`);
  if (invalid > 0) return EXIT_INVALID;
  if (stale > 0) {
    console.error(`${stale} compiled document(s) are stale: run \`npm run workflows:build\``);
    return EXIT_FAILED;
  }
  return EXIT_OK;
};

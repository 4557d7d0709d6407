/** `arazzo validate <file>`: one problem per line on stdout, warnings on stderr; exit 0 valid, 2 invalid. */
import { compileArazzoFile, formatIssue } from '../compile.ts';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

export type ValidateOptions = { readonly source: Record<string, string> };

export const validateCommand = async (file: string, options: ValidateOptions): Promise<number> => {
  const result = await compileArazzoFile({ documentPath: file, sources: options.source });
  for (const warning of result.warnings) console.error(`warning ${formatIssue(warning)}`);
  if (result.compiled === undefined) {
    for (const issue of result.issues) console.log(formatIssue(issue));
    console.error(`invalid: ${result.issues.length} problem(s)`);
    return EXIT_INVALID;
  }
  console.log('valid');
  return EXIT_OK;
};

/** Exit codes of `npm run arazzo`: 0 done, 1 a run failed or a compiled document is stale, 2 invalid input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

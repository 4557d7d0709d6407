/** Reading an answer: its body as the expressions see it, and whether it is the JSON the source documents. */
import type { ResponseView } from './expression.ts';
import type { HttpResponse } from './http-port.ts';
import type { PreparedOperationStep } from './prepare.ts';

const parseBody = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: expressions see the raw text (docs/arazzo.md §8).
    return text;
  }
};

/** The answer as `$response` sees it. */
export const responseViewOf = (answer: HttpResponse): ResponseView => ({
  statusCode: answer.status,
  headers: answer.headers,
  body: parseBody(answer.bodyText),
});

/** Issues when a success status comes with a body that is not the documented JSON; undefined when it is. */
export const checkResponse = (
  step: PreparedOperationStep,
  response: ResponseView,
): string[] | undefined => {
  const status = String(response.statusCode);
  const check = step.responseChecks.get(status) ?? step.responseChecks.get(`${status[0]}XX`);
  if (check === undefined) return undefined;
  const issues: string[] = [];
  check(response.body, '', issues);
  return issues.length === 0 ? undefined : issues;
};

/**
 * How `arazzo run` words a failure (docs/arazzo.md §12): a step of one of Amberflo's sources (key-routes.ts) with
 * the Amberflo classifier, as the Lambda does; a step of any other API with a generic one that names the source and
 * never says "Amberflo". Generic codes: `HTTP_<status>` (an answer of status < 200 or ≥ 400 that failed the step),
 * `CRITERIA` (a 2xx/3xx answer that failed its criteria), `NO_ANSWER` (network, refused or oversize answer),
 * `TIMEOUT` (the request's timeout or the run's deadline), `RESPONSE_SCHEMA` (a success body breaking its documented
 * schema), `STEP_BUDGET` and `EVALUATION` (the document's own problems), `UNEXPECTED` (anything else).
 * `RESPONSE_SCHEMA` and `EVALUATION` messages end with the first problems the runner listed.
 */
import { createSecretScrubber } from '../../../lib/amberflo/classify.ts';
import type { ClassifyFailure, StepFailure } from '../../../lib/arazzo/index.ts';
import { truncate } from '../../../lib/truncate.ts';

type Classified = { code: string; message: string };

const MAX_TEXT = 300;
const MAX_ISSUES = 3;

/** Where the failure happened, for the message. */
const whose = (failure: StepFailure): string =>
  failure.source === undefined ? 'the run' : `source "${failure.source}"`;

/** An answer that failed the step: its status, and the start of its body (scrubbed, one line). */
const answered = (failure: StepFailure, status: number, scrub: (text: string) => string) => {
  const body = truncate(scrub((failure.bodyText ?? '').replace(/\s+/g, ' ').trim()), MAX_TEXT);
  const text = body === '' ? '' : `: ${body}`;
  if (status >= 200 && status < 400) {
    return {
      code: 'CRITERIA',
      message: `HTTP ${status} from ${whose(failure)} failed the step's criteria${text}`,
    };
  }
  return { code: `HTTP_${status}`, message: `HTTP ${status} from ${whose(failure)}${text}` };
};

/** No answer: what the sender said (it names the server, never a header or a body), else the reason. */
const noAnswer = (failure: StepFailure, code: string, scrub: (text: string) => string) => {
  const said = failure.error instanceof Error ? `: ${failure.error.message}` : '';
  const why = failure.reason === 'deadline' ? ' (run deadline reached)' : '';
  return {
    code,
    message: truncate(scrub(`No answer from ${whose(failure)}${why}${said}`), MAX_TEXT),
  };
};

/**
 * The first problems the runner listed (`StepFailure.issues`: where a body breaks its schema, which parameter or
 * embedded expression was absent), so that the message says what was at fault (docs/arazzo.md §3, §17).
 */
const detailOf = (failure: StepFailure, scrub: (text: string) => string): string => {
  const where = (failure.issues ?? []).slice(0, MAX_ISSUES).join('; ');
  return where === '' ? '' : ` (${truncate(scrub(where), MAX_TEXT)})`;
};

/** The classifier for sources that are not Amberflo's. */
export const createGenericClassifier =
  (secrets: () => readonly string[]): ClassifyFailure =>
  (failure): Classified => {
    const scrub = createSecretScrubber(secrets);
    switch (failure.reason) {
      case 'criteria':
      case 'end-action':
        return failure.statusCode === null
          ? noAnswer(failure, 'NO_ANSWER', scrub)
          : answered(failure, failure.statusCode, scrub);
      case 'transport':
        return noAnswer(failure, 'NO_ANSWER', scrub);
      case 'timeout':
      case 'deadline':
        return noAnswer(failure, 'TIMEOUT', scrub);
      case 'response-schema':
        return {
          code: 'RESPONSE_SCHEMA',
          message: `HTTP ${failure.statusCode ?? '?'} from ${whose(failure)} is not the documented JSON${detailOf(failure, scrub)}`,
        };
      case 'step-budget':
        return { code: 'STEP_BUDGET', message: 'Workflow step budget exhausted (--max-steps)' };
      case 'evaluation':
        return {
          code: 'EVALUATION',
          message: `Workflow expression could not be evaluated${detailOf(failure, scrub)}`,
        };
      default:
        return { code: 'UNEXPECTED', message: 'Workflow failed for an unknown reason' };
    }
  };

/**
 * Picks the classifier by the failing step's source: Amberflo's wording for Amberflo's sources; for a failure of no
 * source (the run itself), Amberflo's only when every source of the document is Amberflo's.
 */
export const classifyBySource = (options: {
  readonly amberfloSources: ReadonlySet<string>;
  readonly allAmberflo: boolean;
  readonly amberflo: ClassifyFailure;
  readonly generic: ClassifyFailure;
}): ClassifyFailure => {
  const { amberfloSources, allAmberflo, amberflo, generic } = options;
  return (failure) => {
    const isAmberflo =
      failure.source === undefined ? allAmberflo : amberfloSources.has(failure.source);
    return isAmberflo ? amberflo(failure) : generic(failure);
  };
};

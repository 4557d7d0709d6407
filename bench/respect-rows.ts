/**
 * The Respect comparison as rows of the bench table: figures, ratios and the goals of issue 13 (per run ≥ 10×
 * faster than Respect, CLI process ≥ 2× faster, `arazzo validate|run` process ≤ 0.3 s). A ratio is printed only
 * when every run of both executors succeeded; otherwise the row says what failed.
 */
import type { RespectComparisonFigures } from './respect.ts';

export type BenchRow = {
  readonly figure: string;
  readonly measured: string;
  readonly goal?: string;
  readonly met?: boolean;
};

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const times = (value: number): string => `${value.toFixed(1)}×`;

const failures = (figures: RespectComparisonFigures): string[] => {
  const { ours, respectPerRun, process, requests } = figures;
  const problems: string[] = [];
  if (ours.failedRuns > 0) problems.push(`ours: ${ours.failedRuns} runs failed`);
  if (respectPerRun.failed > 0) problems.push(`Respect: ${respectPerRun.failed} runs failed`);
  for (const [name, figure] of Object.entries(process)) {
    if (figure.failed > 0) problems.push(`${name}: ${figure.failed} processes failed`);
  }
  if (requests.ours !== requests.oursExpected || requests.respect !== requests.respectExpected) {
    problems.push('the server did not see two accepted requests per run');
  }
  return problems;
};

const ratioRow = (
  figure: string,
  theirs: number,
  ours: number,
  goal: number | undefined,
  problems: readonly string[],
): BenchRow => {
  if (problems.length > 0) return { figure, measured: `not compared: ${problems.join('; ')}` };
  const ratio = theirs / ours;
  const measured = `${times(ratio)} (ours ${ms(ours)}, Respect ${ms(theirs)})`;
  return goal === undefined
    ? { figure, measured }
    : { figure, measured, goal: `≥ ${goal}×`, met: ratio >= goal };
};

const processRow = (figure: string, direct: number, viaNpm: number): BenchRow => ({
  figure,
  measured: `${ms(direct)} (npm run: ${ms(viaNpm)})`,
  goal: '≤ 300 ms, npm included',
  met: viaNpm <= 300,
});

export const respectRows = (figures: RespectComparisonFigures): BenchRow[] => {
  const { ours, respectPerRun, process, requests } = figures;
  const problems = failures(figures);
  const respect = `Respect ${figures.respectVersion}`;
  return [
    {
      figure: `seed outcomes (ours in process and CLI, ${respect})`,
      measured: `${problems.length === 0 ? 'all completed' : problems.join('; ')} (requests accepted: ours ${requests.ours}/${requests.oursExpected}, Respect ${requests.respect}/${requests.respectExpected})`,
      goal: 'all completed',
      met: problems.length === 0,
    },
    ratioRow(
      `seed per run, warm process: ${respect} / ours prepared (median of ${ours.runs} vs ${respectPerRun.runs})`,
      respectPerRun.medianMs,
      ours.preparedMedianMs,
      10,
      problems,
    ),
    ratioRow(
      `seed per run, warm process: ${respect} / ours compile + prepare + run`,
      respectPerRun.medianMs,
      ours.freshMedianMs,
      undefined,
      problems,
    ),
    ratioRow(
      `seed CLI process: ${respect} / ours (node, median of ${figures.processRuns})`,
      process.respectRun.medianMs,
      process.oursRun.medianMs,
      2,
      problems,
    ),
    processRow(
      '`arazzo run` process (seed, loopback)',
      process.oursRun.medianMs,
      process.npmRun.medianMs,
    ),
    processRow(
      '`arazzo validate` process (seed)',
      process.oursValidate.medianMs,
      process.npmValidate.medianMs,
    ),
    {
      figure: '`arazzo run` from source (node tools/arazzo/cli.ts, type stripping)',
      measured: ms(process.fromSourceRun.medianMs),
    },
    {
      figure: "npm run's own start (npm run env -- node -e 0)",
      measured: ms(process.npmBaseline.medianMs),
    },
    {
      figure: 'first `arazzo run` after an edit (bundle rebuilt)',
      measured: ms(figures.firstStartMs),
    },
  ];
};

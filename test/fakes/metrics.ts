import { format } from 'node:util';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { onTestFinished, vi } from 'vitest';

/** One metric as an Embedded Metric Format document carried it. */
export type EmittedMetric = {
  readonly name: string;
  readonly unit: string;
  /** A number, or the list of values when the metric was added more than once before a publish. */
  readonly value: unknown;
  readonly dimensions: Record<string, unknown>;
};

type EmfDocument = Record<string, unknown> & {
  _aws: {
    CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
};

const parseEmf = (line: unknown): EmfDocument | undefined => {
  if (typeof line !== 'string' || !line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<EmfDocument>;
    return parsed._aws ? (parsed as EmfDocument) : undefined;
  } catch {
    return undefined;
  }
};

const metricsOf = (document: EmfDocument): EmittedMetric[] =>
  document._aws.CloudWatchMetrics.flatMap((directive) => {
    const dimensions = Object.fromEntries(
      directive.Dimensions.flat().map((name) => [name, document[name]]),
    );
    return directive.Metrics.map((metric) => ({
      name: metric.Name,
      unit: metric.Unit,
      value: document[metric.Name],
      dimensions,
    }));
  });

/**
 * A real, unpatched Powertools Metrics, read the way the Powertools docs ("Testing your code") test metrics: with
 * POWERTOOLS_DEV on and metrics enabled, every Metrics instance - including the ones `singleMetric()` builds while
 * the code under test runs - writes its EMF documents through the global console, which a spy collects here. The
 * environment and the console are restored when the calling test finishes, so call this inside a test.
 */
export const createCapturedMetrics = (options: { namespace: string; serviceName: string }) => {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const documents: EmfDocument[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const document = parseEmf(args[0]);
    if (document) documents.push(document);
    // Anything else keeps printing, as the console would have printed it.
    else process.stdout.write(`${format(...args)}\n`);
  });
  onTestFinished(() => {
    spy.mockRestore();
    vi.unstubAllEnvs();
  });
  const metrics = new Metrics(options);
  return {
    metrics,
    /**
     * Publishes what is still buffered (in production logMetrics does so after each invocation; a test that calls
     * processRecord directly has no middleware) and returns every metric emitted so far, in order.
     */
    emitted: (): EmittedMetric[] => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      return documents.flatMap(metricsOf);
    },
  };
};

import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../lib/provisioning/process-record.ts';

/**
 * Counts the handler's own metrics (per name, and dead letters per code) instead of emitting them: the local run
 * prints a summary, not EMF lines.
 */
export class CountingMetrics extends Metrics {
  readonly counts = new Map<string, number>();

  record(name: string, dimensions: Readonly<Record<string, string>> = {}): void {
    const key = dimensions['code'] ? `${name}:${dimensions['code']}` : name;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  override addMetric(...args: Parameters<Metrics['addMetric']>): this {
    this.record(args[0]);
    return super.addMetric(...args);
  }

  override singleMetric(): Metrics {
    return new SingleCountingMetric(this);
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Dead letters per error code, as the handler reported them. */
  deadLetteredByCode(): Record<string, number> {
    const prefix = `${METRICS.deadLettered}:`;
    return Object.fromEntries(
      [...this.counts]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    );
  }
}

/** What `singleMetric()` hands out: records into its parent with the dimensions set so far. */
class SingleCountingMetric extends Metrics {
  readonly #parent: CountingMetrics;
  readonly #dimensions: Record<string, string> = {};

  constructor(parent: CountingMetrics) {
    super({ namespace: 'BillingProvisioningLocal', singleMetric: true });
    this.#parent = parent;
  }

  override addDimension(name: string, value: string): this {
    this.#dimensions[name] = value;
    return super.addDimension(name, value);
  }

  override addMetric(...args: Parameters<Metrics['addMetric']>): this {
    this.#parent.record(args[0], this.#dimensions);
    return super.addMetric(...args);
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployedScaling } from '../../../tools/local/pipeline.ts';

describe('readDeployedScaling', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'deployed-scaling-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    { stage: 'dev', maximumConcurrency: 2 },
    { stage: 'local', maximumConcurrency: 2 },
    { stage: 'prod', maximumConcurrency: 5 },
  ])(
    'reads the $stage stage of serverless.yml: $maximumConcurrency pollers',
    async ({ stage, maximumConcurrency }) => {
      // Act
      const scaling = await readDeployedScaling('serverless.yml', stage);
      // Assess
      expect(scaling).toEqual({ stage, maximumConcurrency, batchConcurrency: 5, batchSize: 10 });
    },
  );

  const DECLARED = `maximumConcurrency: \${param:maximumConcurrency}`;
  const variant = async (replacement: string): Promise<string> => {
    const original = await readFile('serverless.yml', 'utf8');
    expect(original).toContain(DECLARED);
    const path = join(directory, `serverless-${Math.random().toString(36).slice(2)}.yml`);
    await writeFile(path, original.replace(DECLARED, replacement));
    return path;
  };

  it('reads a literal maximumConcurrency as it stands', async () => {
    // Prepare
    const path = await variant('maximumConcurrency: 3');
    // Act
    const scaling = await readDeployedScaling(path, 'prod');
    // Assess
    expect(scaling.maximumConcurrency).toBe(3);
  });

  it.each([
    { problem: 'no maximumConcurrency at all', replacement: '' },
    {
      problem: 'a param no stage defines',
      replacement: `maximumConcurrency: \${param:undefinedParam}`,
    },
    { problem: 'a value that is not a positive integer', replacement: 'maximumConcurrency: 0' },
  ])('throws ConfigError for $problem', async ({ replacement }) => {
    // Prepare
    const path = await variant(replacement);
    // Act
    const reading = readDeployedScaling(path, 'dev');
    // Assess
    await expect(reading).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('maximumConcurrency'),
    });
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectServer,
  collectSource,
  parsePositiveInteger,
  readInputs,
  UsageError,
} from '../../../../tools/arazzo/commands/options.ts';

describe('collectSource', () => {
  it('adds each --source name=path to the map, later flags winning', () => {
    // Act
    const sources = collectSource('api=/b.yaml', collectSource('api=/a.yaml', {}));
    // Assess
    expect(sources).toEqual({ api: '/b.yaml' });
  });

  it.each(['api', '=/a.yaml', 'api='])('refuses "%s"', (value) => {
    // Act & Assess
    expect(() => collectSource(value, {})).toThrow(
      new UsageError(`--source expects <name>=<path>, got "${value}"`),
    );
  });
});

describe('collectServer', () => {
  it('keeps <source>=<url> per source and a bare URL (even one with = in its query) for the rest', () => {
    // Act
    const flags = [
      'pets=http://127.0.0.1:1/a',
      'http://127.0.0.1:2/?x=y',
      'pets=http://127.0.0.1:3',
    ].reduce((previous, value) => collectServer(value, previous), { bySource: {} });
    // Assess
    expect(flags).toEqual({
      bySource: { pets: 'http://127.0.0.1:3' },
      fallback: 'http://127.0.0.1:2/?x=y',
    });
  });

  it('refuses a source name without a URL', () => {
    // Act & Assess
    expect(() => collectServer('pets=', { bySource: {} })).toThrow(
      new UsageError('--server expects <source>=<url> or <url>, got "pets="'),
    );
  });
});

describe('parsePositiveInteger', () => {
  it.each(['0', '-1', '1.5', 'x'])('refuses %s, naming the flag', (text) => {
    // Act & Assess
    expect(() => parsePositiveInteger(text, '--max-steps')).toThrow(
      new UsageError('--max-steps must be a positive integer'),
    );
  });

  it('reads a positive integer', () => {
    // Act & Assess
    expect(parsePositiveInteger('100', '--max-steps')).toBe(100);
  });
});

describe('readInputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arazzo-inputs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a JSON object inline or from @file', async () => {
    // Prepare
    const file = join(dir, 'inputs.json');
    await writeFile(file, '{"customerId":"c-1"}', 'utf8');
    // Act
    const inline = await readInputs('{"customerId":"c-1"}');
    const fromFile = await readInputs(`@${file}`);
    // Assess
    expect(inline).toEqual({ customerId: 'c-1' });
    expect(fromFile).toEqual(inline);
  });

  it.each([
    ['{', '--inputs is not valid JSON'],
    ['[1]', '--inputs must be a JSON object'],
    ['null', '--inputs must be a JSON object'],
  ])('refuses %s', async (text, message) => {
    // Act & Assess
    await expect(readInputs(text)).rejects.toThrow(new UsageError(message));
  });

  it('names an unreadable @file', async () => {
    // Prepare
    const missing = join(dir, 'missing.json');
    // Act & Assess
    await expect(readInputs(`@${missing}`)).rejects.toThrow(
      new UsageError(`cannot read inputs file ${missing}`),
    );
  });
});

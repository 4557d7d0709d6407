import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS, heapLimitedArgv } from '../../../lib/cli/dlq.ts';

const SCRIPT = '/repo/lib/cli/dlq.ts';

describe('heapLimitedArgv', () => {
  it('re-executes the same script and arguments with the heap flags first', () => {
    // Prepare
    const runtime = { execPath: '/usr/bin/node', execArgv: [], nodeOptions: undefined };
    // Act
    const argv = heapLimitedArgv(runtime, SCRIPT, ['stats', '--json']);
    // Assess
    expect(argv).toEqual(['/usr/bin/node', ...HEAP_FLAGS, SCRIPT, 'stats', '--json']);
  });

  it('keeps the runtime flags the CLI was started with', () => {
    // Prepare
    const runtime = {
      execPath: '/usr/bin/node',
      execArgv: ['--enable-source-maps'],
      nodeOptions: '--no-warnings',
    };
    // Act
    const argv = heapLimitedArgv(runtime, SCRIPT, ['list']);
    // Assess
    expect(argv).toEqual(['/usr/bin/node', ...HEAP_FLAGS, '--enable-source-maps', SCRIPT, 'list']);
  });

  it.each([
    ['its own flags', [...HEAP_FLAGS], undefined],
    ['an operator old-space flag', ['--max-old-space-size=2048'], undefined],
    ['an underscore spelling', ['--max_semi_space_size=16'], undefined],
    ['a heap-size flag', ['--max-heap-size=300'], undefined],
    ['NODE_OPTIONS', [], '--enable-source-maps --max-old-space-size=1024'],
    ['NODE_OPTIONS at its start', [], '--max-semi-space-size=8'],
  ])(
    'leaves the process alone when it already has heap limits (%s)',
    (_case, execArgv, nodeOptions) => {
      // Prepare
      const runtime = { execPath: '/usr/bin/node', execArgv, nodeOptions };
      // Act
      const argv = heapLimitedArgv(runtime, SCRIPT, ['stats']);
      // Assess
      expect(argv).toBeUndefined();
    },
  );

  it('does not mistake a look-alike flag for a heap limit', () => {
    // Prepare
    const runtime = {
      execPath: '/usr/bin/node',
      execArgv: ['--max-http-header-size=16384'],
      nodeOptions: '--title=max-old-space-size',
    };
    // Act
    const argv = heapLimitedArgv(runtime, SCRIPT, ['stats']);
    // Assess
    expect(argv?.slice(1, 1 + HEAP_FLAGS.length)).toEqual([...HEAP_FLAGS]);
  });
});

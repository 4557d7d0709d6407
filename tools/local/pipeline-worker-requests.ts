/** The calling thread's requests to the pipeline worker, each bounded and answered by id. */
import type { Worker } from 'node:worker_threads';
import { UnexpectedError } from '../../lib/errors.ts';
import {
  fromPlainError,
  type PipelineCounts,
  type Reply,
  type ToWorker,
} from './pipeline-worker-protocol.ts';

export type WorkerRequests = {
  /** Sends a request; rejects when the worker does not answer within `boundMs`, crashed or has exited. */
  readonly request: (type: ToWorker['type'], boundMs: number) => Promise<PipelineCounts>;
  /** Settles the request a reply answers. */
  readonly answer: (reply: Reply) => void;
};

type Pending = { resolve: (counts: PipelineCounts) => void; reject: (error: Error) => void };

/** Tracks the requests to `worker`; once it crashes or exits, every pending and later request rejects. */
export const trackRequests = (worker: Worker, exited: Promise<number>): WorkerRequests => {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let ended: Error | undefined;
  const failAll = (error: Error) => {
    ended ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('error', (error) =>
    failAll(new UnexpectedError('Pipeline worker crashed', {}, { cause: error })),
  );
  void exited.then((code) => failAll(new UnexpectedError(`Pipeline worker exited (code ${code})`)));

  const request = (type: ToWorker['type'], boundMs: number): Promise<PipelineCounts> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<PipelineCounts>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new UnexpectedError(`Pipeline worker did not answer '${type}' within ${boundMs} ms`),
        );
      }, boundMs);
      pending.set(id, {
        resolve: (counts) => {
          clearTimeout(timer);
          resolve(counts);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage({ type, id } satisfies ToWorker);
    });
  };
  const answer = (reply: Reply) => {
    if (reply.type === 'request-failed') {
      pending.get(reply.id)?.reject(fromPlainError(reply.error, 'Pipeline worker request failed'));
    } else {
      pending.get(reply.id)?.resolve(reply.counts);
    }
    pending.delete(reply.id);
  };
  return { request, answer };
};

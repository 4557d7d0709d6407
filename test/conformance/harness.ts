/**
 * The conformance harness (docs/arazzo.md §16): one small Arazzo document per feature, compiled from its file by the
 * real build-time compiler and run by the real runner against recording HTTP servers on 127.0.0.1, so a case can
 * assert the exact requests sent, the outcome and the outputs. The send adds nothing the document did not ask for.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { CompiledDocument } from '../../lib/arazzo/compiled-document.ts';
import {
  type ClassifyFailure,
  createWorkflowRunner,
  type RunResult,
  type Send,
  type WorkflowRunnerOptions,
} from '../../lib/arazzo/index.ts';
import { compileArazzoFile, formatIssue } from '../../tools/arazzo/compile.ts';

/** One request as the server saw it. `headers` leaves out what fetch itself adds (see TRANSPORT_HEADERS). */
export type RecordedRequest = {
  readonly method: string;
  /** Path and query, e.g. `/items?limit=2`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Every header as received, lower-cased. */
  readonly rawHeaders: Readonly<Record<string, string>>;
  /** Absent when the request had no body. */
  readonly body?: string;
};

export type Reply = {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  readonly text?: string;
};

/** Answers requests whose method and path (without query) match; `reply` may depend on the request and its count. */
export type Route = {
  readonly method: string;
  readonly path: string;
  readonly reply: Reply | ((request: RecordedRequest, nth: number) => Reply);
};

export type RecordingServer = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly close: () => Promise<void>;
};

/** Headers the HTTP client adds on its own; a case asserts the rest exactly. */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-encoding',
  'accept-language',
  'sec-fetch-mode',
  'user-agent',
]);

const readBody = async (message: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
};

const recordOf = (message: IncomingMessage, body: string | undefined): RecordedRequest => {
  const rawHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
    rawHeaders[name] = text;
    if (!TRANSPORT_HEADERS.has(name)) headers[name] = text;
  }
  return {
    method: message.method ?? '',
    url: message.url ?? '',
    headers,
    rawHeaders,
    ...(body === undefined ? {} : { body }),
  };
};

const NO_ROUTE: Reply = { status: 404, json: { error: 'no route' } };

/** Starts a server on 127.0.0.1 that records every request and answers from `routes` (404 when none matches). */
export const startRecordingServer = async (routes: readonly Route[]): Promise<RecordingServer> => {
  const requests: RecordedRequest[] = [];
  const counts = new Map<Route, number>();
  const server: Server = createServer((message, response) => {
    void readBody(message).then((body) => {
      const request = recordOf(message, body);
      requests.push(request);
      const path = request.url.split('?')[0];
      const route = routes.find((r) => r.method === request.method && r.path === path);
      const nth = route === undefined ? 0 : (counts.get(route) ?? 0) + 1;
      if (route !== undefined) counts.set(route, nth);
      const reply =
        route === undefined
          ? NO_ROUTE
          : typeof route.reply === 'function'
            ? route.reply(request, nth)
            : route.reply;
      const json = reply.json === undefined ? undefined : JSON.stringify(reply.json);
      response.writeHead(reply.status ?? 200, {
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...reply.headers,
      });
      response.end(json ?? reply.text ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * For a test file: returns a `startRecordingServer` whose servers are closed after each test, so no case leaks a
 * listening socket into the next.
 */
export const serversClosedAfterEach = (): ((
  routes: readonly Route[],
) => Promise<RecordingServer>) => {
  const open: RecordingServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (routes) => {
    const server = await startRecordingServer(routes);
    open.push(server);
    return server;
  };
};

/** A send that forwards exactly the request the runner built: its headers, its body, nothing else. */
export const plainSend: Send = async (request, options) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: 'manual',
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, bodyText: await response.text() };
};

/** A classifier that keeps the reason and status visible in the run result. */
export const conformanceClassify: ClassifyFailure = (failure) => ({
  code: failure.statusCode === null ? 'NO_ANSWER' : `HTTP_${failure.statusCode}`,
  message: failure.reason,
});

/** Absolute path of a case file: `caseFile('basics', 'doc.arazzo.yaml')`. */
export const caseFile = (feature: string, name: string): string =>
  fileURLToPath(new URL(`./cases/${feature}/${name}`, import.meta.url));

/** Compiles a case document, throwing with every issue when it is invalid. */
export const compileCase = async (documentPath: string): Promise<CompiledDocument> => {
  const result = await compileArazzoFile({ documentPath });
  if (result.compiled === undefined) {
    throw new Error(`${documentPath} is invalid:\n${result.issues.map(formatIssue).join('\n')}`);
  }
  return result.compiled;
};

/** Issues of a case document that must not compile, formatted `<pointer>: <message>`. */
export const caseIssues = async (documentPath: string): Promise<string[]> =>
  (await compileArazzoFile({ documentPath })).issues.map(formatIssue);

export type CaseRun = {
  readonly document: string;
  readonly workflowId: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Runner options beyond send and classify: `baseUrl` and `servers` (per source name), `maxSteps`… */
  readonly runner: Omit<WorkflowRunnerOptions, 'send' | 'classify'>;
};

/** Compiles and runs one workflow of a case document through `plainSend`. */
export const runCase = async (run: CaseRun): Promise<RunResult> => {
  const compiled = await compileCase(run.document);
  const runner = createWorkflowRunner(compiled, {
    ...run.runner,
    send: plainSend,
    classify: conformanceClassify,
  });
  return runner.run(run.workflowId, run.inputs ?? {});
};

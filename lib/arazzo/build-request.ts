/**
 * Builds one step's request from the document (docs/arazzo.md §8): parameters, path, body and the absolute URL, which
 * must stay on the configured server. Problems are appended to `errors` and the request is then not built.
 */
import type { ExpressionScope, RequestView } from './expression.ts';
import { evaluatePlan, type PreparedOperationStep } from './prepare.ts';
import { buildBody } from './request-body.ts';

/** The configured server, split once: every request URL must start with `url`. */
export type ServerBase = {
  /** Origin and path prefix, no trailing slash. */
  readonly url: string;
  /** The path prefix, no trailing slash (may be empty). */
  readonly path: string;
  readonly origin: string;
};

export type BuiltRequest = {
  readonly view: RequestView;
  /** Path without the query string: what the trace may show. */
  readonly pathOnly: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
};

type Parameters = {
  readonly headers: Record<string, string>;
  readonly query: URLSearchParams;
  readonly queryView: Record<string, string>;
  readonly pathView: Record<string, string>;
};

const SENSITIVE_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'proxy-authorization']);

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** Places one evaluated parameter; values of sensitive headers join `runSecrets`. */
const placeParameter = (
  parameter: PreparedOperationStep['parameters'][number],
  text: string,
  into: Parameters & { readonly cookies: string[] },
  errors: string[],
  runSecrets: Set<string>,
): void => {
  if (parameter.in === 'header') {
    if (/[\r\n]/.test(text)) {
      errors.push(`header "${parameter.name}" contains CR or LF`);
      return;
    }
    const name = parameter.name.toLowerCase();
    into.headers[name] = text;
    if (SENSITIVE_HEADERS.has(name)) runSecrets.add(text);
  } else if (parameter.in === 'query') {
    into.query.append(parameter.name, text);
    into.queryView[parameter.name] = text;
  } else if (parameter.in === 'path') {
    if (text === '.' || text === '..') {
      errors.push(`path parameter "${parameter.name}" must not be "." or ".."`);
      return;
    }
    into.pathView[parameter.name] = text;
  } else {
    into.cookies.push(`${parameter.name}=${encodeURIComponent(text)}`);
  }
};

const collectParameters = (
  step: PreparedOperationStep,
  scope: ExpressionScope,
  errors: string[],
  runSecrets: Set<string>,
): Parameters => {
  const into = {
    headers: {},
    query: new URLSearchParams(),
    queryView: {},
    pathView: {},
    cookies: [] as string[],
  };
  for (const parameter of step.parameters) {
    const value = evaluatePlan(parameter.plan, scope, errors);
    if (value === undefined) {
      if (parameter.in === 'path') errors.push(`path parameter "${parameter.name}" is absent`);
      continue;
    }
    const text = scalarText(value);
    if (text === undefined)
      errors.push(`${parameter.in} parameter "${parameter.name}" is not a scalar`);
    else placeParameter(parameter, text, into, errors, runSecrets);
  }
  if (into.cookies.length > 0) {
    const cookie = into.cookies.join('; ');
    Object.assign(into.headers, { cookie });
    runSecrets.add(cookie);
  }
  return into;
};

const expandPath = (
  step: PreparedOperationStep,
  pathView: Readonly<Record<string, string>>,
  errors: string[],
): string => {
  let path = '';
  for (const part of step.pathParts) {
    if (typeof part === 'string') {
      path += part;
      continue;
    }
    const value = pathView[part.param];
    if (value === undefined) {
      if (!errors.some((error) => error.includes(`"${part.param}"`))) {
        errors.push(`path parameter "${part.param}" is absent`);
      }
      continue;
    }
    path += encodeURIComponent(value);
  }
  return path;
};

/** The absolute URL, or undefined (with an error) when it is invalid or leaves the configured server. */
const targetUrl = (server: ServerBase, path: string, query: URLSearchParams, errors: string[]) => {
  const search = query.toString();
  const url = `${server.url}${path}${search === '' ? '' : `?${search}`}`;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    errors.push('the request URL is invalid');
    return undefined;
  }
  if (target.origin !== server.origin || !target.pathname.startsWith(server.path)) {
    errors.push('the request URL leaves the configured server');
    return undefined;
  }
  return url;
};

export const buildRequest = (
  server: ServerBase,
  step: PreparedOperationStep,
  scope: ExpressionScope,
  errors: string[],
  runSecrets: Set<string>,
): BuiltRequest | undefined => {
  const { headers, query, queryView, pathView } = collectParameters(
    step,
    scope,
    errors,
    runSecrets,
  );
  const path = expandPath(step, pathView, errors);
  const body = buildBody(step, scope, errors, headers);
  if (errors.length > 0) return undefined;
  const url = targetUrl(server, path, query, errors);
  if (url === undefined) return undefined;
  return {
    view: { url, method: step.method, headers, query: queryView, path: pathView, body: body.value },
    pathOnly: `${server.path}${path}`,
    headers,
    body: body.text,
  };
};

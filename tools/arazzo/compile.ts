/**
 * Build time (arazzo.md §1): reads an Arazzo document and its one OpenAPI source, validates it against the
 * Arazzo 1.0 JSON Schema and our semantic rules, and compiles it into a `CompiledDocument`. Every problem is
 * collected with a JSON Pointer location; nothing stops at the first.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  COMPILED_FORMAT,
  type CompiledAction,
  type CompiledCriterion,
  type CompiledDocument,
  type CompiledOperation,
  type CompiledParameter,
  type CompiledRequestBody,
  type CompiledStep,
  type CompiledWorkflow,
  type HttpMethod,
} from '../../lib/arazzo/compiled-document.ts';
import { type ConditionNode, type Operand, parseCondition } from '../../lib/arazzo/condition.ts';
import { type Expression, parseExpression, parseTemplate } from '../../lib/arazzo/expression.ts';
import {
  ANNOTATION_SCHEMA_KEYWORDS,
  type JsonSchema,
  SUPPORTED_SCHEMA_KEYWORDS,
} from '../../lib/arazzo/input-schema.ts';
import { isRecord } from '../../lib/arazzo/is-record.ts';
import {
  escapePointerToken,
  FORBIDDEN_KEYS,
  parseJsonPointer,
} from '../../lib/arazzo/json-pointer.ts';
import { checkJsonPathQuery } from '../../lib/arazzo/jsonpath.ts';
import { bodyEncodingOf, checkPathTemplate, splitPathTemplate } from '../../lib/arazzo/prepare.ts';
import { WorkflowDocumentError } from '../../lib/errors.ts';
import { readDocumentFile } from './load-document.ts';
import { type DocumentIssue, validateArazzoSchema } from './schema-validation.ts';

export type { DocumentIssue } from './schema-validation.ts';

export type CompileOptions = {
  /** Path of the Arazzo document; relative source URLs resolve against its directory. */
  readonly documentPath: string;
  /** Overrides a source description's location by name: `{ billingApi: '/path/openapi.yaml' }`. */
  readonly sources?: Readonly<Record<string, string>>;
};

export type CompileResult = {
  /** Present only when there are no issues. */
  readonly compiled?: CompiledDocument;
  readonly issues: readonly DocumentIssue[];
  readonly warnings: readonly DocumentIssue[];
};

type Rec = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const at = (base: string, ...tokens: (string | number)[]): string =>
  `${base}${tokens.map((token) => `/${escapePointerToken(String(token))}`).join('')}`;

const NAME = /^[A-Za-z0-9_-]+$/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);
const OPERATION_PATH = /^\{\$sourceDescriptions\.([A-Za-z0-9_-]+)\.url\}#(\/.*)$/;

/** Formats an issue as one line: `<pointer>: <message>`. */
export const formatIssue = (issue: DocumentIssue): string => `${issue.pointer}: ${issue.message}`;

type OperationIndex = Map<string, CompiledOperation & { readonly pointer: string }>;

/** Status keys whose documented JSON body the runtime validates: success codes only (`200`, `2XX`). */
const SUCCESS_STATUS = /^2(\d\d|XX)$/;

/**
 * The JSON Schemas of an operation's documented success bodies (OpenAPI Response Objects, inline schemas only), by
 * status. Error bodies stay free-form: their words are kept for the dead letter, never judged.
 */
const responseSchemasOf = (
  responses: unknown,
  pointer: string,
  issues: DocumentIssue[],
): Record<string, JsonSchema> | undefined => {
  if (!isRecord(responses)) return undefined;
  const result: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(responses)) {
    if (!SUCCESS_STATUS.test(status) || !isRecord(response)) continue;
    const content = response['content'];
    if (!isRecord(content)) continue;
    const jsonType = Object.keys(content).find((type) => bodyEncodingOf(type) === 'json');
    const media = jsonType === undefined ? undefined : content[jsonType];
    const schema = isRecord(media) ? media['schema'] : undefined;
    if (schema === undefined) continue;
    const where = at(pointer, 'responses', status, 'content', jsonType ?? '', 'schema');
    result[status] = resolveInputSchema(schema, where, {}, issues) as JsonSchema;
  }
  return Object.keys(result).length === 0 ? undefined : result;
};

const indexOperations = (
  openapi: unknown,
  issues: DocumentIssue[],
  where: string,
): OperationIndex => {
  const index: OperationIndex = new Map();
  const paths = isRecord(openapi) ? openapi['paths'] : undefined;
  if (!isRecord(paths)) {
    // A source that failed to load has already been reported.
    if (openapi !== undefined)
      issues.push({ pointer: where, message: 'the OpenAPI source has no "paths"' });
    return index;
  }
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const requestBody = operation['requestBody'];
      const content = isRecord(requestBody) ? requestBody['content'] : undefined;
      const mediaType = isRecord(content)
        ? Object.keys(content).find((type) => bodyEncodingOf(type) !== undefined)
        : undefined;
      const pointer = `/paths/${escapePointerToken(path)}/${method}`;
      const responses = responseSchemasOf(operation['responses'], `${where}#${pointer}`, issues);
      const entry = {
        method: method.toUpperCase() as HttpMethod,
        path,
        ...(mediaType === undefined ? {} : { contentType: mediaType }),
        ...(responses === undefined ? {} : { responses }),
        pointer,
      };
      const operationId = str(operation['operationId']);
      if (operationId !== undefined) {
        if (index.has(operationId)) {
          issues.push({
            pointer: where,
            message: `duplicate operationId "${operationId}" in the source`,
          });
        }
        index.set(operationId, entry);
      }
      index.set(`${entry.method} ${path}`, entry);
    }
  }
  return index;
};

const walkForbiddenKeys = (
  value: unknown,
  pointer: string,
  issues: DocumentIssue[],
  depth = 0,
): void => {
  if (depth > 64) {
    issues.push({ pointer, message: 'nesting deeper than 64 levels' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      walkForbiddenKeys(item, at(pointer, index), issues, depth + 1);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key))
      issues.push({ pointer: at(pointer, key), message: `forbidden key "${key}"` });
    walkForbiddenKeys(item, at(pointer, key), issues, depth + 1);
  }
};

/** Which runtime values an expression may use where it appears. */
type ExpressionPlace = 'request' | 'response' | 'workflowOutput';

type WorkflowContext = {
  readonly stepIds: readonly string[];
  readonly stepOutputs: ReadonlyMap<string, ReadonlySet<string>>;
  readonly inputNames: ReadonlySet<string> | undefined;
  readonly workflowOutputNames: ReadonlySet<string>;
};

const createChecker = (issues: DocumentIssue[], warnings: DocumentIssue[]) => {
  const checkReferences = (
    expression: Expression,
    pointer: string,
    context: WorkflowContext,
    place: ExpressionPlace,
    currentStep: number,
  ): undefined => {
    const problem = (message: string): undefined => {
      issues.push({ pointer, message });
      return undefined;
    };
    switch (expression.kind) {
      case 'stepOutput': {
        const index = context.stepIds.indexOf(expression.stepId);
        if (index === -1) return problem(`${expression.text}: no step "${expression.stepId}"`);
        if (place !== 'workflowOutput' && index >= currentStep) {
          return problem(`${expression.text}: step "${expression.stepId}" does not run earlier`);
        }
        if (!context.stepOutputs.get(expression.stepId)?.has(expression.name)) {
          return problem(
            `${expression.text}: step "${expression.stepId}" declares no output "${expression.name}"`,
          );
        }
        return;
      }
      case 'input':
        if (context.inputNames !== undefined && !context.inputNames.has(expression.name)) {
          problem(`${expression.text}: the inputs schema declares no "${expression.name}"`);
        }
        return;
      case 'output':
        if (!context.workflowOutputNames.has(expression.name)) {
          problem(`${expression.text}: the workflow declares no output "${expression.name}"`);
        }
        return;
      case 'component':
      case 'sourceDescription':
        return problem(
          `${expression.text}: only allowed in a "reference" or an operation reference`,
        );
      case 'statusCode':
      case 'responseHeader':
      case 'responseBody':
        if (place !== 'response') problem(`${expression.text}: no response exists here`);
        return;
      default:
        if (place === 'workflowOutput') problem(`${expression.text}: no request exists here`);
    }
  };

  const checkExpressionText = (
    text: string,
    pointer: string,
    context: WorkflowContext,
    place: ExpressionPlace,
    currentStep: number,
  ): Expression | undefined => {
    const parsed = parseExpression(text);
    if (!parsed.ok) {
      issues.push({ pointer, message: parsed.error });
      return undefined;
    }
    checkReferences(parsed.expression, pointer, context, place, currentStep);
    return parsed.expression;
  };

  /** Checks a literal/expression/template value, deeply. */
  const checkValue = (
    value: unknown,
    pointer: string,
    context: WorkflowContext,
    place: ExpressionPlace,
    currentStep: number,
  ): void => {
    if (typeof value === 'string') {
      if (value.startsWith('$')) {
        checkExpressionText(value, pointer, context, place, currentStep);
        return;
      }
      const template = parseTemplate(value);
      if (template === undefined) return;
      if (!template.ok) {
        issues.push({ pointer, message: template.error });
        return;
      }
      for (const part of template.parts) {
        if (typeof part !== 'string') checkReferences(part, pointer, context, place, currentStep);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        checkValue(item, at(pointer, index), context, place, currentStep);
      });
      return;
    }
    if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        checkValue(item, at(pointer, key), context, place, currentStep);
      }
    }
  };

  const conditionOperands = (node: ConditionNode): Operand[] => {
    switch (node.t) {
      case 'or':
      case 'and':
        return node.items.flatMap(conditionOperands);
      case 'not':
        return conditionOperands(node.item);
      case 'cmp':
        return [node.left, node.right];
      default:
        return [node.value];
    }
  };

  const checkCriterion = (
    criterion: unknown,
    pointer: string,
    context: WorkflowContext,
    currentStep: number,
  ): CompiledCriterion | undefined => {
    if (!isRecord(criterion)) return undefined;
    const condition = str(criterion['condition']) ?? '';
    const type = criterion['type'];
    const contextText = str(criterion['context']);
    if (type === 'jsonpath') {
      if (contextText === undefined) {
        issues.push({ pointer, message: 'a jsonpath criterion needs a "context"' });
        return undefined;
      }
      checkExpressionText(contextText, at(pointer, 'context'), context, 'response', currentStep);
      const template = parseTemplate(condition);
      if (template !== undefined && !template.ok) {
        issues.push({ pointer: at(pointer, 'condition'), message: template.error });
        return undefined;
      }
      for (const part of template?.parts ?? []) {
        if (typeof part !== 'string') {
          checkReferences(part, at(pointer, 'condition'), context, 'response', currentStep);
        }
      }
      const problem = checkJsonPathQuery(template?.parts ?? [condition]);
      if (problem !== undefined) {
        issues.push({ pointer: at(pointer, 'condition'), message: problem });
        return undefined;
      }
      return { condition, type: 'jsonpath', context: contextText };
    }
    if (isRecord(type) || type === 'xpath') {
      const name = isRecord(type) ? String(type['type']) : type;
      issues.push({ pointer: at(pointer, 'type'), message: `${name} criteria are not supported` });
      if (contextText === undefined) {
        issues.push({ pointer, message: `a ${name} criterion needs a "context"` });
      }
      return undefined;
    }
    if (type === 'regex') {
      if (contextText === undefined) {
        issues.push({ pointer, message: 'a regex criterion needs a "context"' });
        return undefined;
      }
      checkExpressionText(contextText, at(pointer, 'context'), context, 'response', currentStep);
      if (condition.includes('{$')) {
        issues.push({
          pointer: at(pointer, 'condition'),
          message: 'embedded expressions in regex conditions are not supported',
        });
      }
      try {
        new RegExp(condition, 'u');
      } catch (error) {
        issues.push({
          pointer: at(pointer, 'condition'),
          message: `regex does not compile: ${(error as Error).message}`,
        });
      }
      return { condition, type: 'regex', context: contextText };
    }
    if (contextText !== undefined) {
      warnings.push({
        pointer: at(pointer, 'context'),
        message: 'context is ignored on a simple condition',
      });
    }
    const parsed = parseCondition(condition);
    if (!parsed.ok) {
      issues.push({ pointer: at(pointer, 'condition'), message: `condition: ${parsed.error}` });
      return undefined;
    }
    for (const operand of conditionOperands(parsed.node)) {
      if (operand.t === 'expr') {
        checkReferences(operand.expr, at(pointer, 'condition'), context, 'response', currentStep);
      }
    }
    return { condition, type: 'simple' };
  };

  return { checkValue, checkExpressionText, checkCriterion };
};

/** Resolves `$ref`s into `components.inputs` and lists unsupported keywords, by name. */
const resolveInputSchema = (
  schema: unknown,
  pointer: string,
  componentInputs: Rec,
  issues: DocumentIssue[],
  seen: readonly string[] = [],
): unknown => {
  if (typeof schema === 'boolean') return schema;
  if (!isRecord(schema)) return schema;
  const ref = str(schema['$ref']);
  if (ref !== undefined) {
    const match = /^#\/components\/inputs\/([^/]+)$/.exec(ref);
    const name = match?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
    if (name === undefined || !Object.hasOwn(componentInputs, name)) {
      issues.push({ pointer: at(pointer, '$ref'), message: `unresolvable $ref "${ref}"` });
      return true;
    }
    if (seen.includes(name)) {
      issues.push({ pointer: at(pointer, '$ref'), message: `circular $ref "${ref}"` });
      return true;
    }
    const others = Object.keys(schema).filter((key) => key !== '$ref');
    if (others.length > 0) {
      issues.push({
        pointer,
        message: `keywords beside $ref are not supported: ${others.join(', ')}`,
      });
    }
    return resolveInputSchema(
      componentInputs[name],
      `/components/inputs/${escapePointerToken(name)}`,
      componentInputs,
      issues,
      [...seen, name],
    );
  }
  const result: Rec = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || ANNOTATION_SCHEMA_KEYWORDS.has(key)) {
      result[key] = value;
      continue;
    }
    if (!SUPPORTED_SCHEMA_KEYWORDS.has(key)) {
      issues.push({
        pointer: at(pointer, key),
        message: `${pointer.includes('/responses/') ? 'response' : 'inputs'} schema keyword "${key}" is not supported`,
      });
      continue;
    }
    if (key === 'properties' && isRecord(value)) {
      const properties: Rec = {};
      for (const [name, sub] of Object.entries(value)) {
        properties[name] = resolveInputSchema(
          sub,
          at(pointer, key, name),
          componentInputs,
          issues,
          seen,
        );
      }
      result[key] = properties;
    } else if (key === 'additionalProperties' || key === 'items') {
      result[key] = resolveInputSchema(value, at(pointer, key), componentInputs, issues, seen);
    } else {
      if (key === 'pattern' && typeof value === 'string') {
        try {
          new RegExp(value, 'u');
        } catch (error) {
          issues.push({
            pointer: at(pointer, key),
            message: `pattern does not compile: ${(error as Error).message}`,
          });
        }
      }
      result[key] = value;
    }
  }
  return result;
};

/**
 * Validates and compiles a parsed Arazzo document whose OpenAPI source has already been parsed. Pure (no I/O);
 * `compileArazzoFile` does the reading. Returns every issue; `compiled` only when there are none.
 */
export const compileArazzoDocument = (
  document: unknown,
  source: { readonly openapi: unknown; readonly issues?: readonly DocumentIssue[] },
): CompileResult => {
  const issues: DocumentIssue[] = [...validateArazzoSchema(document), ...(source.issues ?? [])];
  const warnings: DocumentIssue[] = [];
  walkForbiddenKeys(document, '', issues);
  if (!isRecord(document)) return { issues, warnings };
  const { checkValue, checkExpressionText, checkCriterion } = createChecker(issues, warnings);
  const components = isRecord(document['components']) ? document['components'] : {};
  const componentSection = (name: string): Rec =>
    isRecord(components[name]) ? (components[name] as Rec) : {};

  const sources = asArray(document['sourceDescriptions']);
  if (sources.length !== 1) {
    issues.push({
      pointer: '/sourceDescriptions',
      message: `exactly one source description is supported, found ${sources.length}`,
    });
  }
  const firstSource = isRecord(sources[0]) ? sources[0] : {};
  const sourceName = str(firstSource['name']) ?? '';
  const sourceType = str(firstSource['type']);
  if (sourceType === 'arazzo') {
    issues.push({
      pointer: '/sourceDescriptions/0/type',
      message: 'arazzo-type source descriptions are not supported',
    });
  } else if (sourceType === undefined) {
    warnings.push({
      pointer: '/sourceDescriptions/0/type',
      message: 'type is absent; treated as openapi',
    });
  }
  const operations = indexOperations(source.openapi, issues, '/sourceDescriptions/0/url');
  const usedOperations: Record<string, CompiledOperation> = {};

  /** Resolves a Reusable Object to its component (a copy), or returns the object itself. */
  const resolveReusable = (
    item: unknown,
    pointer: string,
    section: 'parameters' | 'successActions' | 'failureActions',
  ): Rec | undefined => {
    if (!isRecord(item)) return undefined;
    const reference = str(item['reference']);
    if (reference === undefined) return item;
    const parsed = parseExpression(reference);
    if (
      !parsed.ok ||
      parsed.expression.kind !== 'component' ||
      parsed.expression.section !== section
    ) {
      issues.push({
        pointer: at(pointer, 'reference'),
        message: `"${reference}" is not a $components.${section} reference`,
      });
      return undefined;
    }
    const target = componentSection(section)[parsed.expression.name];
    if (!isRecord(target)) {
      issues.push({ pointer: at(pointer, 'reference'), message: `no component "${reference}"` });
      return undefined;
    }
    return section === 'parameters' && Object.hasOwn(item, 'value')
      ? { ...target, value: item['value'] }
      : { ...target };
  };

  const resolveParameters = (list: unknown, pointer: string): { value: Rec; pointer: string }[] => {
    const resolved: { value: Rec; pointer: string }[] = [];
    const identities = new Set<string>();
    asArray(list).forEach((item, index) => {
      const where = at(pointer, index);
      const value = resolveReusable(item, where, 'parameters');
      if (value === undefined) return;
      const name = str(value['name']) ?? '';
      const location = str(value['in']);
      if (location === undefined) {
        issues.push({
          pointer: where,
          message: `parameter "${name}" needs "in" for an operation step`,
        });
        return;
      }
      const identity = `${location}:${location === 'header' ? name.toLowerCase() : name}`;
      if (identities.has(identity)) {
        issues.push({ pointer: where, message: `duplicate parameter "${name}" in ${location}` });
      }
      identities.add(identity);
      resolved.push({ value, pointer: where });
    });
    return resolved;
  };

  const workflowIds = new Set<string>();
  const compiledWorkflows: CompiledWorkflow[] = [];
  asArray(document['workflows']).forEach((rawWorkflow, w) => {
    if (!isRecord(rawWorkflow)) return;
    const wp = at('', 'workflows', w);
    const workflowId = str(rawWorkflow['workflowId']) ?? '';
    if (workflowIds.has(workflowId)) {
      issues.push({
        pointer: at(wp, 'workflowId'),
        message: `duplicate workflowId "${workflowId}"`,
      });
    }
    workflowIds.add(workflowId);
    if (rawWorkflow['dependsOn'] !== undefined) {
      issues.push({ pointer: at(wp, 'dependsOn'), message: 'dependsOn is not supported' });
    }
    const inputsSchema =
      rawWorkflow['inputs'] === undefined
        ? null
        : (resolveInputSchema(
            rawWorkflow['inputs'],
            at(wp, 'inputs'),
            componentSection('inputs'),
            issues,
          ) as JsonSchema);
    const inputProperties = isRecord(inputsSchema) ? inputsSchema['properties'] : undefined;
    const inputNames = isRecord(inputProperties)
      ? new Set(Object.keys(inputProperties))
      : undefined;
    for (const name of inputNames ?? []) {
      if (!NAME.test(name)) {
        issues.push({
          pointer: at(wp, 'inputs', 'properties', name),
          message: `input name "${name}" must match [A-Za-z0-9_-]+`,
        });
      }
    }
    const steps = asArray(rawWorkflow['steps']).filter(isRecord);
    const stepIds = steps.map((step) => str(step['stepId']) ?? '');
    stepIds.forEach((stepId, index) => {
      if (stepIds.indexOf(stepId) !== index) {
        issues.push({
          pointer: at(wp, 'steps', index, 'stepId'),
          message: `duplicate stepId "${stepId}"`,
        });
      }
    });
    const stepOutputs = new Map(
      steps.map((step) => [
        str(step['stepId']) ?? '',
        new Set(isRecord(step['outputs']) ? Object.keys(step['outputs']) : []),
      ]),
    );
    const workflowOutputs = isRecord(rawWorkflow['outputs']) ? rawWorkflow['outputs'] : {};
    const context: WorkflowContext = {
      stepIds,
      stepOutputs,
      inputNames,
      workflowOutputNames: new Set(Object.keys(workflowOutputs)),
    };

    const compileActions = (
      list: unknown,
      pointer: string,
      section: 'successActions' | 'failureActions',
      from: 'step' | 'workflow',
      currentStep: number,
    ): CompiledAction[] => {
      const names = new Set<string>();
      const result: CompiledAction[] = [];
      asArray(list).forEach((item, index) => {
        const where = at(pointer, index);
        const action = resolveReusable(item, where, section);
        if (action === undefined) return;
        const name = str(action['name']) ?? '';
        const type = str(action['type']);
        if (names.has(name))
          issues.push({ pointer: where, message: `duplicate action name "${name}"` });
        names.add(name);
        if (action['workflowId'] !== undefined) {
          issues.push({
            pointer: at(where, 'workflowId'),
            message: `${String(type)} to a workflow is not supported`,
          });
        }
        const stepId = str(action['stepId']);
        if (type === 'retry' && stepId !== undefined) {
          issues.push({
            pointer: at(where, 'stepId'),
            message: 'retry with a target step is not supported',
          });
        }
        if (type === 'goto' && stepId !== undefined && !stepIds.includes(stepId)) {
          issues.push({
            pointer: at(where, 'stepId'),
            message: `goto target "${stepId}" does not exist`,
          });
        }
        if (type === 'goto' && stepId === undefined && action['workflowId'] === undefined) {
          issues.push({ pointer: where, message: 'goto needs a stepId' });
        }
        if (type !== 'end' && type !== 'goto' && type !== 'retry') return;
        if (section === 'successActions' && type === 'retry') {
          issues.push({ pointer: at(where, 'type'), message: 'retry is not a success action' });
        }
        const criteria = asArray(action['criteria']).flatMap((criterion, c) => {
          const compiled = checkCriterion(
            criterion,
            at(where, 'criteria', c),
            context,
            currentStep,
          );
          return compiled === undefined ? [] : [compiled];
        });
        const retryAfter = action['retryAfter'];
        const retryLimit = action['retryLimit'];
        result.push({
          name,
          type,
          ...(stepId === undefined || type === 'retry' ? {} : { stepId }),
          ...(type === 'retry' && typeof retryAfter === 'number' ? { retryAfter } : {}),
          ...(type === 'retry' && typeof retryLimit === 'number' ? { retryLimit } : {}),
          criteria,
          from,
        });
      });
      return result;
    };

    const merge = (own: CompiledAction[], inherited: CompiledAction[]): CompiledAction[] => {
      // Step actions first; inherited ones only when the step does not redefine the name (arazzo.md §6).
      const names = new Set(own.map((action) => action.name));
      return [...own, ...inherited.filter((action) => !names.has(action.name))];
    };

    const workflowParameters = resolveParameters(rawWorkflow['parameters'], at(wp, 'parameters'));
    for (const parameter of workflowParameters) {
      checkValue(parameter.value['value'], at(parameter.pointer, 'value'), context, 'request', 0);
    }
    // Workflow-level actions may refer to any step's outputs: check them as if at the end.
    const workflowSuccess = compileActions(
      rawWorkflow['successActions'],
      at(wp, 'successActions'),
      'successActions',
      'workflow',
      steps.length,
    );
    const workflowFailure = compileActions(
      rawWorkflow['failureActions'],
      at(wp, 'failureActions'),
      'failureActions',
      'workflow',
      steps.length,
    );

    const compiledSteps: CompiledStep[] = [];
    steps.forEach((step, s) => {
      const sp = at(wp, 'steps', s);
      const stepId = stepIds[s] ?? '';
      if (step['workflowId'] !== undefined) {
        issues.push({
          pointer: at(sp, 'workflowId'),
          message: 'workflowId steps are not supported',
        });
        return;
      }
      let operationKey: string | undefined;
      const operationId = str(step['operationId']);
      const operationPath = str(step['operationPath']);
      if (operationId !== undefined) {
        let id = operationId;
        const qualified = /^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$/.exec(operationId);
        if (qualified) {
          if (qualified[1] !== sourceName) {
            issues.push({
              pointer: at(sp, 'operationId'),
              message: `unknown source description "${qualified[1]}"`,
            });
          }
          id = qualified[2] ?? '';
        }
        if (operations.has(id)) operationKey = id;
        else
          issues.push({
            pointer: at(sp, 'operationId'),
            message: `operationId "${id}" is not in the source description`,
          });
      } else if (operationPath !== undefined) {
        const match = OPERATION_PATH.exec(operationPath);
        const tokens = match ? parseJsonPointer(match[2] ?? '') : undefined;
        if (!match || match[1] !== sourceName || tokens?.length !== 3 || tokens[0] !== 'paths') {
          issues.push({
            pointer: at(sp, 'operationPath'),
            message: `operationPath "${operationPath}" must be {$sourceDescriptions.${sourceName}.url}#/paths/<path>/<method>`,
          });
        } else {
          const key = `${(tokens[2] ?? '').toUpperCase()} ${tokens[1] ?? ''}`;
          if (operations.has(key)) operationKey = key;
          else
            issues.push({
              pointer: at(sp, 'operationPath'),
              message: `operationPath "${operationPath}" does not resolve in the source description`,
            });
        }
      }
      const operation = operationKey === undefined ? undefined : operations.get(operationKey);
      if (operation !== undefined && operationKey !== undefined) {
        const problem = checkPathTemplate(operation.path);
        if (problem !== undefined)
          issues.push({
            pointer: at(sp, operationId === undefined ? 'operationPath' : 'operationId'),
            message: problem,
          });
        const { pointer: _pointer, ...entry } = operation;
        usedOperations[operationKey] = entry;
      }

      const stepParameters = resolveParameters(step['parameters'], at(sp, 'parameters'));
      const identity = (value: Rec): string => {
        const name = str(value['name']) ?? '';
        const location = str(value['in']) ?? '';
        return `${location}:${location === 'header' ? name.toLowerCase() : name}`;
      };
      const stepIdentities = new Set(stepParameters.map((parameter) => identity(parameter.value)));
      const merged = [
        ...workflowParameters.filter((parameter) => !stepIdentities.has(identity(parameter.value))),
        ...stepParameters,
      ];
      for (const parameter of stepParameters) {
        checkValue(parameter.value['value'], at(parameter.pointer, 'value'), context, 'request', s);
      }
      const parameters: CompiledParameter[] = merged.map((parameter) => ({
        name: str(parameter.value['name']) ?? '',
        in: (str(parameter.value['in']) ?? 'query') as CompiledParameter['in'],
        value: parameter.value['value'],
      }));
      if (operation !== undefined) {
        const slots = (splitPathTemplate(operation.path) ?? []).flatMap((part) =>
          typeof part === 'string' ? [] : [part.param],
        );
        for (const slot of slots) {
          if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === slot)) {
            issues.push({
              pointer: sp,
              message: `path parameter "${slot}" of ${operation.path} has no value`,
            });
          }
        }
        for (const parameter of parameters) {
          if (parameter.in === 'path' && !slots.includes(parameter.name)) {
            issues.push({
              pointer: at(sp, 'parameters'),
              message: `path parameter "${parameter.name}" is not in ${operation.path}`,
            });
          }
        }
      }

      let requestBody: CompiledRequestBody | undefined;
      const rawBody = step['requestBody'];
      if (isRecord(rawBody)) {
        const bp = at(sp, 'requestBody');
        if (operation !== undefined && NO_BODY_METHODS.has(operation.method)) {
          issues.push({
            pointer: bp,
            message: `requestBody is not allowed on ${operation.method}`,
          });
        }
        const contentType =
          str(rawBody['contentType']) ?? operation?.contentType ?? 'application/json';
        if (bodyEncodingOf(contentType) === undefined) {
          issues.push({
            pointer: at(bp, 'contentType'),
            message: `content type "${contentType}" is not supported (JSON, form or text only)`,
          });
        }
        if (Object.hasOwn(rawBody, 'payload')) {
          checkValue(rawBody['payload'], at(bp, 'payload'), context, 'request', s);
        }
        const replacements = asArray(rawBody['replacements'])
          .filter(isRecord)
          .map((replacement, r) => {
            const rp = at(bp, 'replacements', r);
            const target = str(replacement['target']) ?? '';
            const tokens = parseJsonPointer(target);
            if (tokens === undefined) {
              issues.push({
                pointer: at(rp, 'target'),
                message: `"${target}" is not a JSON Pointer (XPath targets are not supported)`,
              });
            } else if (tokens.some((token) => FORBIDDEN_KEYS.has(token))) {
              issues.push({
                pointer: at(rp, 'target'),
                message: `forbidden key in target "${target}"`,
              });
            }
            checkValue(replacement['value'], at(rp, 'value'), context, 'request', s);
            return { target, value: replacement['value'] };
          });
        requestBody = {
          contentType,
          ...(Object.hasOwn(rawBody, 'payload') ? { payload: rawBody['payload'] } : {}),
          replacements,
        };
      }

      const rawCriteria = asArray(step['successCriteria']);
      if (rawCriteria.length === 0) {
        warnings.push({ pointer: sp, message: 'no successCriteria: any 2xx succeeds' });
      }
      const successCriteria = rawCriteria.flatMap((criterion, c) => {
        const compiled = checkCriterion(criterion, at(sp, 'successCriteria', c), context, s);
        return compiled === undefined ? [] : [compiled];
      });
      const onSuccess = merge(
        compileActions(step['onSuccess'], at(sp, 'onSuccess'), 'successActions', 'step', s),
        workflowSuccess,
      );
      const onFailure = merge(
        compileActions(step['onFailure'], at(sp, 'onFailure'), 'failureActions', 'step', s),
        workflowFailure,
      );
      const outputs: Record<string, string> = {};
      for (const [name, expression] of Object.entries(
        isRecord(step['outputs']) ? step['outputs'] : {},
      )) {
        const op = at(sp, 'outputs', name);
        if (!NAME.test(name))
          issues.push({ pointer: op, message: `output name "${name}" must match [A-Za-z0-9_-]+` });
        if (typeof expression === 'string') {
          checkExpressionText(expression, op, context, 'response', s);
          outputs[name] = expression;
        }
      }
      compiledSteps.push({
        stepId,
        operation: operationKey ?? '',
        parameters,
        ...(requestBody === undefined ? {} : { requestBody }),
        successCriteria,
        onSuccess,
        onFailure,
        outputs,
      });
    });

    const outputs: Record<string, string> = {};
    for (const [name, expression] of Object.entries(workflowOutputs)) {
      const op = at(wp, 'outputs', name);
      if (!NAME.test(name))
        issues.push({ pointer: op, message: `output name "${name}" must match [A-Za-z0-9_-]+` });
      if (typeof expression === 'string') {
        checkExpressionText(expression, op, context, 'workflowOutput', steps.length);
        outputs[name] = expression;
      }
    }
    const summary = str(rawWorkflow['summary']);
    compiledWorkflows.push({
      workflowId,
      ...(summary === undefined ? {} : { summary }),
      inputs: inputsSchema,
      steps: compiledSteps,
      outputs,
    });
  });

  if (issues.length > 0) return { issues, warnings };
  const info = isRecord(document['info']) ? document['info'] : {};
  const sortedOperations: Record<string, CompiledOperation> = {};
  for (const key of Object.keys(usedOperations).sort()) {
    sortedOperations[key] = usedOperations[key] as CompiledOperation;
  }
  return {
    compiled: {
      format: COMPILED_FORMAT,
      arazzo: str(document['arazzo']) ?? '',
      info: { title: str(info['title']) ?? '', version: str(info['version']) ?? '' },
      source: { name: sourceName, url: str(firstSource['url']) ?? '' },
      operations: sortedOperations,
      workflows: compiledWorkflows,
    },
    issues,
    warnings,
  };
};

/** Where a source description's file is: the override by name, else its `url` relative to the document. */
export const resolveSourcePath = (
  documentPath: string,
  source: { readonly name: string; readonly url: string },
  overrides: Readonly<Record<string, string>> = {},
): string | undefined => {
  const override = Object.hasOwn(overrides, source.name) ? overrides[source.name] : undefined;
  if (override !== undefined) return resolve(override);
  if (/^[a-z][a-z0-9+.-]*:/i.test(source.url) && !source.url.startsWith('file:')) return undefined;
  const url = source.url.startsWith('file:') ? new URL(source.url).pathname : source.url;
  return isAbsolute(url) ? url : resolve(dirname(resolve(documentPath)), url);
};

/**
 * Reads, validates and compiles an Arazzo document file with its OpenAPI source (resolved relative to the
 * document, or overridden by name). Never throws for document problems: they come back as `issues`.
 */
export const compileArazzoFile = async (options: CompileOptions): Promise<CompileResult> => {
  let parsed: Awaited<ReturnType<typeof readDocumentFile>>;
  try {
    parsed = await readDocumentFile(options.documentPath);
  } catch (error) {
    const issues = (error as WorkflowDocumentError).details?.issues ?? [(error as Error).message];
    return {
      issues: issues.map((line) => ({ pointer: '/', message: line })),
      warnings: [],
    };
  }
  const document = parsed.document;
  const sources = isRecord(document) ? asArray(document['sourceDescriptions']) : [];
  const first = isRecord(sources[0]) ? sources[0] : {};
  const sourceRef = { name: str(first['name']) ?? '', url: str(first['url']) ?? '' };
  const sourceIssues: DocumentIssue[] = [];
  let openapi: unknown;
  const sourcePath = resolveSourcePath(options.documentPath, sourceRef, options.sources);
  if (sourcePath === undefined) {
    sourceIssues.push({
      pointer: '/sourceDescriptions/0/url',
      message: `remote source "${sourceRef.url}" is not supported; override it with --source ${sourceRef.name}=<path>`,
    });
  } else {
    try {
      openapi = (await readDocumentFile(sourcePath)).document;
      walkForbiddenKeys(openapi, '/sourceDescriptions/0/url#', sourceIssues);
    } catch (error) {
      sourceIssues.push({
        pointer: '/sourceDescriptions/0/url',
        message: `cannot load source "${sourceRef.name}" from ${sourcePath}: ${(error as Error).message}`,
      });
    }
  }
  return compileArazzoDocument(document, { openapi, issues: sourceIssues });
};

/**
 * Like `compileArazzoFile`, but returns the compiled document or throws WorkflowDocumentError with every issue
 * (formatted `<pointer>: <message>`) in `details.issues`.
 */
export const compileArazzoFileOrThrow = async (
  options: CompileOptions,
): Promise<CompiledDocument> => {
  const result = await compileArazzoFile(options);
  if (result.compiled === undefined) {
    throw new WorkflowDocumentError(
      `Workflow document ${options.documentPath} is invalid (${result.issues.length} problems)`,
      { issues: result.issues.map(formatIssue) },
    );
  }
  return result.compiled;
};

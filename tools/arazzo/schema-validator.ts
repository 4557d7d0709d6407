/**
 * The compiled Arazzo 1.0 JSON Schema validator (Ajv's 2020-12 dialect). Here it is compiled at first use, which
 * costs about 70 ms; the CLI bundle (`cli-bundle.ts`) replaces this module with Ajv's standalone code for the same
 * schema and options, so `npm run arazzo` never compiles the schema (docs/arazzo.md §13).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type Options, type ValidateFunction } from 'ajv/dist/2020.js';

// validateFormats off: `uri-reference` is an annotation here; relative source URLs are checked when resolved.
export const ARAZZO_SCHEMA_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  validateFormats: false,
};

/** The project's Arazzo 1.0 JSON Schema (schema/arazzo-1.0.schema.json). */
export const ARAZZO_SCHEMA_URL = new URL('./schema/arazzo-1.0.schema.json', import.meta.url);

export const readArazzoSchema = (): object =>
  JSON.parse(readFileSync(ARAZZO_SCHEMA_URL, 'utf8')) as object;

/** Compiles the schema with Ajv; the bundle's replacement returns the precompiled function instead. */
export const compileArazzoSchemaValidator = (): ValidateFunction =>
  new Ajv2020(ARAZZO_SCHEMA_OPTIONS).compile(readArazzoSchema());

/**
 * Prints the configuration table of the README from the one config schema (`npm run docs:config`); a unit test
 * fails when the README's table differs from it.
 */
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { EnvSchema } from '../../lib/config.ts';

type PropertySchema = { description?: string; default?: unknown };

/** The Markdown table of every environment variable: name, required or default, meaning. */
export const renderConfigTable = (): string => {
  const schema = z.toJSONSchema(EnvSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, PropertySchema>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties).map(([name, property]) => {
    const presence = required.has(name)
      ? 'required'
      : property.default === undefined
        ? 'optional'
        : `\`${String(property.default)}\``;
    return `| \`${name}\` | ${presence} | ${property.description ?? ''} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(renderConfigTable());
}

/** An operation's path template: its safety check and its split into literal text and parameter slots. */

/** Splits `/a/{id}/b` into literal and parameter parts; undefined when braces are unbalanced. */
export const splitPathTemplate = (
  template: string,
): (string | { readonly param: string })[] | undefined => {
  const parts: (string | { param: string })[] = [];
  const re = /\{([^{}]+)\}/g;
  let last = 0;
  for (const match of template.matchAll(re)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push({ param: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) return undefined;
  return parts;
};

/** Refuses absolute URLs, `//` and `..` so a request can only reach the configured server (docs/arazzo.md §12). */
export const checkPathTemplate = (template: string): string | undefined => {
  if (!template.startsWith('/')) return `path "${template}" must start with "/"`;
  if (template.includes('//')) return `path "${template}" must not contain "//"`;
  if (/(^|\/)\.\.?(\/|$)/.test(template))
    return `path "${template}" must not contain "." or ".." segments`;
  if (/[?#\\]/.test(template)) return `path "${template}" must not contain "?", "#" or "\\"`;
  return undefined;
};

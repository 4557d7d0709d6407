/**
 * The one redaction primitive: every layer that scrubs text (the interpreter's trace and outputs, the Amberflo
 * classifier, dead letters) calls it with the secrets it knows. Secrets shorter than 4 characters are ignored: they
 * would shred ordinary text.
 */
export const redactSecrets = (text: string, secrets: readonly (string | undefined)[]): string => {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[REDACTED]');
  }
  return result;
};

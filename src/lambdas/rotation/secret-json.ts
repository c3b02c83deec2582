/**
 * SecretString → JSON object, with errors that never quote the input: V8's own JSON.parse
 * messages include a slice of the text they failed on, which here would be a secret value.
 */
import { RotationError } from './protocol';

export type SecretObject = Readonly<Record<string, unknown>>;

/** `label` names the version in the error (AWSCURRENT, AWSPENDING, ...). */
export function parseSecretObject(text: string, label: string): SecretObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RotationError(`${label} SecretString is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RotationError(`${label} SecretString is not a JSON object`);
  }
  return parsed as SecretObject;
}

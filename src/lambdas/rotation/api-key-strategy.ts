/**
 * Rotation of API keys the platform issues itself: SecretString `{"apiKey": "<value>"}`.
 *
 * There is no downstream system to update (the services that accept the key read the same secret),
 * so setSecret does nothing and testSecret checks the pending key is well-formed: present, the
 * expected length and alphabet, and different from the current key.
 *
 * Keys are 40 letters and digits: no punctuation, so they go into HTTP headers, URLs and
 * environment variables without quoting (≈238 bits of entropy).
 */
import { RotationError, type RotationStrategy } from './protocol';
import { parseSecretObject, type SecretObject } from './secret-json';

export const API_KEY_LENGTH = 40;
const API_KEY_PATTERN = /^[A-Za-z0-9]+$/;

function apiKeyOf(secret: SecretObject): string | undefined {
  const key = secret['apiKey'];
  return typeof key === 'string' ? key : undefined;
}

/** Why `key` is not a well-formed API key, or undefined when it is. */
export function apiKeyProblem(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return 'has no apiKey';
  if (key.length !== API_KEY_LENGTH) return `apiKey has ${key.length} characters, expected ${API_KEY_LENGTH}`;
  if (!API_KEY_PATTERN.test(key)) return 'apiKey contains characters other than letters and digits';
  return undefined;
}

export const apiKeyStrategy: RotationStrategy = {
  kind: 'api-key',
  sensitiveFields: ['apiKey'],

  async createPending(current, randomPassword) {
    const secret = parseSecretObject(current, 'AWSCURRENT');
    const apiKey = await randomPassword({ length: API_KEY_LENGTH, excludePunctuation: true });
    // Other fields (descriptions, key ids) are carried over unchanged.
    return JSON.stringify({ ...secret, apiKey });
  },

  async setPending() {
    return 'api keys have no downstream system; nothing to set';
  },

  async testPending({ pending, current }) {
    const pendingKey = apiKeyOf(parseSecretObject(pending, 'AWSPENDING'));
    const problem = apiKeyProblem(pendingKey);
    if (problem) throw new RotationError(`AWSPENDING ${problem}`);
    if (pendingKey === apiKeyOf(parseSecretObject(current, 'AWSCURRENT'))) {
      throw new RotationError('AWSPENDING apiKey equals the AWSCURRENT one; createSecret did not generate a new key');
    }
    return `AWSPENDING apiKey is well-formed (${API_KEY_LENGTH} letters and digits) and differs from AWSCURRENT`;
  },
};

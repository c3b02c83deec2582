/**
 * Secrets Manager rotation function for platform-issued API keys (`{"apiKey": "..."}`).
 * Bundled to S3 as the `rotate-api-key` code asset; see src/lambdas/rotation/ for the protocol.
 */
import { apiKeyStrategy } from './rotation/api-key-strategy';
import { rotationHandler } from './rotation/handler';

export const handler = rotationHandler(apiKeyStrategy);

/**
 * Secrets Manager rotation function for PostgreSQL logins (single-user strategy).
 * Bundled to S3 as the `rotate-database` code asset; see src/lambdas/rotation/ for the protocol.
 */
import { rotationHandler } from './rotation/handler';
import { postgresStrategy } from './rotation/postgres-strategy';

export const handler = rotationHandler(postgresStrategy);

/** Platform-wide constants that are not per-environment (those live in params/<env>.json). */

/** Value of the `project` tag on every resource; prefix of the artifact keys. */
export const PROJECT = 'tap';

/** Availability zones the network spans (P-NET: 3). */
export const AZ_COUNT = 3;

/** P-OBS: retention of every log group the platform creates. */
export const LOG_RETENTION_DAYS = 30;

/** P-SEC: rotation period of every secret. */
export const SECRET_ROTATION_DAYS = 90;

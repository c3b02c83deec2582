/**
 * Intrinsic functions and pseudo parameters for stack code, from one import.
 * Deep imports keep cloudform-types' 200-service index (330 ms to load) out of the synth path.
 */
export * as Fn from 'cloudform-types/types/functions';
export * as Refs from 'cloudform-types/types/refs';
export { NO_VALUE, sub, when } from './cloudform-extensions';
export type { Value, List, Condition } from 'cloudform-types/types/dataTypes';
export { IntrinsicFunction } from 'cloudform-types/types/dataTypes';

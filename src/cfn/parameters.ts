/**
 * Parameter specs shared by several stacks. Each stack lists the ones it uses in its own
 * `parameters` object, so its contract stays readable in one place.
 */
import { Fn } from './fn';
import type { ParameterSpec } from './stack';
import { RETAIN_CONDITION } from './stateful';

/** Environment names: short and hyphen-free, because they end every physical name. */
export const ENVIRONMENT_PATTERN = '^[a-z][a-z0-9]{1,15}$';

export const environmentParameter = {
  Type: 'String',
  Description: 'Environment name; the last part of every physical name and the environment tag',
  AllowedPattern: ENVIRONMENT_PATTERN,
  ConstraintDescription: '2-16 lower-case letters or digits, starting with a letter',
} as const satisfies ParameterSpec;

export const DATA_PROTECTION_VALUES = ['retain', 'delete'] as const;

export const dataProtectionParameter = {
  Type: 'String',
  Description: 'retain: repositories, secrets, log groups, keys and buckets survive stack deletion and replacement (prod); delete: the environment is fully destroyable',
  AllowedValues: DATA_PROTECTION_VALUES,
} as const satisfies ParameterSpec;

/** The condition `defineStack` requires wherever stateful resources live. */
export const retainCondition = {
  [RETAIN_CONDITION]: Fn.Equals(Fn.Ref('DataProtection'), 'retain'),
};

/** A comma-separated list passed between stacks (nested stack parameters are strings). */
export function listParameter(description: string): ParameterSpec & { Type: 'CommaDelimitedList' } {
  return { Type: 'CommaDelimitedList', Description: description };
}

export function stringParameter(description: string): ParameterSpec & { Type: 'String' } {
  return { Type: 'String', Description: description };
}

/**
 * Plain-JSON view of a rendered template: what lint, plan, tests and the deploy pipeline read.
 * Builders produce cloudform objects; `renderTemplate` turns them into this shape once.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ResourceJson {
  Type: string;
  Properties?: JsonObject;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: Json;
  UpdateReplacePolicy?: Json;
  Metadata?: JsonObject;
}

export interface ParameterJson {
  Type: string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  ConstraintDescription?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean;
}

export interface OutputJson {
  Description?: string;
  Value: Json;
  Condition?: string;
}

export interface TemplateJson {
  AWSTemplateFormatVersion: string;
  Description: string;
  Transform?: string;
  Metadata?: JsonObject;
  Parameters?: Record<string, ParameterJson>;
  Mappings?: Record<string, Record<string, Record<string, Json>>>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, ResourceJson>;
  Outputs?: Record<string, OutputJson>;
}

/** Round-trips through JSON so that cloudform intrinsics become their `{ "Fn::X": ... }` form. */
export function toPlainJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

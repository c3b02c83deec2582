/**
 * Resource providers: what each service does when CloudFormation creates, reads or deletes one of
 * its resource types, the way CloudFormation's resource handlers call the service APIs
 * (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-develop.html).
 * Each service module of the fake registers the providers of its types; a type with none is
 * created and deleted by CloudFormation alone, named `<stack>-<LogicalId>-<random>`.
 */
import type { JsonObject } from '../../../../src/core/template-json';
import type { ResourceState } from './stacks';

export interface PhysicalIdRequest {
  readonly stackName: string;
  readonly logicalId: string;
  /** A unique random-looking part (`R00000000042`). */
  readonly suffix: string;
  readonly properties: JsonObject | undefined;
}

export interface ResourceProvider {
  /** The physical id (what `Ref` answers) of a new resource. */
  readonly physicalId?: (request: PhysicalIdRequest) => string;
  /** `Fn::GetAtt` of this type, where it differs from the generic answer. */
  readonly attribute?: (resource: ResourceState, attribute: string) => string | undefined;
  /**
   * Why creating it fails (the reason CloudFormation shows), if it does: asked when the execution
   * is planned, with the resources the same execution creates before it (execution.ts).
   */
  readonly createFails?: (properties: JsonObject, earlier: readonly CreatedEarlier[]) => string | undefined;
  /** The service-side effect of creating or updating it (with its properties as applied). */
  readonly apply?: (physicalId: string, properties: JsonObject) => void;
  /** Why deleting it fails now (the reason CloudFormation shows), if it does. */
  readonly deleteFails?: (physicalId: string) => string | undefined;
  /** The service-side effect of deleting it. */
  readonly delete?: (physicalId: string) => void;
}

/** A resource an execution creates before another: its type and properties (ids of what is not created yet are stand-ins). */
export interface CreatedEarlier {
  readonly type: string;
  readonly properties: JsonObject;
}

export type ResourceProviders = Readonly<Record<string, ResourceProvider>>;

/** How CloudFormation words a failure its resource handler reports (as stack events show it). */
export const handlerMessage = (message: string, handlerErrorCode?: string): string =>
  `Resource handler returned message: "${message}"${handlerErrorCode ? ` (HandlerErrorCode: ${handlerErrorCode})` : ''}`;

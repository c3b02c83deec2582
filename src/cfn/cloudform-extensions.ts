/**
 * The ONE place where cloudform-types (frozen at the 2023 resource specification) is extended.
 *
 * Everything below is a typed declaration: TypeScript module augmentation merges new optional
 * members into cloudform's property classes, so stack code keeps using `new ECS.Service({...})`
 * and gets compile errors for misspelt or mistyped new properties. Each entry names the AWS
 * feature and the CloudFormation property it adds; shapes follow the CloudFormation resource
 * schemas that cfn-lint bundles (checked by `make lint`).
 *
 * Intrinsics and resource attributes cloudform lacks are exported as typed constructors at the
 * end of this file; stack code imports them from here and nowhere else.
 */
import { IntrinsicFunction, type List, type Value } from 'cloudform-types/types/dataTypes';
import { ResourceBase, type ResourceTag } from 'cloudform-types/types/resource';
// The modules augmented below must be part of the program for TypeScript to merge into them.
import type {} from 'cloudform-types/types/ecs/service';
import type {} from 'cloudform-types/types/lambda/function';
import type {} from 'cloudform-types/types/ec2/vpcEndpoint';
import type {} from 'cloudform-types/types/cloudWatch/alarm';
import type {} from 'cloudform-types/types/elasticLoadBalancingV2/listener';
import type {} from 'cloudform-types/types/cloudWatch/dashboard';
import type {} from 'cloudform-types/types/elasticLoadBalancingV2/listenerRule';
import type {} from 'cloudform-types/types/applicationAutoScaling/scalableTarget';

/* ------------------------------------------------------------------------------------------ */
/* ECS: native blue/green deployments (2025), Service Connect timeouts, TLS and access logs     */
/* ------------------------------------------------------------------------------------------ */

export type EcsDeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

export interface ServiceConnectTimeout {
  /** 0 disables; default 300 s for HTTP protocols. */
  IdleTimeoutSeconds?: Value<number>;
  /** 0 disables; needs a non-TCP appProtocol. The unset default is about 15 s. */
  PerRequestTimeoutSeconds?: Value<number>;
}

export interface ServiceConnectTls {
  IssuerCertificateAuthority: { AwsPcaAuthorityArn: Value<string> };
  KmsKey?: Value<string>;
  RoleArn?: Value<string>;
}

export interface ServiceConnectAccessLogConfiguration {
  Format: Value<'TEXT' | 'JSON'>;
  IncludeQueryParameters?: Value<'ENABLED' | 'DISABLED'>;
}

export interface LoadBalancerAdvancedConfiguration {
  AlternateTargetGroupArn: Value<string>;
  ProductionListenerRule?: Value<string>;
  TestListenerRule?: Value<string>;
  RoleArn?: Value<string>;
}

declare module 'cloudform-types/types/ecs/service' {
  interface ServiceConnectService {
    Timeout?: ServiceConnectTimeout;
    Tls?: ServiceConnectTls;
  }
  interface ServiceConnectConfiguration {
    AccessLogConfiguration?: ServiceConnectAccessLogConfiguration;
  }
  interface DeploymentConfiguration {
    Strategy?: Value<EcsDeploymentStrategy>;
    /** Minutes both revisions run after the production traffic shift; required for BLUE_GREEN. */
    BakeTimeInMinutes?: Value<number>;
  }
  interface LoadBalancer {
    AdvancedConfiguration?: LoadBalancerAdvancedConfiguration;
  }
  interface ServiceProperties {
    AvailabilityZoneRebalancing?: Value<'ENABLED' | 'DISABLED'>;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Lambda: LoggingConfig (Nov 2023) lets a function log to a named, KMS-encrypted log group     */
/* ------------------------------------------------------------------------------------------ */

export interface LambdaLoggingConfig {
  LogFormat?: Value<'Text' | 'JSON'>;
  LogGroup?: Value<string>;
  ApplicationLogLevel?: Value<string>;
  SystemLogLevel?: Value<string>;
}

declare module 'cloudform-types/types/lambda/function' {
  interface FunctionProperties {
    LoggingConfig?: LambdaLoggingConfig;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Tags AWS accepts since 2024-25 (VPC endpoints, alarms, dashboards, listeners and rules,      */
/* autoscaling targets)                                                                          */
/* ------------------------------------------------------------------------------------------ */

declare module 'cloudform-types/types/ec2/vpcEndpoint' {
  interface VPCEndpointProperties {
    Tags?: List<ResourceTag>;
  }
}

declare module 'cloudform-types/types/cloudWatch/alarm' {
  interface AlarmProperties {
    Tags?: List<ResourceTag>;
  }
}

declare module 'cloudform-types/types/cloudWatch/dashboard' {
  interface DashboardProperties {
    Tags?: List<ResourceTag>;
  }
}

declare module 'cloudform-types/types/elasticLoadBalancingV2/listener' {
  interface ListenerProperties {
    Tags?: List<ResourceTag>;
  }
}

declare module 'cloudform-types/types/elasticLoadBalancingV2/listenerRule' {
  interface ListenerRuleProperties {
    Tags?: List<ResourceTag>;
  }
}

declare module 'cloudform-types/types/applicationAutoScaling/scalableTarget' {
  interface ScalableTargetProperties {
    Tags?: List<ResourceTag>;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Resource attributes                                                                          */
/* ------------------------------------------------------------------------------------------ */

/** DeletionPolicy values; cloudform's enum lacks RetainExceptOnCreate (2023). */
export type DeletionPolicyValue = 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
/** UpdateReplacePolicy values (RetainExceptOnCreate exists for DeletionPolicy only). */
export type UpdateReplacePolicyValue = 'Delete' | 'Retain' | 'Snapshot';

declare module 'cloudform-types/types/resource' {
  interface ResourceBase<TProperties extends object> {
    /** Missing from cloudform. The intrinsic form needs the AWS::LanguageExtensions transform. */
    UpdateReplacePolicy?: UpdateReplacePolicyValue | IntrinsicFunction;
  }
}

/**
 * DeletionPolicy and UpdateReplacePolicy chosen at deploy time by a condition, for stacks deployed
 * on their own only (the intrinsic form needs the AWS::LanguageExtensions transform; see
 * StackSpec.standalone). cloudform types both attributes as string enums, so the conditional form
 * is attached here, in one typed function.
 */
export function retainWhen<R extends ResourceBase>(
  resource: R,
  conditionName: string,
): R & { DeletionPolicy: IntrinsicFunction; UpdateReplacePolicy: IntrinsicFunction } {
  const policy = (): IntrinsicFunction => new IntrinsicFunction('Fn::If', [conditionName, 'Retain', 'Delete']);
  return Object.assign(resource, { DeletionPolicy: policy(), UpdateReplacePolicy: policy() });
}

/**
 * Static DeletionPolicy and UpdateReplacePolicy (literal strings, never intrinsics: an intrinsic
 * here needs the AWS::LanguageExtensions transform, which nested change sets break; see
 * src/cfn/stateful.ts). cloudform types DeletionPolicy as an enum without RetainExceptOnCreate, so
 * the policies are attached here, in one typed function.
 */
export function withRetentionPolicies<R extends ResourceBase>(
  resource: R,
  policies: { readonly deletion: DeletionPolicyValue; readonly updateReplace: UpdateReplacePolicyValue },
): R {
  return Object.assign(resource, { DeletionPolicy: policies.deletion, UpdateReplacePolicy: policies.updateReplace });
}

/* ------------------------------------------------------------------------------------------ */
/* Custom resources: cloudform models only ServiceToken                                         */
/* ------------------------------------------------------------------------------------------ */

/** A `Custom::<Name>` resource whose provider properties are typed by `P`. */
export class CustomResource<P extends object> extends ResourceBase<{ ServiceToken: Value<string> } & P> {
  constructor(typeName: `Custom::${string}`, properties: { ServiceToken: Value<string> } & P) {
    super(typeName, properties);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* IAM: an OIDC provider without thumbprints                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * AWS::IAM::OIDCProvider as the current schema has it: `ThumbprintList` is optional (cloudform's
 * 2023 types require it). IAM trusts GitHub's OIDC provider through its own library of root CAs,
 * so no thumbprint is needed ("Obtain the thumbprint for an OpenID Connect identity provider",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html).
 */
export class OidcProvider extends ResourceBase<{ Url: Value<string>; ClientIdList: List<Value<string>>; ThumbprintList?: List<Value<string>>; Tags?: ResourceTag[] }> {
  constructor(properties: { Url: Value<string>; ClientIdList: List<Value<string>>; ThumbprintList?: List<Value<string>>; Tags?: ResourceTag[] }) {
    super('AWS::IAM::OIDCProvider', properties);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Intrinsics cloudform does not provide                                                        */
/* ------------------------------------------------------------------------------------------ */

/** `Fn::Sub` with only a template string (cloudform's `Sub` always emits a variables map). */
export function sub(template: string): IntrinsicFunction {
  return new IntrinsicFunction('Fn::Sub', template);
}

/** `AWS::NoValue`: removes the property (or list item) it stands in for. */
export const NO_VALUE = new IntrinsicFunction('Ref', 'AWS::NoValue');

/**
 * `Fn::If` typed as its branches. CloudFormation resolves it to one of them before the property
 * is used, so it may stand wherever a `T` is expected (a list item, a nested property object),
 * where cloudform's untyped `Fn.If` is not accepted. The false branch may be `NO_VALUE`.
 */
export function when<T>(condition: string, whenTrue: T, whenFalse: T | typeof NO_VALUE): T {
  return new IntrinsicFunction('Fn::If', [condition, whenTrue, whenFalse]) as unknown as T;
}

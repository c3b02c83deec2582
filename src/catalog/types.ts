/**
 * Shape of a service catalog entry. Adding a service to the platform is adding one of these to
 * `catalog/services.ts`; every stack that should grow (registry, mesh, services) derives from it.
 */

/** Task sizes per environment profile, chosen by the `TaskSizeProfile` parameter. */
export const TASK_SIZE_PROFILES = ['small', 'medium', 'large'] as const;
export type TaskSizeProfile = (typeof TASK_SIZE_PROFILES)[number];

export interface TaskSize {
  /** Fargate CPU units for the whole task (includes the Service Connect proxy's share). */
  readonly cpu: 256 | 512 | 1024 | 2048 | 4096;
  /** MiB; must be a valid Fargate pairing with `cpu` (checked by `validateCatalog`). */
  readonly memory: number;
}

export interface HealthCheck {
  /** HTTP path answered with 2xx/3xx by a healthy task (ALB and container check). */
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Time ECS ignores failing health checks after a task starts. */
  readonly gracePeriodSeconds: number;
}

/** Public services sit behind the internet-facing ALB and deploy blue/green. */
export interface PublicExposure {
  readonly kind: 'public';
  /** ALB path patterns (at most 5 per rule). */
  readonly pathPatterns: readonly string[];
  /** Listener-rule priority, unique per listener; lower wins. Stable on purpose (docs/decisions.md, "Listener rules ECS owns are frozen in the templates"). */
  readonly priority: number;
}

/** Internal services are reachable only through Service Connect from declared callers. */
export interface InternalExposure {
  readonly kind: 'internal';
}

export type SecretKind = 'database' | 'api-key';

export interface SecretDefinition {
  /** Short name, unique within the service; part of the secret's physical name. */
  readonly name: string;
  readonly kind: SecretKind;
  readonly description: string;
  /**
   * Environment variables injected from the secret. For `database` secrets each variable names a
   * JSON key of the credentials document (host, port, dbname, username, password); `api-key`
   * secrets inject their `apiKey` value.
   */
  readonly env: Readonly<Record<string, string>>;
}

export interface ScalingMetric {
  /**
   * CloudWatch metric each task publishes, without dimensions, in namespace
   * `TAP/<environment>/<service>` (given to the container as METRICS_NAMESPACE); target tracking
   * reads `statistic` over the data points of all the service's tasks.
   */
  readonly metricName: string;
  readonly statistic: 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
  readonly targetValue: number;
  readonly unit: 'Count' | 'Seconds' | 'Milliseconds' | 'Percent' | 'None';
}

export interface ServiceDefinition {
  /** Lower-case DNS label; used in physical names, Service Connect names and ECR repositories. */
  readonly name: string;
  readonly description: string;
  readonly containerPort: number;
  /** Service Connect app protocol; enables L7 metrics and per-request timeouts. */
  readonly appProtocol: 'http' | 'http2' | 'grpc';
  readonly exposure: PublicExposure | InternalExposure;
  /** Services this one calls through Service Connect; each call opens exactly one SG path. */
  readonly calls: readonly string[];
  readonly sizes: Readonly<Record<TaskSizeProfile, TaskSize>>;
  readonly healthCheck: HealthCheck;
  /** Service Connect per-request timeout for calls *to* this service (default is about 15 s). */
  readonly requestTimeoutSeconds: number;
  readonly secrets: readonly SecretDefinition[];
  readonly scalingMetric: ScalingMetric;
  /** CloudWatch Logs filter pattern that counts an error line. */
  readonly errorLogPattern: string;
  /**
   * True until the service's first image is pushed. Its repository exists (the registry stack
   * creates it), but its ECS service is not created, because it could not pull an image yet.
   * @default false
   */
  readonly imagePending?: boolean;
}

export type ServiceCatalog = readonly ServiceDefinition[];

/**
 * Where a service's requests go when an endpoint is configured (an emulator such as moto):
 * `AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`, as in the SDKs' shared configuration
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). The one lookup for
 * the SDK clients, the session and the packaged TemplateURLs.
 */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/** `serviceKey` as the variable names it: `S3`, `CLOUDFORMATION`, `SECRETS_MANAGER`... */
export function endpointFor(env: EnvironmentVariables, serviceKey: string): string | undefined {
  return env[`AWS_ENDPOINT_URL_${serviceKey}`] || env['AWS_ENDPOINT_URL'] || undefined;
}

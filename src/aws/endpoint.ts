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

/** A host name of AWS's own endpoints (commercial, China, the dual-stack `api.aws`). */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/i;

const hostOf = (endpoint: string): string | undefined => {
  try {
    return new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
};

/**
 * Path-style S3 addressing (`http://host/bucket/key`) for an endpoint that is not AWS's own: an IP
 * address or `localhost` cannot have a bucket name in front of it, and an emulator's host name
 * has no per-bucket DNS. AWS's own endpoints (a regional, FIPS or VPC endpoint named in
 * AWS_ENDPOINT_URL_S3) keep the SDK's virtual-hosted default, which AWS recommends
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
 */
export function usesPathStyle(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = hostOf(endpoint);
  return host === undefined || !AWS_HOST.test(host);
}

/** 127.0.0.0/8 and ::1: the machine itself, which `localhost` names too. */
const LOOPBACK = /^(127(\.\d{1,3}){3}|::1)$/;

/**
 * The endpoint to write into S3 TemplateURLs. CloudFormation emulators read a TemplateURL by
 * parsing it: moto takes a path-style URL as such only when its host contains "localhost", and
 * reads `http://127.0.0.1:5000/bucket/key` as bucket "127" (NoSuchBucket; moto's server-mode docs:
 * "127.0.0.1 is not an adequate replacement, and may not work"). A loopback address is therefore
 * written as `localhost`, the same machine; every other endpoint is kept as given.
 */
export function templateEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (!LOOPBACK.test(url.hostname.replace(/^\[|\]$/g, ''))) return endpoint;
    url.hostname = 'localhost';
    return url.toString();
  } catch {
    return endpoint;
  }
}

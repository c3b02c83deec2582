/**
 * The fake S3: buckets with an owner and their objects, and the `AWS::S3::Bucket` resource.
 *
 * Documented behaviour it follows
 * - A bucket has one owner; a request whose `ExpectedBucketOwner` is not that account is 403
 *   AccessDenied ("If the bucket is owned by a different account, the request fails with the HTTP
 *   status code 403 Forbidden (access denied)":
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
 * - HeadBucket of a missing bucket is 404; HeadObject of a missing key is 404 (the port answers
 *   `absent` / false) (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html); GetObject of a missing
 *   key is NoSuchKey (the port answers undefined) (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 * - DeleteBucket of a bucket with objects is 409 BucketNotEmpty; CloudFormation's deletion of such a
 *   bucket fails ("The bucket you tried to delete is not empty")
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html).
 * - ListObjectVersions answers one page: here at most two versions, each key as version `v-<key>`,
 *   and no marker (the toolkit deletes a page and lists again from the start).
 * - A bucket's ARN is `arn:aws:s3:::<name>`; a bucket without BucketName is named from the stack
 *   and logical id, lower case (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html).
 * - A bucket policy (`AWS::S3::BucketPolicy`) grants other principals access. The fake keeps it
 *   for one question, whether it lets a principal PutObject a key (ALB access logs, elbv2.ts): an
 *   Allow statement whose Principal, Action and Resource match
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html). Deny statements
 *   and conditions are not evaluated.
 * - CloudFormation reads a TemplateURL from S3 as an https virtual-hosted or path-style URL
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html), or, against an
 *   emulator, the custom endpoint's path-style URL.
 */
import type { S3Port } from '../../../src/aws/port';
import type { JsonObject, TemplateJson } from '../../../src/core/template-json';
import { globMatches } from '../iam-policy';
import type { ResourceProvider } from './cloudformation/resources';
import { handlerMessage } from './cloudformation/resources';
import { awsError, type Call, type FakeCore } from './core';

export interface Bucket {
  readonly owner: string;
  readonly objects: Map<string, { body: Uint8Array; contentType: string }>;
  /** Its bucket policy document, once a stack set one. */
  policy?: JsonObject;
}

/** Whom a bucket policy grants: an AWS account (its id) or a service principal. */
export type PolicyPrincipal = { readonly account: string } | { readonly service: string };

const asList = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

/** Whether a bucket policy lets `principal` PutObject `key` of `bucket` (an Allow statement naming all three). */
export function policyAllowsPut(policy: JsonObject | undefined, bucket: string, principal: PolicyPrincipal, key: string): boolean {
  const statements = [policy?.['Statement'] ?? []].flat() as JsonObject[];
  return statements.some((statement) => {
    if (statement['Effect'] !== 'Allow') return false;
    const named = (statement['Principal'] ?? {}) as JsonObject;
    const grantee = 'account' in principal
      ? asList(named['AWS']).some((p) => p === principal.account || p === `arn:aws:iam::${principal.account}:root`)
      : asList(named['Service']).includes(principal.service);
    return grantee
      && asList(statement['Action']).some((a) => globMatches(a, 's3:PutObject', true))
      && asList(statement['Resource']).some((r) => globMatches(r, `arn:aws:s3:::${bucket}/${key}`));
  });
}

export class FakeS3 {
  readonly buckets = new Map<string, Bucket>();
  /** Bucket policy (physical id) → the bucket it is set on. */
  private readonly policyBuckets = new Map<string, string>();

  constructor(private readonly core: FakeCore) {}

  createBucket(name: string, owner = this.core.account): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { owner, objects: new Map() });
  }

  putObject(bucket: string, key: string, body: string): void {
    this.buckets.get(bucket)?.objects.set(key, { body: Buffer.from(body), contentType: 'text/plain' });
  }

  /** The bucket and key an S3 URL names: virtual-hosted, path-style, or path-style on the custom endpoint. */
  private parseUrl(url: string): { bucket: string | undefined; key: string | undefined } | undefined {
    const virtual = /^https:\/\/([^.]+(?:\.[^.]+)*?)\.s3\.[a-z0-9-]+\.amazonaws\.com\/(.+)$/.exec(url);
    if (virtual) return { bucket: virtual[1], key: virtual[2] };
    const pathStyle = /^https:\/\/s3(?:\.[a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
    if (pathStyle) return { bucket: pathStyle[1], key: pathStyle[2] };
    const endpoint = this.core.endpoint;
    if (endpoint && url.startsWith(`${endpoint}/`)) {
      const [bucket, key] = url.slice(endpoint.length + 1).split(/\/(.*)/s);
      return { bucket, key };
    }
    return undefined;
  }

  /** The template a TemplateURL names, as CloudFormation reads it; ValidationError when there is no such object. */
  readTemplate(url: string, op: string): { template: TemplateJson; body: string } {
    const { bucket, key } = this.parseUrl(url) ?? {};
    const object = bucket && key ? this.buckets.get(bucket)?.objects.get(key) : undefined;
    if (!object) throw awsError('ValidationError', `TemplateURL must reference a valid S3 object to which you have access. (${url})`, op, 400);
    const body = Buffer.from(object.body).toString('utf8');
    return { template: JSON.parse(body) as TemplateJson, body };
  }

  /** The object ARN an S3 URL names (for the permission model). */
  objectArnOfUrl(url: string): string {
    const parsed = this.parseUrl(url);
    const [bucket, key] = parsed ? [parsed.bucket, parsed.key] : [url, ''];
    return `arn:aws:s3:::${bucket}/${key}`;
  }

  private bucketFor(name: string, owner: string, op: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw awsError('NoSuchBucket', `The specified bucket does not exist: ${name}`, op, 404);
    if (bucket.owner !== owner) throw awsError('AccessDenied', 'Access Denied', op, 403);
    return bucket;
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::S3::Bucket': {
      physicalId: ({ stackName, logicalId, suffix, properties }) =>
        typeof properties?.['BucketName'] === 'string' ? properties['BucketName'] : `${stackName}-${logicalId}-${suffix}`.toLowerCase(),
      attribute: (resource, attribute) => (attribute === 'Arn' ? `arn:aws:s3:::${resource.physicalId}` : undefined),
      apply: (physicalId) => this.createBucket(physicalId),
      deleteFails: (physicalId) => {
        const bucket = this.buckets.get(physicalId);
        return bucket && bucket.objects.size > 0 ? handlerMessage('The bucket you tried to delete is not empty (Service: S3, Status Code: 409)') : undefined;
      },
      delete: (physicalId) => {
        this.buckets.delete(physicalId);
      },
    },
    'AWS::S3::BucketPolicy': {
      apply: (physicalId, properties) => {
        const name = String(properties['Bucket']);
        this.policyBuckets.set(physicalId, name);
        const bucket = this.buckets.get(name);
        if (bucket) bucket.policy = properties['PolicyDocument'] as JsonObject;
      },
      delete: (physicalId) => {
        const bucket = this.buckets.get(this.policyBuckets.get(physicalId) ?? '');
        if (bucket) delete bucket.policy;
        this.policyBuckets.delete(physicalId);
      },
    },
  };

  port(call: Call): S3Port {
    return {
      headBucket: (name, owner) =>
        call('s3.headBucket', [name, owner], () => {
          const bucket = this.buckets.get(name);
          if (!bucket) return 'absent' as const;
          return bucket.owner === owner ? ('present' as const) : ('foreign' as const);
        }),
      headObject: (name, key, owner) => call('s3.headObject', [name, key, owner], () => this.bucketFor(name, owner, 's3.headObject').objects.has(key)),
      // D-18 promotion: GetObject answers the bytes, or NoSuchKey (undefined here); a missing or foreign bucket as HeadObject.
      getObject: (name, key, owner) => call('s3.getObject', [name, key, owner], () => this.bucketFor(name, owner, 's3.getObject').objects.get(key)?.body),
      putObject: (request) =>
        call('s3.putObject', [request.bucket, request.key, request.expectedOwner], () => {
          this.bucketFor(request.bucket, request.expectedOwner, 's3.putObject').objects.set(request.key, { body: request.body, contentType: request.contentType });
        }),
      listObjectVersions: (name, owner) =>
        call('s3.listObjectVersions', [name], () => ({ objects: [...this.bucketFor(name, owner, 's3.listObjectVersions').objects.keys()].slice(0, 2).map((key) => ({ key, versionId: `v-${key}` })) })),
      deleteObjects: (name, owner, objects) =>
        call('s3.deleteObjects', [name, objects.length], () => {
          const bucket = this.bucketFor(name, owner, 's3.deleteObjects');
          for (const object of objects) bucket.objects.delete(object.key);
        }),
      deleteBucket: (name, owner) =>
        call('s3.deleteBucket', [name], () => {
          const bucket = this.buckets.get(name);
          if (!bucket) return false;
          if (bucket.owner !== owner) throw awsError('AccessDenied', 'Access Denied', 's3.deleteBucket', 403);
          if (bucket.objects.size > 0) throw awsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 's3.deleteBucket', 409);
          this.buckets.delete(name);
          return true;
        }),
    };
  }
}

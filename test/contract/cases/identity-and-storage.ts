/** Contract cases: STS identity and the S3 calls of packaging, bootstrap and destroy. */
import * as assert from 'uvu/assert';
import type { ContractCase } from './case';
import { rejects } from './case';

const OTHER_ACCOUNT = '999988887777';
const BUCKET = 'contract-artifacts';
const body = (text: string) => new Uint8Array(Buffer.from(text));

export const IDENTITY_AND_STORAGE: readonly ContractCase[] = [
  {
    name: "sts: GetCallerIdentity answers the caller's account and an ARN in it",
    run: async ({ port, account }) => {
      const identity = await port.sts.callerIdentity();
      assert.is(identity.account, account);
      assert.match(identity.arn, new RegExp(`^arn:aws:(sts|iam)::${account}:`));
    },
  },
  {
    name: 's3: HeadBucket tells a bucket of this account from one that does not exist',
    run: async ({ port, account, arrange }) => {
      await arrange.bucket(BUCKET);
      assert.is(await port.s3.headBucket(BUCKET, account), 'present');
      assert.is(await port.s3.headBucket('contract-nowhere', account), 'absent');
    },
  },
  {
    name: 's3: PutObject stores a key HeadObject then finds; a key never put is not found',
    run: async ({ port, account, arrange }) => {
      await arrange.bucket(BUCKET);
      await port.s3.putObject({ bucket: BUCKET, key: 'templates/root.json', body: body('{}'), contentType: 'application/json', expectedOwner: account });
      assert.is(await port.s3.headObject(BUCKET, 'templates/root.json', account), true);
      assert.is(await port.s3.headObject(BUCKET, 'templates/other.json', account), false);
    },
  },
  {
    name: 's3: PutObject to a bucket that does not exist is NoSuchBucket (404)',
    run: async ({ port, account }) => {
      await rejects(() => port.s3.putObject({ bucket: 'contract-nowhere', key: 'k', body: body('x'), contentType: 'text/plain', expectedOwner: account }), { kind: 'other', code: 'NoSuchBucket', httpStatus: 404 });
    },
  },
  {
    name: 's3: ListObjectVersions names every version; deleting them empties the bucket, which DeleteBucket then deletes once',
    run: async ({ port, account, arrange }) => {
      await arrange.bucket(BUCKET);
      for (const key of ['a.json', 'b.json']) await port.s3.putObject({ bucket: BUCKET, key, body: body(key), contentType: 'application/json', expectedOwner: account });
      const listed = await port.s3.listObjectVersions(BUCKET, account);
      assert.equal(listed.objects.map((o) => o.key).sort(), ['a.json', 'b.json']);
      assert.ok(listed.objects.every((o) => typeof o.versionId === 'string' && o.versionId.length > 0), 'each version is named');
      await port.s3.deleteObjects(BUCKET, account, listed.objects);
      assert.equal((await port.s3.listObjectVersions(BUCKET, account)).objects, []);
      assert.is(await port.s3.deleteBucket(BUCKET, account), true);
      assert.is(await port.s3.deleteBucket(BUCKET, account), false, 'a bucket already gone');
      assert.is(await port.s3.headBucket(BUCKET, account), 'absent');
    },
  },
  {
    name: 's3: DeleteBucket of a bucket that holds objects is BucketNotEmpty (409) and deletes nothing',
    run: async ({ port, account, arrange }) => {
      await arrange.bucket(BUCKET);
      await port.s3.putObject({ bucket: BUCKET, key: 'k', body: body('x'), contentType: 'text/plain', expectedOwner: account });
      await rejects(() => port.s3.deleteBucket(BUCKET, account), { kind: 'other', code: 'BucketNotEmpty', httpStatus: 409 });
      assert.is(await port.s3.headObject(BUCKET, 'k', account), true);
    },
  },
  {
    name: 's3: a bucket another account owns is foreign to HeadBucket, and PutObject to it is AccessDenied (ExpectedBucketOwner)',
    run: async ({ port, account, arrange }) => {
      await arrange.bucket(BUCKET);
      assert.is(await port.s3.headBucket(BUCKET, OTHER_ACCOUNT), 'foreign');
      await rejects(() => port.s3.putObject({ bucket: BUCKET, key: 'k', body: body('x'), contentType: 'text/plain', expectedOwner: OTHER_ACCOUNT }), { kind: 'access-denied', code: 'AccessDenied', httpStatus: 403 });
      assert.is(await port.s3.headObject(BUCKET, 'k', account), false, 'nothing was written');
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html',
      moto: 'ignores ExpectedBucketOwner: a request naming another owner succeeds',
      stillDiffers: async ({ port, arrange }) => {
        await arrange.bucket(BUCKET);
        assert.is(await port.s3.headBucket(BUCKET, OTHER_ACCOUNT), 'present');
      },
    },
  },
];

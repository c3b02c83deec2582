/** What a contract case is, and the few helpers cases share. */
import * as assert from 'uvu/assert';
import { AwsError } from '../../../src/aws/port';
import type { ContractTarget } from '../targets';

export interface ContractCase {
  /** `<service>: <behaviour>`, as the test is named. */
  readonly name: string;
  readonly run: (target: ContractTarget) => Promise<void>;
  /**
   * Set where moto differs from AWS's documented behaviour: the case runs against the fake only,
   * and `stillDiffers` asserts moto's difference (it fails the day moto follows AWS here, so the
   * case moves to both).
   */
  readonly fakeOnly?: {
    /** The AWS documentation (or issue) the fake follows. */
    readonly aws: string;
    /** How moto differs. */
    readonly moto: string;
    readonly stillDiffers: (moto: ContractTarget) => Promise<void>;
  };
}

/** Reads until `done` (the fake's operations take virtual time; moto's are done at once). */
export async function settled<T>(target: ContractTarget, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await target.pass(1000);
  }
  throw new Error(`${target.name}: not settled after 60 reads`);
}

/** The AwsError `run` throws, asserted on what a caller can see: kind, code, HTTP status, message. */
export async function rejects(run: () => Promise<unknown>, expected: { kind: AwsError['kind']; code: string; httpStatus?: number; message?: RegExp }): Promise<AwsError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  assert.instance(error, AwsError, `expected ${expected.code}, got ${String(error)}`);
  const aws = error as AwsError;
  assert.equal({ kind: aws.kind, code: aws.code, ...(expected.httpStatus ? { httpStatus: aws.httpStatus } : {}) }, { kind: expected.kind, code: expected.code, ...(expected.httpStatus ? { httpStatus: expected.httpStatus } : {}) }, aws.message);
  if (expected.message) assert.match(aws.message, expected.message);
  return aws;
}

/** The error moto answers for an operation it does not implement (HTTP 500 with an HTML page). */
export const unsupported = (run: () => Promise<unknown>) => run().then(
  () => assert.unreachable('moto answered: it implements this now; run the case on both'),
  (error: unknown) => {
    assert.instance(error, AwsError);
    assert.is((error as AwsError).kind, 'unsupported', (error as AwsError).message);
  },
);

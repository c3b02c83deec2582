/**
 * The fake Lambda: the account's concurrency and the `AWS::Lambda::Function` resource.
 *
 * Documented behaviour it follows
 * - Reserved concurrency may not leave less than 100 unreserved for the other functions: "You can
 *   reserve up to the Unreserved account concurrency value minus 100"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). An account whose
 *   quota is below 100 (a new account: account.ts) can reserve nothing: its floor is its quota,
 *   and the creation fails with "Specified ReservedConcurrentExecutions for function decreases
 *   account's UnreservedConcurrentExecution below its minimum value of [10]" (the message as
 *   CloudFormation shows it: aws-samples/one-observability-demo#278,
 *   aws-samples/amazon-rekognition-serverless-large-scale-image-and-video-processing#6; [50] for a
 *   quota of 50: aws-samples/siem-on-amazon-opensearch-service#175).
 */
import type { ResourceProvider } from './cloudformation/resources';
import { handlerMessage } from './cloudformation/resources';

/** What Lambda keeps unreserved at the least ("minus 100"). */
const UNRESERVED_FLOOR = 100;

export class FakeLambda {
  /** Function (physical id) → its ReservedConcurrentExecutions. */
  readonly reserved = new Map<string, number>();

  constructor(private readonly concurrencyQuota: number) {}

  /** Why reserving `wanted` more fails now, if it does. */
  private reservationFails(wanted: number): string | undefined {
    const floor = Math.min(UNRESERVED_FLOOR, this.concurrencyQuota);
    const unreserved = this.concurrencyQuota - [...this.reserved.values()].reduce((a, b) => a + b, 0);
    if (wanted <= 0 || unreserved - wanted >= floor) return undefined;
    return handlerMessage(`Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${floor}]. (Service: Lambda, Status Code: 400)`, 'InvalidRequest');
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::Lambda::Function': {
      createFails: (properties) => this.reservationFails(Number(properties['ReservedConcurrentExecutions'] ?? 0)),
      apply: (physicalId, properties) => {
        const wanted = Number(properties['ReservedConcurrentExecutions'] ?? 0);
        if (wanted > 0) this.reserved.set(physicalId, wanted);
        else this.reserved.delete(physicalId);
      },
      delete: (physicalId) => {
        this.reserved.delete(physicalId);
      },
    },
  };
}

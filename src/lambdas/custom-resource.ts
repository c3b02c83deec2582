/**
 * The CloudFormation custom-resource protocol: the event a provider receives and the response it
 * must PUT to the pre-signed `ResponseURL` (otherwise the stack waits for an hour and fails).
 */
import https from 'node:https';

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

export type Responder = (url: string, response: CustomResourceResponse) => Promise<void>;

/** PUTs the response body to the pre-signed S3 URL CloudFormation gave us. */
export const putResponse: Responder = (url, response) =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify(response);
    const request = https.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`response PUT returned ${res.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });

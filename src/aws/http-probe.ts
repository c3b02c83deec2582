/**
 * The HTTP prober of the port (`http.get`): one GET to a public URL, as a person's browser would
 * send it, for `make verify`'s "does the public path answer through the ALB" check.
 *
 * - Redirects are not followed: a 3xx is the answer of the listener that was asked.
 * - The certificate is not verified. The URL is the ALB's own DNS name (the AlbUrl output), which
 *   the platform's certificate does not name (it names the public domain whose DNS record points
 *   at the ALB), so a verifying client would fail every HTTPS probe on the name. The probe sends
 *   no credentials and no body; it asks only whether the path answers and with which status.
 * - No answer (refused, reset, timed out, no such host) is an `AwsError` of kind `transient`, so
 *   the retry layer asks again before the check reports it.
 */
import http from 'node:http';
import https from 'node:https';
import { AwsError, type HttpPort } from './port';

export const PROBE_TIMEOUT_MS = 10_000;

const OPERATION = 'http.get';

export function httpProbe(timeoutMs = PROBE_TIMEOUT_MS): HttpPort {
  return {
    get: (url) =>
      new Promise((resolve, reject) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          reject(new AwsError('validation', 'InvalidUrl', `not a URL: ${url}`, OPERATION));
          return;
        }
        const secure = target.protocol === 'https:';
        if (!secure && target.protocol !== 'http:') {
          reject(new AwsError('validation', 'InvalidUrl', `only http and https URLs can be probed: ${url}`, OPERATION));
          return;
        }
        const request = (secure ? https : http).request(
          target,
          {
            method: 'GET',
            headers: { 'user-agent': 'tap-verify', accept: '*/*' },
            timeout: timeoutMs,
            ...(secure ? { rejectUnauthorized: false } : {}),
          },
          (response) => {
            // The body is not needed; drain it so the socket is released.
            response.resume();
            resolve({ status: response.statusCode ?? 0 });
          },
        );
        request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
        request.on('error', (error: NodeJS.ErrnoException) => {
          reject(new AwsError('transient', error.code ?? 'NetworkError', error.message, OPERATION));
        });
        request.end();
      }),
  };
}

/**
 * A loopback HTTP proxy in front of moto that injects the faults real AWS produces, so the wire
 * tests see them through the real SDK: its error parsing, our classification and our retries.
 *
 * - `throttle`: CloudFormation/STS query-protocol `Throttling` (400), or S3 `SlowDown` (503);
 * - `server-error`: `InternalFailure` (500) / S3 `InternalError` (500), request not forwarded;
 * - `reset`: the connection is dropped before the request reaches moto;
 * - `lose-response`: the request IS forwarded and applied, then the connection is dropped before
 *   the answer arrives (the ambiguous failure that must never make a write happen twice).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'throttle' | 'server-error' | 'reset' | 'lose-response';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** `CreateChangeSet`, `GetCallerIdentity` … for query-protocol calls; `PUT object` etc. for S3. */
  readonly action: string;
}

export interface Fault {
  readonly kind: FaultKind;
  /** Which requests: an action name (query protocol) or S3 `<METHOD> object|bucket`. */
  readonly action: string;
  /** How many matching requests get the fault (the ones after pass through). */
  readonly times: number;
  /** Matching requests to let through first. */
  readonly after?: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  inject(fault: Fault): void;
  /** Faults actually injected, in order. */
  readonly injected: { kind: FaultKind; action: string }[];
  /** Every request seen, in order. */
  readonly seen: SeenRequest[];
  stop(): Promise<void>;
}

function actionOf(method: string, url: string, body: string): string {
  const query = new URLSearchParams(body).get('Action') ?? new URL(url, 'http://x').searchParams.get('Action');
  if (query) return query;
  // S3 path-style: /bucket or /bucket/key…
  const segments = new URL(url, 'http://x').pathname.split('/').filter(Boolean);
  return `${method} ${segments.length > 1 ? 'object' : 'bucket'}`;
}

const QUERY_ERROR = (code: string, message: string) =>
  `<ErrorResponse><Error><Type>${code === 'Throttling' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
const S3_ERROR = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;

function errorResponse(kind: 'throttle' | 'server-error', action: string): { status: number; body: string } {
  const s3 = / (object|bucket)$/.test(action);
  if (kind === 'throttle') return s3 ? { status: 503, body: S3_ERROR('SlowDown', 'Please reduce your request rate.') } : { status: 400, body: QUERY_ERROR('Throttling', 'Rate exceeded') };
  return s3 ? { status: 500, body: S3_ERROR('InternalError', 'We encountered an internal error. Please try again.') } : { status: 500, body: QUERY_ERROR('InternalFailure', 'An internal error occurred.') };
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults: { fault: Fault; matched: number }[] = [];
  const injected: { kind: FaultKind; action: string }[] = [];
  const seen: SeenRequest[] = [];

  /** The fault for this request, if a rule whose window is open matches it (counting it). */
  const take = (action: string): FaultKind | undefined => {
    for (const entry of faults) {
      const skip = entry.fault.after ?? 0;
      if (entry.fault.action !== action || entry.matched >= skip + entry.fault.times) continue;
      entry.matched += 1;
      return entry.matched > skip ? entry.fault.kind : undefined;
    }
    return undefined;
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(request.method ?? 'GET', request.url ?? '/', body.toString('utf8'));
      seen.push({ method: request.method ?? 'GET', path: request.url ?? '/', action });
      const kind = take(action);
      if (kind) injected.push({ kind, action });
      if (kind === 'reset') return void request.socket.destroy();
      if (kind === 'throttle' || kind === 'server-error') {
        const { status, body: text } = errorResponse(kind, action);
        response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fault-proxy' });
        return void response.end(text);
      }
      const forwarded = http.request(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          if (kind === 'lose-response') {
            answer.resume();
            answer.on('end', () => request.socket.destroy());
            return;
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => request.socket.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // `localhost`, like the moto endpoint: moto resolves path-style S3 TemplateURLs by that host name.
    endpoint: `http://localhost:${port}`,
    inject: (fault) => void faults.push({ fault, matched: 0 }),
    injected,
    seen,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

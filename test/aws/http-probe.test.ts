/**
 * D-15 the HTTP prober of the port, over real HTTP(S) on loopback: the status a path answers,
 * redirects not followed, a certificate that does not name the host accepted (the ALB's DNS name is
 * not on the platform's certificate), and no answer as a transient AwsError the retry layer repeats.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { httpProbe } from '../../src/aws/http-probe';
import { AwsError } from '../../src/aws/port';

const TLS = path.join(__dirname, '..', 'fixtures', 'tls');

function listen(server: http.Server | https.Server): Promise<{ url: (p: string) => string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const scheme = server instanceof https.Server ? 'https' : 'http';
      // Connections left open (the request that never got an answer) must not keep close() waiting.
      const close = () => new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      resolve({ url: (p) => `${scheme}://127.0.0.1:${port}${p}`, close });
    });
  });
}

const routes: http.RequestListener = (request, response) => {
  if (request.url === '/') return void response.writeHead(200).end('ok');
  if (request.url === '/api/') return void response.writeHead(503).end('no healthy target');
  if (request.url === '/old') return void response.writeHead(301, { location: '/' }).end();
  if (request.url === '/slow') return; // never answers
  response.writeHead(404).end();
};

async function failure(run: () => Promise<unknown>): Promise<AwsError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError');
}

test('D-15: the prober answers the status of one GET and does not follow redirects', async () => {
  const server = await listen(http.createServer(routes));
  try {
    const probe = httpProbe();
    assert.equal(await probe.get(server.url('/')), { status: 200 });
    assert.equal(await probe.get(server.url('/api/')), { status: 503 });
    assert.equal(await probe.get(server.url('/old')), { status: 301 });
  } finally {
    await server.close();
  }
});

test('D-15: HTTPS to a server whose certificate names another host still answers (the ALB\'s DNS name is not on the certificate)', async () => {
  const server = await listen(https.createServer({ key: fs.readFileSync(path.join(TLS, 'self-signed.key')), cert: fs.readFileSync(path.join(TLS, 'self-signed.crt')) }, routes));
  try {
    assert.equal(await httpProbe().get(server.url('/api/')), { status: 503 });
  } finally {
    await server.close();
  }
});

test('D-15: no answer (refused, timed out) is a transient AwsError, so the retry layer asks again; a URL that is not http(s) is refused', async () => {
  const server = await listen(http.createServer(routes));
  const refusedUrl = server.url('/');
  const slow = server.url('/slow');
  try {
    const timedOut = await failure(() => httpProbe(200).get(slow));
    assert.is(timedOut.kind, 'transient');
    assert.is(timedOut.code, 'ETIMEDOUT');
    assert.is(timedOut.operation, 'http.get');
  } finally {
    await server.close();
  }
  const refused = await failure(() => httpProbe().get(refusedUrl));
  assert.is(refused.kind, 'transient');
  assert.is(refused.code, 'ECONNREFUSED');
  assert.is((await failure(() => httpProbe().get('ftp://example.com/'))).kind, 'validation');
  assert.is((await failure(() => httpProbe().get('not a url'))).kind, 'validation');
});

test.run();

/**
 * D-3 Package: bottom-up TemplateURL rewriting, content-addressed keys of the packaged bytes,
 * path-style URLs for a custom endpoint, deterministic asset zips, uploads that skip what exists.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCodeAsset, packagePlatform, sha256, templateUrl, uploadObjects } from '../../../src/operations/package/package';
import { zipFiles } from '../../../src/operations/package/zip';
import { FakeAws } from '../../fakes/aws';
import { FakeClock } from '../../fakes/clock';
import { fixturePlatform, props, rotationAsset } from '../../fakes/platform-fixture';

const location = { bucket: 'tap-artifacts-111122223333-eu-west-1', region: 'eu-west-1' };

test('D-3: nested TemplateURLs are rewritten bottom-up to content-addressed keys of the packaged bytes', () => {
  const packaged = packagePlatform(fixturePlatform(), location);
  assert.equal(packaged.stacks.map((s) => s.path), ['', 'Network', 'Registry', 'Services', 'Services/Frontend']);
  for (const stack of packaged.stacks) {
    assert.is(stack.sha256, sha256(stack.body));
    assert.is(stack.key, `templates/${stack.sha256}.json`);
    assert.is(stack.url, `https://tap-artifacts-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com/${stack.key}`);
  }
  const byPath = new Map(packaged.stacks.map((s) => [s.path, s]));
  const rootResources = packaged.stacks[0].template.Resources;
  assert.is(rootResources['Services'].Properties?.['TemplateURL'], byPath.get('Services')?.url);
  assert.is(byPath.get('Services')?.template.Resources['Frontend'].Properties?.['TemplateURL'], byPath.get('Services/Frontend')?.url);
  // Objects: every template once, plus the S3 asset.
  assert.equal(packaged.objects.map((o) => o.label), ['template root.json', 'template network.json', 'template registry.json', 'template services.json', 'template services/frontend.json', 'asset rotate-api-key']);
});

test('D-3: a change deep in the tree changes its key and every ancestor\'s, and no sibling\'s', () => {
  const before = new Map(packagePlatform(fixturePlatform(), location).stacks.map((s) => [s.path, s.key]));
  const after = new Map(packagePlatform(fixturePlatform((t) => { props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 5; }), location).stacks.map((s) => [s.path, s.key]));
  const changed = [...before.keys()].filter((p) => before.get(p) !== after.get(p));
  assert.equal(changed, ['', 'Services', 'Services/Frontend']);
});

test('D-3: with AWS_ENDPOINT_URL the URLs are path-style on that host (moto resolves only localhost hosts)', () => {
  assert.is(templateUrl({ ...location, endpoint: 'http://localhost:5000/' }, 'templates/a.json'), 'http://localhost:5000/tap-artifacts-111122223333-eu-west-1/templates/a.json');
  const packaged = packagePlatform(fixturePlatform(), { ...location, endpoint: 'http://localhost:5000' });
  assert.match(packaged.stacks[1].url, /^http:\/\/localhost:5000\/tap-artifacts-111122223333-eu-west-1\/templates\/[0-9a-f]{64}\.json$/);
});

test('D-3: asset zips are byte-for-byte deterministic and hold the bundle as index.js', () => {
  const a = zipFiles([{ name: 'index.js', content: rotationAsset.code }]);
  const b = zipFiles([{ name: 'index.js', content: rotationAsset.code }]);
  assert.ok(a.equals(b));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-zip-'));
  fs.writeFileSync(path.join(dir, 'a.zip'), a);
  const listing = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; i=z.infolist()[0]; print(i.filename, i.date_time, oct(i.external_attr >> 16)); print(z.read("index.js").decode(), end="")', path.join(dir, 'a.zip')], { encoding: 'utf8' });
  assert.is(listing, `index.js (1980, 1, 1, 0, 0, 0) 0o100644\n${rotationAsset.code}`);
  const packaged = packagePlatform(fixturePlatform(), location);
  const asset = packaged.objects.find((o) => o.label === 'asset rotate-api-key');
  assert.is(asset?.key, `assets/rotate-api-key-${rotationAsset.sha256.slice(0, 16)}.zip`);
  assert.ok(Buffer.from(asset?.body ?? []).equals(a));
});

test('D-3: uploads check first (ExpectedBucketOwner) and send only what is missing', async () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  aws.createBucket(location.bucket);
  const packaged = packagePlatform(fixturePlatform(), location);
  const first = await uploadObjects(aws.port.s3, packaged.objects, location.bucket, aws.account);
  assert.is(first.type === 'uploaded' && first.uploaded.length, 6);
  const second = await uploadObjects(aws.port.s3, packaged.objects, location.bucket, aws.account);
  assert.is(second.type === 'uploaded' && second.uploaded.length, 0);
  assert.is(second.type === 'uploaded' && second.present.length, 6);
  assert.ok(aws.callsTo('s3.putObject').every((c) => c.args[2] === aws.account));
  assert.equal(await uploadObjects(aws.port.s3, packaged.objects, location.bucket, '444455556666'), { type: 'foreign-bucket', bucket: location.bucket });
  assert.equal(await uploadObjects(aws.port.s3, packaged.objects, 'no-such-bucket', aws.account), { type: 'no-bucket', bucket: 'no-such-bucket' });
});

test('D-18: a code asset read back is checked against its key: the same zip matches; other code, extra bytes or a re-zipped bundle do not', () => {
  const code = 'exports.handler = async () => "ok";\n';
  const digest = createHash('sha256').update(code).digest('hex');
  const key = `assets/rotate-api-key-${digest.slice(0, 16)}.zip`;
  const zip = zipFiles([{ name: 'index.js', content: code }]);
  assert.equal(checkCodeAsset(key, zip), { matches: true, sha256: digest });
  assert.is(checkCodeAsset(key, zipFiles([{ name: 'index.js', content: `${code}// changed\n` }])).matches, false, 'other code');
  assert.is(checkCodeAsset(key, Buffer.concat([zip, Buffer.from('trailing')])).matches, false, 'bytes appended to the same code');
  assert.is(checkCodeAsset(key, zipFiles([{ name: 'index.js', content: code }, { name: 'extra.js', content: 'x' }])).matches, false, 'another file beside it');
  assert.is(checkCodeAsset(key, Buffer.from('not a zip')).matches, false, 'not a zip');
});

test.run();

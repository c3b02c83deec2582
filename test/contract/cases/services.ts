/** Contract cases: the reads and deletions of release, verify and destroy in ECR, Secrets Manager, CloudWatch Logs, KMS, ELBv2 and IAM. */
import * as assert from 'uvu/assert';
import { rejects, type ContractCase } from './case';

const DAY = 86_400_000;
/** A key id no account has. */
const UNKNOWN_KEY = '0f0f0f0f-1111-4222-8333-444444444444';

export const SERVICES: readonly ContractCase[] = [
  {
    name: 'ecr: DescribeImages tells a missing repository, a missing tag, and a pushed image by its digest',
    run: async ({ port, account, arrange }) => {
      const image = (tag: string) => port.ecr.describeImage({ registryId: account, repository: 'ecr-web-dev', tag });
      assert.equal(await image('1.0.0'), { kind: 'repository-missing' });
      await arrange.repository('ecr-web-dev');
      assert.equal(await image('1.0.0'), { kind: 'image-missing' });
      const digest = await arrange.image('ecr-web-dev', '1.0.0');
      const found = await image('1.0.0');
      assert.equal(found.kind === 'found' ? found.digest : found.kind, digest);
      assert.equal(await image('1.0.1'), { kind: 'image-missing' });
    },
  },
  {
    name: 'ecr: DeleteRepository (force) deletes a repository and its images once; false once it is gone',
    run: async ({ port, account, arrange }) => {
      assert.is(await port.ecr.repositoryExists('ecr-web-dev'), false);
      await arrange.repository('ecr-web-dev');
      await arrange.image('ecr-web-dev', '1.0.0');
      assert.is(await port.ecr.repositoryExists('ecr-web-dev'), true);
      assert.is(await port.ecr.deleteRepository('ecr-web-dev'), true);
      assert.is(await port.ecr.deleteRepository('ecr-web-dev'), false);
      assert.is(await port.ecr.repositoryExists('ecr-web-dev'), false);
      assert.equal(await port.ecr.describeImage({ registryId: account, repository: 'ecr-web-dev', tag: '1.0.0' }), { kind: 'repository-missing' });
    },
  },
  {
    name: 'secrets: DescribeSecret of a new secret: its name, no rotation, one version labelled AWSCURRENT; none for a secret that does not exist',
    run: async ({ port, region, account, arrange }) => {
      const missing = `arn:aws:secretsmanager:${region}:${account}:secret:secret-nowhere-Zz99Yy`;
      assert.is(await port.secrets.describeSecret(missing), undefined);
      assert.is(await port.secrets.secretExists(missing), false);
      const arn = await arrange.secret('secret-api-key-dev');
      const described = await port.secrets.describeSecret(arn);
      assert.equal([described?.arn, described?.name, described?.rotationEnabled, described?.deletedDate], [arn, 'secret-api-key-dev', false, undefined]);
      assert.equal(Object.values(described?.versionStages ?? {}), [['AWSCURRENT']]);
      assert.is(await port.secrets.secretExists(arn), true);
    },
  },
  {
    name: 'secrets: a secret scheduled for deletion still exists and says when it goes (30 days by default); force-deleting it deletes it',
    run: async (target) => {
      const { port, arrange } = target;
      const arn = await arrange.secret('secret-api-key-dev');
      await arrange.deleteSecret(arn);
      assert.is(await port.secrets.secretExists(arn), true, 'its name is still taken');
      const deletedDate = (await port.secrets.describeSecret(arn))?.deletedDate;
      assert.ok(deletedDate, 'DeletedDate is set');
      const days = (deletedDate.getTime() - target.now()) / DAY;
      assert.ok(days > 29.9 && days <= 30.01, `${days} days`);
      assert.is(await port.secrets.forceDeleteSecret(arn), true);
      assert.is(await port.secrets.secretExists(arn), false);
    },
  },
  {
    name: 'secrets: force-deleting a secret that is already gone is ResourceNotFound (false)',
    run: async ({ port, arrange }) => {
      const arn = await arrange.secret('secret-api-key-dev');
      assert.is(await port.secrets.forceDeleteSecret(arn), true);
      assert.is(await port.secrets.forceDeleteSecret(arn), false);
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html (Errors: ResourceNotFoundException, "Secrets Manager can\'t find the resource that you asked for")',
      moto: 'answers a second force deletion of the same secret with success',
      stillDiffers: async ({ port, arrange }) => {
        const arn = await arrange.secret('secret-api-key-dev');
        await port.secrets.forceDeleteSecret(arn);
        assert.is(await port.secrets.forceDeleteSecret(arn), true);
      },
    },
  },
  {
    name: 'logs: a log group exists by its exact name, not by a prefix of it; DeleteLogGroup deletes it once',
    run: async ({ port, arrange }) => {
      assert.is(await port.logs.logGroupExists('/tap/dev/app'), false);
      await arrange.logGroup('/tap/dev/app');
      await arrange.logGroup('/tap/dev/app-worker');
      assert.is(await port.logs.logGroupExists('/tap/dev/ap'), false);
      assert.is(await port.logs.logGroupExists('/tap/dev/app'), true);
      assert.is(await port.logs.deleteLogGroup('/tap/dev/app'), true);
      assert.is(await port.logs.deleteLogGroup('/tap/dev/app'), false);
      assert.is(await port.logs.logGroupExists('/tap/dev/app'), false);
      assert.is(await port.logs.logGroupExists('/tap/dev/app-worker'), true);
    },
  },
  {
    name: 'logs: FilterLogEvents answers none for a log group that does not exist, and finds nothing in an empty one',
    run: async ({ port, arrange }) => {
      assert.is(await port.logs.filterLogEvents('/tap/dev/app', new Date(0)), undefined);
      await arrange.logGroup('/tap/dev/app');
      assert.equal((await port.logs.filterLogEvents('/tap/dev/app', new Date(0)))?.found, false);
    },
  },
  {
    name: 'kms: a key is Enabled; ScheduleKeyDeletion makes it PendingDeletion and answers a date the window ahead; an unknown key has no state',
    run: async (target) => {
      const { port, arrange } = target;
      assert.is(await port.kms.keyState(UNKNOWN_KEY), undefined);
      const key = await arrange.key();
      assert.is(await port.kms.keyState(key), 'Enabled');
      const date = await port.kms.scheduleKeyDeletion(key, 7);
      assert.ok(date, 'a deletion date');
      const days = (date.getTime() - target.now()) / DAY;
      assert.ok(days > 6.9 && days <= 7.01, `${days} days`);
      assert.is(await port.kms.keyState(key), 'PendingDeletion');
    },
  },
  {
    name: 'kms: ScheduleKeyDeletion of a key that does not exist is NotFoundException',
    run: async ({ port }) => {
      await rejects(() => port.kms.scheduleKeyDeletion(UNKNOWN_KEY, 7), { kind: 'validation', code: 'NotFoundException', httpStatus: 400, message: /does not exist/ });
    },
  },
  {
    name: 'kms: ScheduleKeyDeletion refuses a window outside 7-30 days, and a key already pending deletion',
    run: async ({ port, arrange }) => {
      const key = await arrange.key();
      await rejects(() => port.kms.scheduleKeyDeletion(key, 3), { kind: 'validation', code: 'ValidationException' });
      assert.is(await port.kms.keyState(key), 'Enabled');
      await port.kms.scheduleKeyDeletion(key, 7);
      await rejects(() => port.kms.scheduleKeyDeletion(key, 7), { kind: 'validation', code: 'KMSInvalidStateException' });
    },
    fakeOnly: {
      aws: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (PendingWindowInDays: "between 7 and 30, inclusive"; Errors: KMSInvalidStateException)',
      moto: 'accepts a 3-day window, and schedules a key already pending deletion again',
      stillDiffers: async ({ port, arrange }) => {
        const key = await arrange.key();
        await port.kms.scheduleKeyDeletion(key, 3);
        await port.kms.scheduleKeyDeletion(key, 7);
      },
    },
  },
  {
    name: "elbv2: a load balancer's deletion protection is read and set; none for one that does not exist, which cannot be set (LoadBalancerNotFound)",
    run: async ({ port, arrange }) => {
      const arn = await arrange.loadBalancer('alb-tap-dev');
      assert.is(await port.elbv2.deletionProtection(arn), false);
      await port.elbv2.setDeletionProtection(arn, true);
      assert.is(await port.elbv2.deletionProtection(arn), true);
      const missing = arn.replace(/\/[^/]+$/, '/0000000000000000');
      assert.is(await port.elbv2.deletionProtection(missing), undefined);
      await rejects(() => port.elbv2.setDeletionProtection(missing, false), { kind: 'validation', code: 'LoadBalancerNotFoundException', httpStatus: 400 });
    },
  },
  {
    name: 'elbv2: DescribeTargetHealth of a target group that does not exist answers none',
    run: async ({ port, region, account }) => {
      assert.is(await port.elbv2.describeTargetHealth(`arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/tg-nowhere/0000000000000000`), undefined);
    },
  },
  {
    name: 'iam: GetRole tells a role the account has from one it lacks',
    run: async ({ port, arrange }) => {
      assert.is(await port.iam.roleExists('role-task-web-dev'), false);
      await arrange.role('role-task-web-dev');
      assert.is(await port.iam.roleExists('role-task-web-dev'), true);
    },
  },
];

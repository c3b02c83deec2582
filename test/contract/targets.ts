/**
 * The two AWSs a contract case runs against, behind the same port (src/aws/port.ts): the fake
 * (test/fakes/aws/) and the moto server through the real SDK adapter (src/aws/sdk.ts). A case
 * sets up what it needs with `arrange` (what exists in the account before the toolkit looks: a
 * bucket, a repository and its images, a secret, a key...), then calls only the port.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsPort } from '../../src/aws/port';
import { createSdkPort } from '../../src/aws/sdk';
import { FakeAws } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { MOTO_ACCOUNT_ID, motoClientOptions, type MotoServer } from '../helpers/moto-server';

export const REGION = 'eu-west-1';

/** What exists in the account before the toolkit looks (set up outside the port). */
export interface Arrange {
  bucket(name: string): Promise<void>;
  repository(name: string): Promise<void>;
  /** Pushes an image with this tag; its digest. */
  image(repository: string, tag: string): Promise<string>;
  /** Creates a secret; its ARN. */
  secret(name: string): Promise<string>;
  /** Deletes a secret with the default recovery window. */
  deleteSecret(arn: string): Promise<void>;
  logGroup(name: string): Promise<void>;
  /** Creates a symmetric KMS key; its key id. */
  key(): Promise<string>;
  /** Creates an application load balancer (deletion protection off); its ARN. */
  loadBalancer(name: string): Promise<string>;
  role(name: string): Promise<void>;
}

export interface ContractTarget {
  readonly name: 'fake' | 'moto';
  readonly port: AwsPort;
  readonly account: string;
  readonly region: string;
  readonly arrange: Arrange;
  /** The target's time (the fake's is virtual). */
  now(): number;
  /** Lets `ms` pass: the fake's operations advance on its clock; moto answers synchronously. */
  pass(ms: number): Promise<void>;
}

/** A fresh fake AWS in moto's account and region. */
export function fakeTarget(): ContractTarget & { readonly aws: FakeAws } {
  const clock = new FakeClock();
  const aws = new FakeAws({ clock, account: MOTO_ACCOUNT_ID, region: REGION });
  let ids = 0;
  const id = () => String((ids += 1)).padStart(12, '0');
  return {
    name: 'fake',
    aws,
    port: aws.port,
    account: MOTO_ACCOUNT_ID,
    region: REGION,
    now: () => clock.now(),
    pass: async (ms) => clock.advance(ms),
    arrange: {
      bucket: async (name) => aws.createBucket(name),
      repository: async (name) => {
        aws.repositories.add(name);
      },
      image: async (repository, tag) => aws.pushImage(repository, tag),
      secret: async (name) => {
        const arn = `arn:aws:secretsmanager:${REGION}:${MOTO_ACCOUNT_ID}:secret:${name}-Ab12Cd`;
        aws.secrets.set(arn, { name: `${name}-Ab12Cd`, state: 'active' });
        return arn;
      },
      deleteSecret: async (arn) => aws.deleteSecret(arn),
      logGroup: async (name) => {
        aws.logGroups.add(name);
      },
      key: async () => {
        const keyId = `${id().slice(-8)}-1111-4222-8333-${id()}`;
        aws.kmsKeys.set(keyId, { state: 'Enabled' });
        return keyId;
      },
      loadBalancer: async (name) => {
        const arn = `arn:aws:elasticloadbalancing:${REGION}:${MOTO_ACCOUNT_ID}:loadbalancer/app/${name}/${id()}`;
        aws.loadBalancers.set(arn, { deletionProtection: false });
        return arn;
      },
      role: async (name) => {
        aws.accountRoles.add(name);
      },
    },
  };
}

/** The moto server through the SDK adapter; its own SDK clients arrange what a case needs. */
export async function motoTarget(moto: MotoServer): Promise<ContractTarget> {
  const options = motoClientOptions(moto);
  const s3 = new S3Client({ ...options, forcePathStyle: true });
  const ecr = new ECRClient(options);
  const secrets = new SecretsManagerClient(options);
  const logs = new CloudWatchLogsClient(options);
  const kms = new KMSClient(options);
  const ec2 = new EC2Client(options);
  const elbv2 = new ElasticLoadBalancingV2Client(options);
  const iam = new IAMClient(options);
  let images = 0;
  return {
    name: 'moto',
    port: await createSdkPort(REGION, { AWS_ENDPOINT_URL: moto.endpoint }),
    account: MOTO_ACCOUNT_ID,
    region: REGION,
    now: () => Date.now(),
    pass: async () => {},
    arrange: {
      // Versioned, as the toolkit's artifact bucket is (src/stacks/bootstrap.ts).
      bucket: async (name) => {
        await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: REGION } }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
      },
      repository: async (name) => {
        await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
      },
      image: async (repository, tag) => {
        images += 1;
        const imageManifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1000 + images, digest: `sha256:${String(images).padStart(64, '0')}` },
          layers: [],
        });
        const pushed = await ecr.send(new PutImageCommand({ repositoryName: repository, imageManifest, imageTag: tag }));
        return pushed.image?.imageId?.imageDigest ?? '';
      },
      secret: async (name) => (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: 'contract' }))).ARN ?? '',
      deleteSecret: async (arn) => {
        await secrets.send(new DeleteSecretCommand({ SecretId: arn }));
      },
      logGroup: async (name) => {
        await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      },
      key: async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '',
      loadBalancer: async (name) => {
        const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId;
        const subnets = await Promise.all(['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `${REGION}${zone}` }))).Subnet?.SubnetId ?? ''));
        return (await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
      },
      role: async (name) => {
        await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
      },
    },
  };
}

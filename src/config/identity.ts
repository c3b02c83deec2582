/**
 * What must differ between environments. A params file copied from another keeps its stack name
 * and artifact bucket until someone changes them, and then `make deploy ENV=qa` would update dev's
 * stack with qa's parameters. So, across params/*.json: stack names (and the bootstrap stacks
 * named after them) are unique, artifact buckets are unique, and VPC ranges do not overlap.
 *
 * These checks judge the file being used: each problem is reported at its path in that file and
 * names the other file as the one it conflicts with. Offline, neither file can be known to be the
 * original, so a conflict between two files that are each valid stops both, and neither can
 * deploy over the other. A file that is broken on its own is not compared at all (the caller
 * passes only valid ones): it is reported when it is used, and never blocks another environment.
 */
import { overlaps, parseCidr } from './cidr';
import { quote, type Problem } from '../core/problems';
import { bootstrapStackName } from '../stacks/bootstrap';
import type { EnvironmentFile } from './environment';

export interface OtherEnvironment {
  readonly name: string;
  /** Its params file, relative to the repository root. */
  readonly file: string;
  readonly settings: EnvironmentFile;
}

/** The environment being used: the one whose file is judged. */
export type UsedEnvironment = OtherEnvironment;

const where = ({ settings }: OtherEnvironment): string => `account ${settings.deployment.accountId}, ${settings.deployment.region}`;

const sameAccountAndRegion = (a: EnvironmentFile, b: EnvironmentFile): boolean =>
  a.deployment.accountId === b.deployment.accountId && a.deployment.region === b.deployment.region;

function stackProblems(used: UsedEnvironment, other: OtherEnvironment): Problem[] {
  const stackName = used.settings.deployment.stackName;
  const otherStack = other.settings.deployment.stackName;
  const at = { file: used.file, path: '/deployment/stackName' };
  if (stackName === otherStack) {
    return [{
      ...at,
      message: sameAccountAndRegion(used.settings, other.settings)
        ? `${quote(stackName)} is already the stack of ${other.file} (${where(other)}); deploying would update the ${other.name} environment. Give this environment a stack name of its own`
        : `${quote(stackName)} is already the stack name of ${other.file} (${where(other)}); give each environment a stack name of its own, so no command can be pointed at the wrong one`,
    }];
  }
  if (stackName === bootstrapStackName(otherStack)) {
    return [{ ...at, message: `${quote(stackName)} is already the bootstrap stack of ${other.file} (${where(other)}, created by make bootstrap); choose another stack name` }];
  }
  if (bootstrapStackName(stackName) === otherStack) {
    return [{ ...at, message: `${quote(stackName)} would name its bootstrap stack ${quote(bootstrapStackName(stackName))}, which is the stack of ${other.file} (${where(other)}); choose another stack name` }];
  }
  return [];
}

function bucketProblems(used: UsedEnvironment, other: OtherEnvironment): Problem[] {
  const bucket = used.settings.deployment.artifactBucket;
  return bucket === other.settings.deployment.artifactBucket
    ? [{ file: used.file, path: '/deployment/artifactBucket', message: `${quote(bucket)} is already the artifact bucket of ${other.file}; each environment needs its own (its bootstrap stack creates and owns it)` }]
    : [];
}

/** Environments may be peered or joined by a transit gateway later; their VPCs must not overlap. */
function vpcProblems(used: UsedEnvironment, other: OtherEnvironment): Problem[] {
  const text = used.settings.parameters['VpcCidr'];
  const otherText = other.settings.parameters['VpcCidr'];
  const vpc = parseCidr(String(text));
  const otherVpc = parseCidr(String(otherText));
  return vpc.ok && otherVpc.ok && overlaps(vpc.cidr, otherVpc.cidr)
    ? [{ file: used.file, path: '/parameters/VpcCidr', message: `${quote(text)} overlaps ${quote(otherText)}, the VPC of ${other.file}; environments need disjoint ranges` }]
    : [];
}

export function identityProblems(used: UsedEnvironment, others: readonly OtherEnvironment[]): Problem[] {
  return others.flatMap((other) => [...stackProblems(used, other), ...bucketProblems(used, other), ...vpcProblems(used, other)]);
}

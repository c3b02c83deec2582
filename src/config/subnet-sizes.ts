/**
 * Subnet sizes against what the resources in them need. The public subnets hold the
 * internet-facing ALB (and the NAT gateways): "verify that each subnet for your load balancer has
 * a CIDR block with at least a /27 bitmask (for example, 10.0.0.0/27) and has at least 8 free IP
 * addresses" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
 * The computed plan gives a /24 VPC /28 public subnets, so the rule checks computed subnets as well
 * as listed ones, and says which to change.
 */
import { parseCidr, planSubnets, VPC_PREFIX_RANGE } from './cidr';
import { quote, type Problem } from '../core/problems';
import type { EnvironmentRule } from './rules';

/** The longest prefix an Application Load Balancer subnet may have. */
export const ALB_SUBNET_MAX_PREFIX = 27;

const albSubnetsAreLargeEnough: EnvironmentRule = ({ file, settings, vpc }) => {
  const listed = settings.parameters['PublicSubnetCidrs'];
  if (Array.isArray(listed)) {
    return listed.flatMap((text, index): Problem[] => {
      const parsed = parseCidr(String(text));
      // Unparsable or sub-/28 subnets are reported by the subnet rule already.
      if (!parsed.ok || parsed.cidr.prefix <= ALB_SUBNET_MAX_PREFIX || parsed.cidr.prefix > 28) return [];
      return [{ file, path: `/parameters/PublicSubnetCidrs/${index}`, message: `${quote(text)} is smaller than /${ALB_SUBNET_MAX_PREFIX}, the smallest subnet an Application Load Balancer can use` }];
    });
  }
  if (!vpc || vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max) return [];
  const publicPrefix = Number(planSubnets(vpc).publicSubnets[0].split('/')[1]);
  if (publicPrefix <= ALB_SUBNET_MAX_PREFIX) return [];
  const largestVpc = vpc.prefix - (publicPrefix - ALB_SUBNET_MAX_PREFIX);
  return [{
    file,
    path: '/parameters/VpcCidr',
    message: `${quote(settings.parameters['VpcCidr'])} is too small: its computed public subnets would be /${publicPrefix}, and an Application Load Balancer needs subnets of at least /${ALB_SUBNET_MAX_PREFIX}; use a /${largestVpc} or larger VPC, or list PublicSubnetCidrs`,
  }];
};

export const SUBNET_SIZE_RULES: readonly EnvironmentRule[] = [albSubnetsAreLargeEnough];

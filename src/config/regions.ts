/**
 * Commercial AWS regions the platform can deploy to, and how each lets an ALB write access logs.
 *
 * Regions launched before August 2022 deliver ALB access logs from a regional Elastic Load
 * Balancing account, which the log bucket policy must name; newer regions use the service
 * principal `logdelivery.elasticloadbalancing.amazonaws.com`. The account ids are AWS's, published
 * in "Enable access logs for your Application Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html),
 * which lists Asia Pacific (Jakarta) among them. The toolkit passes the one for the
 * environment's region as the ElbLogDeliveryAccount parameter, so templates hold no account ids.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-southeast-3': '589379963580',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'eu-south-1': '635631232127',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};

/** Regions opened after Jakarta (2022 onwards): log delivery by service principal. */
const SERVICE_PRINCIPAL_REGIONS = [
  'ap-east-2', 'ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'mx-central-1',
] as const;

export const KNOWN_REGIONS: readonly string[] = [...Object.keys(ELB_LOG_DELIVERY_ACCOUNTS), ...SERVICE_PRINCIPAL_REGIONS].sort();

/**
 * The AWS behaviours the deploy path can meet (issue 11, "Model it, so it cannot come back"), each
 * modelled in the fake AWS (test/fakes/aws/) after its source, and each with one test in this
 * folder (P-TRUTH) titled `titleOf(behaviour)`. A test shows two things: (a) the fake behaves as AWS does for a template with
 * the trap (a hand-written fixture, test/fakes/platform-fixture.ts), and (b) the real platform
 * (rendered from src/stacks) goes through the same deploy path without meeting it.
 *
 * `documented` says whether AWS documents the behaviour itself; when it does not, the sources are
 * open issues that report it, and the fake's module says what it assumes.
 */
export interface AwsBehaviour {
  /** What AWS does, as a test title says it. */
  readonly title: string;
  /** AWS documentation pages or GitHub issues (or a pull request showing the message), first the one that states the behaviour. */
  readonly sources: readonly string[];
  readonly documented: boolean;
  /** The fake's module that models it. */
  readonly modelledIn: string;
  /** The issue 11 item, or the platform-facts trap, it comes from. */
  readonly origin: string;
}

export const BEHAVIOURS = {
  selectOverPlaceholder: {
    title: 'Fn::Select (index 1 or more) over a sibling stack\'s output fails the nested change set\'s creation',
    sources: ['https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/759', 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-select.html'],
    documented: false,
    modelledIn: 'test/fakes/aws/cloudformation/placeholders.ts',
    origin: 'issue 11 item 2; platform-facts trap 26',
  },
  transformRejectsPlaceholder: {
    title: 'the AWS::LanguageExtensions transform rejects a sibling stack\'s output in a nested change set',
    sources: ['https://github.com/aws-cloudformation/cfn-language-discussion/issues/152'],
    documented: false,
    modelledIn: 'test/fakes/aws/cloudformation/placeholders.ts',
    origin: 'issue 11 item 2; platform-facts trap 26',
  },
  conditionOverPlaceholder: {
    title: 'a condition over a sibling stack\'s output has no value when the nested change set is created',
    sources: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html'],
    documented: false,
    modelledIn: 'test/fakes/aws/cloudformation/placeholders.ts',
    origin: 'issue 11 item 2; platform-facts trap 26',
  },
  reservedConcurrencyFloor: {
    title: 'Lambda refuses reserved concurrency that leaves the account less unreserved than its floor (a new account: none)',
    sources: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html', 'https://github.com/aws-samples/one-observability-demo/issues/278'],
    documented: true,
    modelledIn: 'test/fakes/aws/lambda.ts, test/fakes/aws/account.ts',
    origin: 'issue 11 item 3; platform-facts trap 27',
  },
  ecsServiceLinkedRole: {
    title: 'ECS cannot create a cluster in a new account until its service-linked role exists',
    sources: ['https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html', 'https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/818', 'https://github.com/aws/containers-roadmap/issues/2614'],
    documented: false,
    modelledIn: 'test/fakes/aws/ecs.ts, test/fakes/aws/account.ts',
    origin: 'issue 11 item 11',
  },
  listenerRuleWeightsReset: {
    title: 'a CloudFormation update of a blue/green listener rule resets the weights ECS set',
    sources: ['https://github.com/aws/aws-cdk/issues/36649', 'https://github.com/go-to-k/cdk-real-drift/issues/1730', 'https://github.com/aws/containers-roadmap/issues/2853'],
    documented: false,
    modelledIn: 'test/fakes/aws/live.ts, test/fakes/aws/elbv2.ts',
    origin: 'issue 11 item 6; platform-facts §2.4',
  },
  albAccessLogsPrincipal: {
    title: 'ELB refuses to create an ALB with access logs on until its bucket policy lets the Region\'s log-delivery principal write',
    sources: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html', 'https://github.com/aws/copilot-cli/pull/4169'],
    documented: true,
    modelledIn: 'test/fakes/aws/elbv2.ts, test/fakes/aws/s3.ts',
    origin: 'issue 11 item 11 (the ELB log-delivery account of a Region); platform-facts gotcha 17',
  },
  albDeletionProtection: {
    title: 'an ALB with deletion protection on ends a stack deletion in DELETE_FAILED',
    sources: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection'],
    documented: true,
    modelledIn: 'test/fakes/aws/elbv2.ts',
    origin: 'issue 11 item 9; platform-facts trap 32',
  },
} as const satisfies Record<string, AwsBehaviour>;

/** A test's title: the behaviour, under P-TRUTH (each test writes it out; behaviours.test.ts checks they agree). */
export const titleOf = (behaviour: AwsBehaviour): string => `P-TRUTH: AWS behaviour: ${behaviour.title}`;

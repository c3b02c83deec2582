/**
 * The mutation catalogue of `make mutation` (scripts/mutation.ts): realistic bugs, one edit each,
 * covering every requirement family. Each `find` must occur exactly once in its file, so a
 * refactoring that moves the code makes the entry fail loudly as STALE instead of passing.
 * `likelyCaughtBy` lists the test files to try first (only a speed-up: the whole suite runs if
 * they do not catch it).
 */
export interface Mutation {
  readonly id: string;
  /** The requirement family the bug breaks: P-*, D-*, T-*, or rotation. */
  readonly family: string;
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** What the bug does, in a user's words. */
  readonly bug: string;
  readonly likelyCaughtBy?: readonly string[];
}

export const MUTATIONS: readonly Mutation[] = [
  {
    id: 'stateful-drop-secret',
    family: 'P-DATA',
    file: 'src/cfn/stateful.ts',
    find: "  'AWS::SecretsManager::Secret': 'credentials and API keys in use by running tasks',\n",
    replace: '',
    bug: 'secrets lose Retain, the stack policy and the data-loss finding at once',
  },
  {
    id: 'desired-count-off-by-one',
    family: 'T-5',
    file: 'src/config/rules.ts',
    find: 'desired > max',
    replace: 'desired >= max',
    bug: 'DesiredCount == MaxCapacity (valid) is rejected',
  },
  {
    id: 'release-skips-missing-tag',
    family: 'D-16',
    file: 'src/operations/release.ts',
    find: "if (image.kind !== 'found') {",
    replace: "if (image.kind === 'repository-missing') {",
    bug: 'a release of a tag the repository lacks creates its change set anyway (ECS then fails mid-deploy)',
    likelyCaughtBy: ['test/operations/release.test.ts'],
  },
  {
    id: 'release-scope-open',
    family: 'D-16',
    file: 'src/operations/release-scope.ts',
    find: '  return { changed, noise, outside };',
    replace: '  return { changed, noise, outside: [] };',
    bug: 'a release executes a change set that also reverts another stack',
    likelyCaughtBy: ['test/operations/release.test.ts'],
  },
  {
    id: 'execution-role-forgets-a-type',
    family: 'D-17',
    file: 'src/stacks/bootstrap.execution-role.ts',
    find: "  'AWS::SNS::TopicPolicy': ['sns:topic'],\n",
    replace: '',
    bug: 'the execution role lacks the permissions of a resource type the templates use',
    likelyCaughtBy: ['test/stacks/execution-role.test.ts'],
  },
  {
    id: 'deploy-role-cannot-upload',
    family: 'D-17',
    file: 'src/stacks/bootstrap.deploy-role.ts',
    find: "Action: ['s3:GetObject', 's3:PutObject']",
    replace: "Action: ['s3:GetObject']",
    bug: 'a deploy as the deploy role cannot upload its templates',
    likelyCaughtBy: ['test/operations/deploy-role.test.ts'],
  },
];

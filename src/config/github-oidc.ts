/**
 * GitHub Actions OIDC subjects the deploy role may trust (D-17), checked before any AWS call.
 *
 * A workflow's token carries `sub` = `repo:<owner>/<repo>:<context>`, where the context is
 * `ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`, `environment:<name>` (a job with an
 * environment) or `pull_request` (GitHub, "Example subject claims":
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims).
 * The trust policy compares `token.actions.githubusercontent.com:sub` with StringEquals, so
 * each subject names exactly one repository and one branch, tag or environment: no wildcard,
 * which would trust more than what is named (with `*` in the repository part, every repository on
 * GitHub; AWS's guidance is to always condition on `sub`:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).
 */

/** The trust policy must stay inside IAM's default 2,048-character quota for role trust policies. */
export const GITHUB_OIDC_MAX_SUBJECTS = 10;
export const GITHUB_OIDC_MAX_SUBJECT_CHARACTERS = 1200;

/** GitHub owner (user or organization) names: letters, digits and single hyphens, at most 39. */
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}';
/** Repository names: letters, digits, `.`, `_`, `-`, at most 100. */
const REPOSITORY = '[A-Za-z0-9._-]{1,100}';
/** A git ref name without the characters git refuses (git check-ref-format) and without wildcards. */
const REF = '[^\\s~^:?*\\[\\\\]+';
/** Environment names: anything but wildcards and the claim separator. */
const ENVIRONMENT = '[^*?:]{1,255}';

const SUBJECT = new RegExp(`^repo:${OWNER}/${REPOSITORY}:(?:ref:refs/heads/${REF}|ref:refs/tags/${REF}|environment:${ENVIRONMENT}|pull_request)$`);

export const GITHUB_SUBJECT_FORMS = [
  'repo:<owner>/<repo>:ref:refs/heads/<branch>',
  'repo:<owner>/<repo>:ref:refs/tags/<tag>',
  'repo:<owner>/<repo>:environment:<environment>',
  'repo:<owner>/<repo>:pull_request',
] as const;

/** What is wrong with one subject, or undefined. */
export function githubSubjectProblem(subject: string): string | undefined {
  if (/[*?]/.test(subject)) {
    return 'has a wildcard; the deploy role trusts exact subjects only (a wildcard trusts every repository or branch it matches): name the repository and the branch, tag or environment';
  }
  if (!SUBJECT.test(subject)) return `must be one of: ${GITHUB_SUBJECT_FORMS.join(', ')}`;
  return undefined;
}

/**
 * The fake IAM (D-17): roles and OIDC providers (created by stacks, or that the account already
 * has), AssumeRole sessions, and the `Role`, `ServiceLinkedRole` and `OIDCProvider` resources.
 * What an assumed role may do is the permission model (permissions.ts).
 *
 * Documented behaviour it follows
 * - AssumeRole needs the role's trust policy to name the caller (its account root or its ARN);
 *   otherwise AccessDenied "User: <caller> is not authorized to perform: sts:AssumeRole on resource:
 *   <role>" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
 * - A role's ARN is `arn:aws:iam::<account>:role<path><name>`
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
 * - IAM names a service-linked role after its service: ecs.amazonaws.com → AWSServiceRoleForECS
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html).
 * - Creating a service-linked role the account already has fails ("Service role name
 *   AWSServiceRoleForECS has been taken in this account", bcgov/startup-sample-project-aws-containers#13,
 *   Rayraegah/terraform-aws-hasura#17), as creating an OIDC provider for a URL that has one does
 *   (IAM CreateOpenIDConnectProvider: EntityAlreadyExists,
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html).
 * - A role's identity-based policies are its inline policies and the managed policies attached to
 *   it (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html).
 */
import type { CallerIdentity, IamPort, TemporaryCredentials } from '../../../src/aws/port';
import type { Json, JsonObject } from '../../../src/core/template-json';
import { trusts } from '../iam-policy';
import { handlerMessage, type ResourceProvider } from './cloudformation/resources';
import type { FakeStack, ResourceState, StackStore } from './cloudformation/stacks';
import { evaluate } from './cloudformation/template';
import { awsError, type Call, type FakeCore } from './core';

/** An assumed-role session of the fake STS. */
export interface FakeSession {
  readonly roleName: string;
  readonly roleArn: string;
  readonly sessionName: string;
}

/** IAM names a service-linked role after its service: ecs.amazonaws.com → AWSServiceRoleForECS (IAM User Guide, using-service-linked-roles). */
export function serviceLinkedRoleName(service: string): string {
  const known: Readonly<Record<string, string>> = { 'ecs.amazonaws.com': 'AWSServiceRoleForECS' };
  return known[service] ?? `AWSServiceRoleFor${service.split('.')[0]}`;
}

export class FakeIam {
  /** Roles the account has outside any stack (e.g. `AWSServiceRoleForECS`, created by ECS itself). */
  readonly accountRoles = new Set<string>();
  /** OIDC provider ARNs the account has outside any stack. */
  readonly accountOidcProviders = new Set<string>();
  private readonly issued = new Map<string, FakeSession>();

  constructor(private readonly core: FakeCore, private readonly stacks: StackStore) {}

  /** A role created by a live stack (AWS::IAM::Role or a service-linked role). */
  private stackRole(name: string): { stack: FakeStack; state: ResourceState } | undefined {
    for (const stack of this.stacks.live()) {
      for (const state of stack.resources.values()) {
        if ((state.type === 'AWS::IAM::Role' || state.type === 'AWS::IAM::ServiceLinkedRole') && state.physicalId === name && state.status.endsWith('_COMPLETE')) return { stack, state };
      }
    }
    return undefined;
  }

  roleByName(name: string): { stack?: FakeStack; state?: ResourceState } | undefined {
    return this.stackRole(name) ?? (this.accountRoles.has(name) ? {} : undefined);
  }

  roleByArn(arn: string): { stack?: FakeStack; state?: ResourceState } | undefined {
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!match || match[1] !== this.core.account) return undefined;
    const role = this.roleByName(match[2]);
    if (role?.state && this.stacks.attribute(role.state, 'Arn') !== arn) return undefined;
    return role;
  }

  oidcProviderExists(arn: string): boolean {
    return this.accountOidcProviders.has(arn) || this.stacks.live().some((stack) => [...stack.resources.values()].some((r) => r.type === 'AWS::IAM::OIDCProvider' && r.physicalId === arn && r.status.endsWith('_COMPLETE')));
  }

  /** The session AssumeRole issued these credentials to. */
  session(accessKeyId: string): FakeSession | undefined {
    return this.issued.get(accessKeyId);
  }

  sessionArn(session: FakeSession): string {
    return `arn:aws:sts::${this.core.account}:assumed-role/${session.roleName}/${session.sessionName}`;
  }

  /** AssumeRole by `caller` (what GetCallerIdentity says it is). */
  assumeRole(roleArn: string, sessionName: string, caller: CallerIdentity): TemporaryCredentials {
    const refuse = () => awsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 'sts.assumeRole', 403);
    const role = this.roleByArn(roleArn);
    if (!role?.stack || !role.state) throw refuse();
    const trust = evaluate(((role.state.definition?.['Properties'] ?? {}) as JsonObject)['AssumeRolePolicyDocument'], this.stacks.deployedScope(role.stack)) as JsonObject;
    if (!trusts(trust, caller, 'sts:AssumeRole')) throw refuse();
    const n = this.core.tick();
    const accessKeyId = `ASIAFAKE${String(n).padStart(8, '0')}`;
    this.issued.set(accessKeyId, { roleName: role.state.physicalId, roleArn, sessionName });
    return { accessKeyId, secretAccessKey: `fake-secret-${n}`, sessionToken: `fake-token-${n}`, expiration: new Date(this.core.clock.now() + 3600_000) };
  }

  /** The identity-based policies of a role as deployed: inline policies and attached managed policies. */
  rolePolicies(roleName: string): JsonObject[] {
    const role = this.stackRole(roleName);
    if (!role) return [];
    const scope = this.stacks.deployedScope(role.stack);
    const properties = (role.state.definition?.['Properties'] ?? {}) as JsonObject;
    const inline = ((properties['Policies'] ?? []) as JsonObject[]).map((p) => evaluate(p['PolicyDocument'], scope) as JsonObject);
    const managed = [...role.stack.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::ManagedPolicy' && r.status.endsWith('_COMPLETE'))
      .map((r) => evaluate(r.definition?.['Properties'] ?? {}, scope) as JsonObject)
      .filter((p) => ((p['Roles'] ?? []) as Json[]).includes(roleName))
      .map((p) => p['PolicyDocument'] as JsonObject);
    return [...inline, ...managed];
  }

  private oidcProviderArn(url: unknown): string {
    return `arn:aws:iam::${this.core.account}:oidc-provider/${String(url).replace(/^https:\/\//, '')}`;
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::IAM::Role': {
      // D-17: named roles keep their name.
      physicalId: ({ stackName, logicalId, suffix, properties }) => (typeof properties?.['RoleName'] === 'string' ? properties['RoleName'] : `${stackName}-${logicalId}-${suffix}`),
      // The ARNs the bootstrap template's policies are built from.
      attribute: (resource, attribute) => {
        if (attribute !== 'Arn') return undefined;
        const path = String((resource.definition?.['Properties'] as JsonObject | undefined)?.['Path'] ?? '/');
        return `arn:aws:iam::${this.core.account}:role${path}${resource.physicalId}`;
      },
    },
    'AWS::IAM::ServiceLinkedRole': {
      // A service-linked role's name comes from its service.
      physicalId: ({ properties }) => serviceLinkedRoleName(String(properties?.['AWSServiceName'])),
      createFails: (properties) => {
        const name = serviceLinkedRoleName(String(properties['AWSServiceName']));
        return this.roleByName(name) ? handlerMessage(`Service role name ${name} has been taken in this account, please try a different suffix. (Service: Iam, Status Code: 400)`, 'AlreadyExists') : undefined;
      },
    },
    'AWS::IAM::OIDCProvider': {
      physicalId: ({ properties }) => this.oidcProviderArn(properties?.['Url']),
      createFails: (properties) =>
        this.oidcProviderExists(this.oidcProviderArn(properties['Url'])) ? handlerMessage(`Provider with url ${String(properties['Url'])} already exists. (Service: Iam, Status Code: 409)`, 'AlreadyExists') : undefined,
    },
  };

  port(call: Call): IamPort {
    return {
      roleExists: (name) => call('iam.roleExists', [name], () => this.roleByName(name) !== undefined),
      oidcProviderExists: (arn) => call('iam.oidcProviderExists', [arn], () => this.oidcProviderExists(arn)),
    };
  }
}

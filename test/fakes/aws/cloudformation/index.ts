/**
 * The fake CloudFormation: stacks (stacks.ts), change sets (change-sets.ts), their execution and
 * events (execution.ts), stack policies, termination protection and drift (policies.ts),
 * placeholder parameters in nested change sets and what they break (placeholders.ts), over the
 * resource providers the other services register (resources.ts) and the template evaluation
 * (template.ts). Each file's header lists the documented behaviour it follows, with its source.
 */
import type { CloudFormationPort } from '../../../../src/aws/port';
import type { Call, FakeCore } from '../core';
import { ChangeSets, type ChangeSetServices } from './change-sets';
import { Execution } from './execution';
import { Protections } from './policies';
import type { ResourceProvider, ResourceProviders } from './resources';
import { StackStore } from './stacks';

export interface CloudFormationOptions {
  readonly stepMs: number;
  readonly changeSetDelayMs: number;
  readonly eventPageSize: number;
  readonly changeSetPageSize: number;
}

export class FakeCloudFormation {
  readonly stacks: StackStore;
  readonly changeSets: ChangeSets;
  readonly execution: Execution;
  readonly protections: Protections;
  /** By resource type; filled by `register`. */
  private readonly providers: Record<string, ResourceProvider> = {};

  constructor(core: FakeCore, services: ChangeSetServices, options: CloudFormationOptions) {
    this.stacks = new StackStore(core, this.providers);
    this.changeSets = new ChangeSets(core, this.stacks, services, options);
    this.execution = new Execution(core, this.stacks, this.changeSets, this.providers, options);
    this.protections = new Protections(core, this.stacks);
  }

  /** A service's resource providers (one service per type). */
  register(providers: ResourceProviders): void {
    for (const [type, provider] of Object.entries(providers)) {
      if (this.providers[type]) throw new Error(`fake: two providers for ${type}`);
      this.providers[type] = provider;
    }
  }

  port(call: Call): CloudFormationPort {
    return {
      ...this.stacks.methods(call),
      ...this.changeSets.methods(call),
      ...this.execution.methods(call),
      ...this.protections.methods(call),
    };
  }
}

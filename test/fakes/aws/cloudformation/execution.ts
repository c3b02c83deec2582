/**
 * Executing change sets, deleting stacks and continuing rollbacks, as scripts of stack events on
 * virtual time; DescribeStackEvents reads what they wrote.
 *
 * Documented behaviour it follows
 * - ExecuteChangeSet: only a root change set that is CREATE_COMPLETE/AVAILABLE
 *   (InvalidChangeSetStatus otherwise), on a stack with no operation running (ValidationError
 *   "… is in UPDATE_IN_PROGRESS state and can not be updated."); when the operation ends the
 *   stack's other change sets are deleted
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html).
 *   A change set with RoleARN makes it the stack's role: "CloudFormation always uses that role for
 *   all operations that are performed on that stack" (using-iam-servicerole.html).
 * - Stack events: DescribeStackEvents is newest first, paged (`eventPageSize`).
 * - Failures: a failed resource (CREATE_FAILED/UPDATE_FAILED with its reason) makes its stack roll
 *   back (ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE after a create, UPDATE_ROLLBACK_IN_PROGRESS →
 *   UPDATE_ROLLBACK_COMPLETE after an update); the parent's nested-stack resource then fails with
 *   "Embedded stack <arn> was not successfully created/updated …" and the parent rolls back in
 *   turn. A resource that fails while rolling back leaves UPDATE_ROLLBACK_FAILED up to the root
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html).
 *   Simplifications (documented, not hidden): resources run one at a time in dependency order, so
 *   no "Resource creation cancelled" siblings; a child rolls itself back before its parent does,
 *   and a sibling stack that had completed is not rolled back.
 * - A resource a stack policy denies fails with the policy's reason (policies.ts); a resource whose
 *   service refuses its creation fails with the service's reason (its provider's `createFails`).
 *   The fake decides that when it plans the execution, before anything is created: `createFails`
 *   sees the resources this execution creates before it (their properties, and stand-in ids: a
 *   named resource's name, otherwise an id ending in PROSPECTIVE, as the real ones are not drawn yet).
 * - ContinueUpdateRollback (root only) resumes; ResourcesToSkip (`Nested.Logical` ids from the
 *   root) are marked UPDATE_COMPLETE without being rolled back
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html).
 * - DeleteStack deletes in reverse order; a resource whose service refuses the deletion is
 *   DELETE_FAILED (a non-empty bucket, an ALB with deletion protection: their providers'
 *   `deleteFails`), a resource with DeletionPolicy Retain or RetainExceptOnCreate (after Fn::If) is
 *   DELETE_SKIPPED. A rollback of the operation that created a resource deletes it under
 *   RetainExceptOnCreate and keeps it under Retain ("RetainExceptOnCreate behaves like Retain for
 *   stack operations, except for the stack operation that initially created the resource. If the
 *   stack operation that created the resource is rolled back, CloudFormation deletes the resource":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 *   DeleteStack of a REVIEW_IN_PROGRESS stack removes it at once; termination protection refuses.
 */
import type { CloudFormationPort, ExecutionStatus, StackOutput } from '../../../../src/aws/port';
import type { JsonObject, TemplateJson } from '../../../../src/core/template-json';
import { awsError, Script, type Call, type FakeCore } from '../core';
import type { ChangeSets, FakeChangeSet, PlannedChange } from './change-sets';
import { policyDenies } from './policies';
import type { CreatedEarlier, ResourceProviders } from './resources';
import type { FakeStack, ResourceState, StackStore } from './stacks';
import { dependencyOrder, evaluate, stringify, type Scope } from './template';

export interface InjectedFailure {
  /** Stack path from the root (`` root, `Services/Frontend`). */
  readonly path: string;
  readonly logicalId: string;
  readonly reason: string;
  /** forward: the change fails; rollback: rolling it back fails. */
  readonly phase: 'forward' | 'rollback';
}

type RunResult = 'ok' | 'failed' | 'rollback-failed';

interface Before {
  readonly template?: TemplateJson;
  readonly body?: string;
  readonly parameters: Record<string, string>;
  readonly resources: Map<string, ResourceState>;
  readonly outputs: StackOutput[];
}

export class Execution {
  private readonly failures: InjectedFailure[] = [];
  /** The resources whose failure made each stack roll back (for the parent's "Embedded stack" reason). */
  private readonly failedIds = new Map<string, string[]>();

  constructor(
    private readonly core: FakeCore,
    private readonly stacks: StackStore,
    private readonly changeSets: ChangeSets,
    private readonly providers: ResourceProviders,
    private readonly options: { readonly stepMs: number; readonly eventPageSize: number },
  ) {}

  /** A resource fails the next time it is changed (forward) or rolled back. */
  failResource(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  private script(): Script {
    return new Script(this.core, this.core.clock.now(), this.options.stepMs);
  }

  private takeFailure(path: string, logicalId: string, phase: InjectedFailure['phase']): InjectedFailure | undefined {
    const index = this.failures.findIndex((f) => f.path === path && f.logicalId === logicalId && f.phase === phase);
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0];
  }

  private physicalIdFor(stack: FakeStack, logicalId: string, type: string, properties: JsonObject | undefined): string {
    const suffix = this.core.random12();
    return this.providers[type]?.physicalId?.({ stackName: stack.stackName, logicalId, suffix, properties }) ?? `${stack.stackName}-${logicalId}-${suffix}`;
  }

  /** Creates, updates or replaces one resource, and lets its service apply it. */
  private applyResource(stack: FakeStack, logicalId: string, definition: JsonObject, scope: Scope, replace: boolean): ResourceState {
    const type = String(definition['Type']);
    const properties = evaluate(definition['Properties'] ?? {}, scope) as JsonObject;
    const existing = stack.resources.get(logicalId);
    const physicalId = existing && !replace ? existing.physicalId : this.physicalIdFor(stack, logicalId, type, properties);
    const state: ResourceState = { logicalId, type, physicalId, status: 'CREATE_COMPLETE', definition };
    stack.resources.set(logicalId, state);
    this.providers[type]?.apply?.(physicalId, properties);
    return state;
  }

  /** CloudFormation deletes the physical resource (what its Delete handler does). */
  private deleteOutside(resource: ResourceState): void {
    this.providers[resource.type]?.delete?.(resource.physicalId);
  }

  /**
   * Whether CloudFormation keeps the resource when it deletes it: on stack deletion (or removal)
   * under Retain and RetainExceptOnCreate; when rolling back the operation that created it, only
   * under Retain.
   */
  private keeps(stack: FakeStack, resource: ResourceState, when: 'delete' | 'rollback-of-create'): boolean {
    const policy = resource.definition?.['DeletionPolicy'];
    const value = policy === undefined ? 'Delete' : evaluate(policy, this.stacks.deployedScope(stack));
    return value === 'Retain' || (value === 'RetainExceptOnCreate' && when === 'delete');
  }

  private runStack(script: Script, stack: FakeStack, cs: FakeChangeSet, isRoot: boolean): RunResult {
    const creating = cs.type === 'CREATE';
    const verb = creating ? 'CREATE' : 'UPDATE';
    const before: Before = {
      template: stack.template,
      body: stack.templateBody,
      parameters: stack.parameters,
      resources: new Map([...stack.resources].map(([k, v]) => [k, { ...v }])),
      outputs: stack.outputs,
    };
    script.step(() => {
      this.stacks.stackEvent(stack, `${verb}_IN_PROGRESS`, isRoot ? 'User Initiated' : undefined);
      stack.parameters = this.resolveParameters(stack, cs);
      stack.tags = cs.tags;
    });
    const scope = () => this.changeSets.planScope(stack, stack.parameters, cs.template);
    // What the resources created before each one will be, as `createFails` sees them at planning time.
    const earlier = new Map<string, ResourceState>();
    const prospective = (): Scope => {
      const base = this.changeSets.planScope(stack, this.resolveParameters(stack, cs), cs.template);
      const standIn = (id: string) => earlier.get(id);
      return {
        ...base,
        ref: (id) => base.ref(id) ?? standIn(id)?.physicalId,
        getAtt: (id, attribute) => {
          const planned = standIn(id);
          return base.getAtt(id, attribute) ?? (planned ? this.stacks.attribute(planned, attribute) : undefined);
        },
      };
    };
    const createdEarlier = (): CreatedEarlier[] => [...earlier.values()].map((r) => ({ type: r.type, properties: evaluate(r.definition?.['Properties'] ?? {}, prospective()) as JsonObject }));
    const done: PlannedChange[] = [];
    let failed: { ids: string[]; nestedRollbackFailed: boolean } | undefined;
    const order = dependencyOrder(cs.template);
    const forward = cs.changes.filter((c) => c.action !== 'Remove').sort((a, b) => order.indexOf(a.logicalId) - order.indexOf(b.logicalId));
    for (const change of forward) {
      const definition = cs.template.Resources[change.logicalId] as unknown as JsonObject;
      const resourceVerb = change.action === 'Add' ? 'CREATE' : 'UPDATE';
      if (change.type === 'AWS::CloudFormation::Stack' && change.nestedChangeSetId) {
        const nested = this.changeSets.all.get(change.nestedChangeSetId);
        const child = nested ? this.stacks.stacks.get(nested.stackId) : undefined;
        if (!nested || !child) continue;
        script.step(() => this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_IN_PROGRESS`, undefined, change.action === 'Modify' ? child.stackId : undefined));
        script.alongside(() => {
          stack.resources.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId: child.stackId, status: `${resourceVerb}_IN_PROGRESS`, definition });
          if (change.action === 'Add') this.stacks.event(stack, change.logicalId, change.type, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', child.stackId);
        });
        const result = this.runStack(script, child, nested, false);
        done.push(change);
        if (result !== 'ok') {
          script.step(() => {
            const state = stack.resources.get(change.logicalId);
            if (state) state.status = `${resourceVerb}_FAILED`;
            const how = creating || change.action === 'Add' ? 'created' : 'updated';
            this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_FAILED`, `Embedded stack ${child.stackId} was not successfully ${how}: The following resource(s) failed to ${how === 'created' ? 'create' : 'update'}: [${(this.failedIds.get(child.stackId) ?? []).join(', ')}].`, child.stackId);
          });
          failed = { ids: [change.logicalId], nestedRollbackFailed: result === 'rollback-failed' };
          break;
        }
        script.step(() => {
          const state = stack.resources.get(change.logicalId);
          if (state) state.status = `${resourceVerb}_COMPLETE`;
          this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_COMPLETE`, undefined, child.stackId);
        });
        continue;
      }
      const injected = this.takeFailure(stack.path, change.logicalId, 'forward');
      const denied = change.action !== 'Modify' ? undefined : policyDenies(stack, change.logicalId, change.type, change.replacement === 'True' ? 'Update:Replace' : 'Update:Modify');
      const createFails = this.providers[change.type]?.createFails;
      const trap = change.action === 'Add' && createFails ? createFails(evaluate(definition['Properties'] ?? {}, prospective()) as JsonObject, createdEarlier()) : undefined;
      script.step(() => this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_IN_PROGRESS`, undefined, stack.resources.get(change.logicalId)?.physicalId));
      if (injected || denied || trap) {
        done.push(change);
        script.step(() => {
          const existing = stack.resources.get(change.logicalId);
          if (existing) existing.status = `${resourceVerb}_FAILED`;
          else stack.resources.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId: '', status: 'CREATE_FAILED' });
          this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_FAILED`, denied ?? trap ?? injected?.reason, stack.resources.get(change.logicalId)?.physicalId || undefined);
        });
        failed = { ids: [change.logicalId], nestedRollbackFailed: false };
        break;
      }
      if (change.action === 'Add' || change.replacement === 'True') {
        // A named resource's stand-in is its name; others get a suffix no real id has.
        const properties = evaluate(definition['Properties'] ?? {}, prospective()) as JsonObject;
        const physicalId = this.providers[change.type]?.physicalId?.({ stackName: stack.stackName, logicalId: change.logicalId, suffix: 'PROSPECTIVE', properties }) ?? `${stack.stackName}-${change.logicalId}-PROSPECTIVE`;
        earlier.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId, status: 'CREATE_IN_PROGRESS', definition });
      }
      script.step(() => {
        const state = this.applyResource(stack, change.logicalId, definition, scope(), change.replacement === 'True');
        if (change.replacement === 'True') this.stacks.event(stack, change.logicalId, change.type, 'UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.', state.physicalId);
        else if (change.action === 'Add') this.stacks.event(stack, change.logicalId, change.type, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', state.physicalId);
      });
      script.step(() => {
        const state = stack.resources.get(change.logicalId);
        if (state) state.status = `${resourceVerb}_COMPLETE`;
        this.stacks.event(stack, change.logicalId, change.type, `${resourceVerb}_COMPLETE`, undefined, state?.physicalId);
      });
      done.push(change);
    }
    if (!failed) {
      for (const change of cs.changes.filter((c) => c.action === 'Remove')) {
        const denied = policyDenies(stack, change.logicalId, change.type, 'Update:Delete');
        if (denied) {
          script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'UPDATE_FAILED', denied));
          failed = { ids: [change.logicalId], nestedRollbackFailed: false };
          break;
        }
      }
    }
    if (failed) return this.rollback(script, stack, cs, done, failed, before, isRoot);

    const removals = cs.changes.filter((c) => c.action === 'Remove' || c.replacement === 'True');
    if (!creating && removals.length > 0) {
      script.step(() => this.stacks.stackEvent(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
      for (const change of cs.changes.filter((c) => c.action === 'Remove')) {
        const old = before.resources.get(change.logicalId);
        if (change.type === 'AWS::CloudFormation::Stack' && old) {
          const child = this.stacks.stacks.get(old.physicalId);
          script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, old.physicalId));
          if (child) this.deleteTree(script, child);
        } else {
          script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, old?.physicalId));
        }
        script.step(() => {
          stack.resources.delete(change.logicalId);
          this.stacks.event(stack, change.logicalId, change.type, 'DELETE_COMPLETE', undefined, old?.physicalId);
        });
      }
    }
    script.step(() => {
      stack.template = cs.template;
      stack.templateBody = cs.templateBody;
      stack.outputs = this.stacks.outputsOf(stack);
      if (!creating) stack.lastUpdatedTime = new Date(this.core.clock.now());
      this.stacks.stackEvent(stack, `${verb}_COMPLETE`);
      if (isRoot) this.finishExecution(cs, 'EXECUTE_COMPLETE');
    });
    return 'ok';
  }

  private rollback(script: Script, stack: FakeStack, cs: FakeChangeSet, done: PlannedChange[], failed: { ids: string[]; nestedRollbackFailed: boolean }, before: Before, isRoot: boolean): RunResult {
    const creating = cs.type === 'CREATE';
    const failedList = failed.ids.join(', ');
    this.failedIds.set(stack.stackId, failed.ids);
    if (creating) {
      script.step(() => this.stacks.stackEvent(stack, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failedList}]. Rollback requested by user.`));
      for (const change of [...done].reverse()) {
        const state = () => stack.resources.get(change.logicalId);
        if (change.type === 'AWS::CloudFormation::Stack') {
          // The child is known from its change set: its resource entry is only set as the steps run.
          const nestedChangeSet = change.nestedChangeSetId ? this.changeSets.all.get(change.nestedChangeSetId) : undefined;
          const child = this.stacks.stacks.get(nestedChangeSet?.stackId ?? state()?.physicalId ?? '');
          script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, child?.stackId));
          // A child that rolled its own create back has nothing left to delete but itself.
          if (child) this.deleteTree(script, child, false, nestedChangeSet);
        } else {
          script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, state()?.physicalId || undefined));
        }
        script.step(() => {
          const created = state();
          const kept = created !== undefined && created.physicalId !== '' && this.keeps(stack, created, 'rollback-of-create');
          if (created && !kept && change.type !== 'AWS::CloudFormation::Stack') this.deleteOutside(created);
          this.stacks.event(stack, change.logicalId, change.type, kept ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE', undefined, created?.physicalId || undefined);
          stack.resources.delete(change.logicalId);
        });
      }
      script.step(() => {
        stack.template = cs.template;
        stack.templateBody = cs.templateBody;
        this.stacks.stackEvent(stack, 'ROLLBACK_COMPLETE');
        if (isRoot) this.finishExecution(cs, 'EXECUTE_FAILED');
      });
      return 'failed';
    }
    script.step(() => this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${failedList}].`));
    let rollbackFailed = failed.nestedRollbackFailed;
    for (const change of [...done].reverse()) {
      // Nested stacks roll themselves back (simplification: a sibling stack that had completed is
      // not rolled back again).
      if (change.type === 'AWS::CloudFormation::Stack') continue;
      const old = before.resources.get(change.logicalId);
      const stuck = this.takeFailure(stack.path, change.logicalId, 'rollback');
      if (change.action === 'Add') {
        script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS'));
        script.step(() => {
          const created = stack.resources.get(change.logicalId);
          const kept = created !== undefined && created.physicalId !== '' && this.keeps(stack, created, 'rollback-of-create');
          if (created && !kept) this.deleteOutside(created);
          stack.resources.delete(change.logicalId);
          this.stacks.event(stack, change.logicalId, change.type, kept ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE');
        });
        continue;
      }
      script.step(() => this.stacks.event(stack, change.logicalId, change.type, 'UPDATE_IN_PROGRESS', undefined, old?.physicalId));
      if (stuck) {
        rollbackFailed = true;
        script.step(() => {
          const state = stack.resources.get(change.logicalId);
          if (state) state.status = 'UPDATE_FAILED';
          this.stacks.event(stack, change.logicalId, change.type, 'UPDATE_FAILED', stuck.reason, old?.physicalId);
        });
        continue;
      }
      script.step(() => {
        if (old) stack.resources.set(change.logicalId, { ...old, status: 'UPDATE_COMPLETE' });
        this.stacks.event(stack, change.logicalId, change.type, 'UPDATE_COMPLETE', undefined, old?.physicalId);
      });
    }
    const failedNested = stack.resources.get(failed.ids[0]);
    if (failedNested?.type === 'AWS::CloudFormation::Stack' || done.some((c) => c.logicalId === failed.ids[0] && c.type === 'AWS::CloudFormation::Stack')) {
      // The child rolled itself back; the parent's resource follows it.
      script.step(() => {
        const state = stack.resources.get(failed.ids[0]);
        if (!state) return;
        if (failed.nestedRollbackFailed) {
          state.status = 'UPDATE_FAILED';
          this.stacks.event(stack, state.logicalId, state.type, 'UPDATE_FAILED', `Embedded stack ${state.physicalId} was not successfully updated. Currently in UPDATE_ROLLBACK_FAILED.`, state.physicalId);
        } else {
          state.status = 'UPDATE_COMPLETE';
          this.stacks.event(stack, state.logicalId, state.type, 'UPDATE_COMPLETE', undefined, state.physicalId);
        }
      });
    }
    script.step(() => {
      stack.parameters = before.parameters;
      if (rollbackFailed) {
        this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedList}].`);
      } else {
        this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE');
      }
      stack.lastUpdatedTime = new Date(this.core.clock.now());
      if (isRoot) this.finishExecution(cs, 'EXECUTE_FAILED');
    });
    return rollbackFailed ? 'rollback-failed' : 'failed';
  }

  private finishExecution(cs: FakeChangeSet, status: ExecutionStatus): void {
    cs.executionStatus = status;
    for (const other of this.changeSets.all.values()) if (other.stackId === cs.stackId && other.id !== cs.id && !other.parentId) other.deleted = true;
  }

  /** A nested stack's parameters as its parent's change set passes them, evaluated now (sibling outputs are known by then). */
  private resolveParameters(stack: FakeStack, cs: FakeChangeSet): Record<string, string> {
    if (!stack.parentId) return cs.parameters;
    const parent = this.stacks.stacks.get(stack.parentId);
    if (!parent) return cs.parameters;
    const entry = [...(parent.resources.values())].find((r) => r.physicalId === stack.stackId);
    const parentCs = this.changeSets.parentOf(cs);
    const definition = parentCs?.template.Resources[entry?.logicalId ?? ''];
    const raw = ((definition?.Properties ?? {}) as JsonObject)['Parameters'] as JsonObject | undefined;
    if (!raw || !parentCs) return cs.parameters;
    const scope = this.changeSets.planScope(parent, parent.parameters, parentCs.template);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, stringify(evaluate(v, scope)) ?? '']));
  }

  /**
   * Deletes a stack and everything in it (reverse template order), as steps; the result is known
   * when the steps have run. `createdBy` is the change set whose create is being rolled back: its
   * resources are only there once the steps before run, and RetainExceptOnCreate ones go then.
   */
  private deleteTree(script: Script, stack: FakeStack, userInitiated = false, createdBy?: FakeChangeSet): () => boolean {
    const when = createdBy ? 'rollback-of-create' : 'delete';
    script.step(() => this.stacks.stackEvent(stack, 'DELETE_IN_PROGRESS', userInitiated ? 'User Initiated' : undefined));
    const template = createdBy?.template ?? stack.template;
    const order = Object.keys(template?.Resources ?? {});
    const entries = createdBy
      ? createdBy.changes.filter((c) => c.action !== 'Remove').map((c) => ({ logicalId: c.logicalId, type: c.type, nested: c.nestedChangeSetId ? this.changeSets.all.get(c.nestedChangeSetId) : undefined }))
      : [...stack.resources.values()].map((r) => ({ logicalId: r.logicalId, type: r.type, nested: undefined }));
    entries.sort((a, b) => order.indexOf(b.logicalId) - order.indexOf(a.logicalId));
    const failed: string[] = [];
    for (const entry of entries) {
      const resource = () => stack.resources.get(entry.logicalId);
      if (entry.type === 'AWS::CloudFormation::Stack') {
        const child = entry.nested ? this.stacks.stacks.get(entry.nested.stackId) : this.stacks.stacks.get(resource()?.physicalId ?? '');
        script.step(() => this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_IN_PROGRESS', undefined, child?.stackId));
        const childOk = child ? this.deleteTree(script, child, false, entry.nested) : () => true;
        script.step(() => {
          const state = resource();
          if (!state) return;
          if (childOk()) {
            stack.resources.delete(entry.logicalId);
            this.stacks.bury(stack, state, 'DELETE_COMPLETE');
            this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_COMPLETE', undefined, state.physicalId);
          } else {
            failed.push(entry.logicalId);
            state.status = 'DELETE_FAILED';
            this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_FAILED', `Embedded stack ${state.physicalId} was not successfully deleted: The following resource(s) failed to delete: [${[...(child?.resources.keys() ?? [])].join(', ')}].`, state.physicalId);
          }
        });
        continue;
      }
      const stuck = createdBy ? undefined : this.takeFailure(stack.path, entry.logicalId, 'forward');
      script.step(() => this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_IN_PROGRESS', undefined, resource()?.physicalId || undefined));
      script.step(() => {
        const state = resource();
        if (!state) return;
        if (this.keeps(stack, state, when)) {
          stack.resources.delete(entry.logicalId);
          this.stacks.bury(stack, state, 'DELETE_SKIPPED');
          this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_SKIPPED', undefined, state.physicalId);
          return;
        }
        const reason = stuck?.reason ?? this.providers[state.type]?.deleteFails?.(state.physicalId);
        if (reason) {
          failed.push(entry.logicalId);
          state.status = 'DELETE_FAILED';
          this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_FAILED', reason, state.physicalId);
          return;
        }
        this.deleteOutside(state);
        stack.resources.delete(entry.logicalId);
        this.stacks.bury(stack, state, 'DELETE_COMPLETE');
        this.stacks.event(stack, entry.logicalId, entry.type, 'DELETE_COMPLETE', undefined, state.physicalId);
      });
    }
    script.step(() => {
      if (failed.length > 0) {
        this.stacks.stackEvent(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}].`);
        return;
      }
      this.stacks.stackEvent(stack, 'DELETE_COMPLETE');
      stack.deleted = true;
      this.stacks.deletionTimes.set(stack.stackId, new Date(this.core.clock.now()));
    });
    return () => failed.length === 0;
  }

  private continueRollback(script: Script, stack: FakeStack, skip: readonly string[], isRoot: boolean): RunResult {
    script.step(() => this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', isRoot ? 'User Initiated' : undefined));
    let failed = false;
    for (const resource of [...stack.resources.values()]) {
      if (resource.status !== 'UPDATE_FAILED') continue;
      if (resource.type === 'AWS::CloudFormation::Stack') {
        const child = this.stacks.stacks.get(resource.physicalId);
        if (child && child.status === 'UPDATE_ROLLBACK_FAILED') {
          const childSkip = skip.filter((s) => s.startsWith(`${resource.logicalId}.`)).map((s) => s.slice(resource.logicalId.length + 1));
          const result = this.continueRollback(script, child, childSkip, false);
          script.step(() => {
            resource.status = result === 'ok' ? 'UPDATE_COMPLETE' : 'UPDATE_FAILED';
            this.stacks.event(stack, resource.logicalId, resource.type, resource.status, undefined, resource.physicalId);
          });
          failed = failed || result !== 'ok';
        }
        continue;
      }
      const skipped = skip.includes(resource.logicalId);
      const stuck = skipped ? undefined : this.takeFailure(stack.path, resource.logicalId, 'rollback');
      script.step(() => {
        resource.status = stuck ? 'UPDATE_FAILED' : 'UPDATE_COMPLETE';
        this.stacks.event(stack, resource.logicalId, resource.type, resource.status, stuck?.reason ?? (skipped ? 'Resource skipped during UpdateRollback' : undefined), resource.physicalId);
      });
      failed = failed || stuck !== undefined;
    }
    script.step(() => {
      if (failed) this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_FAILED');
      else {
        this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        this.stacks.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE');
      }
    });
    return failed ? 'rollback-failed' : 'ok';
  }

  methods(call: Call): Pick<CloudFormationPort, 'executeChangeSet' | 'deleteStack' | 'describeStackEvents' | 'continueUpdateRollback'> {
    return {
      executeChangeSet: (id) =>
        call('cfn.executeChangeSet', [id], () => {
          const op = 'cfn.executeChangeSet';
          const cs = this.changeSets.all.get(id);
          if (!cs || cs.deleted) throw awsError('ChangeSetNotFoundException', `ChangeSet [${id}] does not exist`, op, 404);
          if (cs.parentId) throw awsError('InvalidChangeSetStatus', 'Cannot execute a nested change set; execute the root change set', op, 400);
          const status = this.changeSets.status(cs);
          if (status.status !== 'CREATE_COMPLETE' || status.execution !== 'AVAILABLE') {
            throw awsError('InvalidChangeSetStatus', `ChangeSet [${id}] cannot be executed in its current status of [${status.status}]`, op, 400);
          }
          const stack = this.stacks.stacks.get(cs.stackId);
          if (!stack) throw new Error('fake: change set without stack');
          if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
            throw awsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`, op, 400);
          }
          cs.executed = true;
          cs.executionStatus = 'EXECUTE_IN_PROGRESS';
          // "CloudFormation always uses that role for all operations that are performed on that
          // stack" (using-iam-servicerole.html); nested stacks are created with it too.
          if (cs.roleArn !== undefined) stack.roleArn = cs.roleArn;
          this.runStack(this.script(), stack, cs, true);
        }),
      deleteStack: (name) =>
        call('cfn.deleteStack', [name], () => {
          const stack = this.stacks.find(name);
          if (!stack || stack.deleted) return;
          if (stack.terminationProtection) throw awsError('ValidationError', `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`, 'cfn.deleteStack', 400);
          if (stack.status === 'REVIEW_IN_PROGRESS') {
            stack.deleted = true;
            this.stacks.stackEvent(stack, 'DELETE_COMPLETE');
            return;
          }
          this.deleteTree(this.script(), stack, true);
        }),
      describeStackEvents: (name, nextToken) =>
        call('cfn.describeStackEvents', [name, nextToken], () => {
          const stack = this.stacks.require(name, 'cfn.describeStackEvents');
          const newestFirst = [...stack.events].reverse();
          const start = Number(nextToken ?? 0);
          const size = this.options.eventPageSize;
          const page = newestFirst.slice(start, start + size);
          return { events: page, ...(start + size < newestFirst.length ? { nextToken: String(start + size) } : {}) };
        }),
      continueUpdateRollback: (name, skip) =>
        call('cfn.continueUpdateRollback', [name, [...skip]], () => {
          const stack = this.stacks.require(name, 'cfn.continueUpdateRollback');
          if (stack.parentId) throw awsError('ValidationError', 'Use ContinueUpdateRollback on the root stack', 'cfn.continueUpdateRollback', 400);
          if (stack.status !== 'UPDATE_ROLLBACK_FAILED') throw awsError('ValidationError', `Stack ${name} is in ${stack.status} state and can not continue rollback`, 'cfn.continueUpdateRollback', 400);
          this.continueRollback(this.script(), stack, skip, true);
        }),
    };
  }
}

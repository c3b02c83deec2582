/**
 * Reads the root change set and, recursively, every nested change set (`ChangeSetId` of an
 * `AWS::CloudFormation::Stack` change) into one tree, and fetches the deployed template of each
 * changed stack (GetTemplate by stack ARN) for the template-level findings.
 */
import type { ChangeDetail, ChangeSetPage, CloudFormationPort, ResourceChangeEntry } from '../../aws/port';
import { describeAllPages } from '../changeset';
import type { SecretMasker } from '../mask';
import type { TemplateJson } from '../../core/template-json';
import { addressOf, type ReviewChange, type ReviewDetail, type ReviewGap, type ReviewStack } from './model';

export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';

export interface CollectedReview {
  readonly root: ReviewStack;
  readonly rootPage: ChangeSetPage;
  /** Deployed templates by stack path (absent for stacks that do not exist yet). */
  readonly deployed: ReadonlyMap<string, TemplateJson>;
  /** What could not be seen (findings.ts makes the sections it affects "not known"). */
  readonly gaps: readonly ReviewGap[];
}

function detailOf(stackPath: string, logicalId: string, detail: ChangeDetail, masker: SecretMasker): ReviewDetail {
  const { target } = detail;
  const property = target.path
    ? target.path.replace(/^\//, '').split('/').join('.')
    : [target.attribute, target.name].filter(Boolean).join('.') || 'resource';
  // `Name`, or `Name.Key` for a key inside it (a nested stack's `Parameters/ApiToken`).
  const pathParts = target.path?.split('/').filter(Boolean) ?? [];
  const topProperty = target.attribute === 'Properties'
    ? (pathParts[0] === 'Properties' && pathParts.length >= 3 ? `${pathParts[1]}.${pathParts[2]}` : target.name ?? pathParts[1])
    : undefined;
  const before = masker.property(stackPath, logicalId, topProperty, target.beforeValue);
  const after = masker.property(stackPath, logicalId, topProperty, target.afterValue);
  return {
    property,
    ...(target.requiresRecreation ? { recreation: target.requiresRecreation } : {}),
    ...(detail.evaluation ? { evaluation: detail.evaluation } : {}),
    ...(detail.changeSource ? { source: detail.changeSource } : {}),
    ...(detail.causingEntity ? { causingEntity: detail.causingEntity } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  };
}

export function isDynamicOnly(details: readonly ReviewDetail[]): boolean {
  return details.length > 0 && details.every((d) => d.evaluation === 'Dynamic' || (d.after ?? '').includes(KNOWN_AFTER_APPLY));
}

function parseTemplate(body: string): TemplateJson | undefined {
  try {
    const parsed = JSON.parse(body) as TemplateJson;
    return parsed && typeof parsed === 'object' && parsed.Resources ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface CollectOptions {
  readonly cfn: CloudFormationPort;
  readonly changeSetId: string;
  /** Root stack name or id; its deployed template is read when the stack already existed. */
  readonly rootStack: string;
  readonly rootExisted: boolean;
  readonly masker: SecretMasker;
}

export async function collectReview({ cfn, changeSetId, rootStack, rootExisted, masker }: CollectOptions): Promise<CollectedReview> {
  const deployed = new Map<string, TemplateJson>();
  const gaps: ReviewGap[] = [];
  const readDeployed = async (stackPath: string, stack: string) => {
    try {
      const template = parseTemplate(await cfn.getTemplate(stack));
      if (template) deployed.set(stackPath, template);
      else gaps.push({ kind: 'deployed-template-unread', address: stackPath, error: 'GetTemplate answered no JSON template' });
    } catch (error) {
      // The stack exists (it is modified or removed), so not knowing its template is a gap, not "nothing deployed".
      gaps.push({ kind: 'deployed-template-unread', address: stackPath, error: error instanceof Error ? error.message : String(error) });
    }
  };

  const walk = async (id: string, stackPath: string): Promise<{ stack: ReviewStack; page: ChangeSetPage }> => {
    const page = await describeAllPages(cfn, id);
    if (!page) throw new Error(`change set ${id} disappeared while it was being reviewed`);
    // Every change at once (nested change sets and deployed templates are reads of other stacks);
    // the session bounds how many reach AWS together (src/aws/concurrency.ts). Order is kept.
    const changes = await Promise.all(page.changes.map((entry) => changeOf(entry, stackPath)));
    return { stack: { path: stackPath, stackName: page.stackName, changeSetId: page.id, status: page.status, changes }, page };
  };

  const changeOf = async (entry: ResourceChangeEntry, stackPath: string): Promise<ReviewChange> => {
    const details = entry.details.map((d) => detailOf(stackPath, entry.logicalId, d, masker));
    const childPath = addressOf(stackPath, entry.logicalId);
    const isStack = entry.resourceType === 'AWS::CloudFormation::Stack';
    if (isStack && entry.physicalId && entry.action !== 'Add') await readDeployed(childPath, entry.physicalId);
    const nested = isStack && entry.changeSetId ? (await walk(entry.changeSetId, childPath)).stack : undefined;
    if (isStack && !nested && (entry.action === 'Add' || entry.action === 'Modify')) gaps.push({ kind: 'no-nested-change-set', address: childPath, action: entry.action });
    return {
      stackPath,
      logicalId: entry.logicalId,
      address: childPath,
      resourceType: entry.resourceType,
      action: entry.action,
      ...(entry.replacement ? { replacement: entry.replacement } : {}),
      ...(entry.physicalId ? { physicalId: entry.physicalId } : {}),
      details,
      dynamicOnly: isDynamicOnly(details),
      ...(nested ? { nested } : {}),
    };
  };

  const [, { stack: root, page: rootPage }] = await Promise.all([rootExisted ? readDeployed('', rootStack) : undefined, walk(changeSetId, '')]);
  // Reads finish in any order: gaps are listed by address, as the tree is.
  gaps.sort((a, b) => a.address.localeCompare(b.address));
  return { root, rootPage, deployed, gaps };
}

/**
 * The review as text: the change tree (root and nested stacks in one tree), root parameters,
 * then the findings. Colour only through the styler (so only on a terminal). Long values are
 * shortened here; the JSON artifact keeps them whole.
 */
import { visibleLength, type Style, type Styler } from '../terminal';
import type { FindingSection, ListenerRuleFinding, Review, ReviewChange, ReviewDetail, ReviewGap, ReviewStack } from '../../operations/review/model';

const MAX_VALUE = 100;
const MAX_DETAILS = 8;
const MAX_SECURITY_PER_STACK = 25;

/** `?` for Dynamic, for SyncWithActual and for an action AWS adds later. */
const SYMBOL: Readonly<Partial<Record<ReviewChange['action'], string>>> = { Add: '+', Modify: '~', Remove: '-', Import: '>', Dynamic: '?' };

export function shorten(value: string, max = MAX_VALUE): string {
  const flat = value.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const quoteValue = (value: string | undefined): string => (value === undefined || value === '' ? '(none)' : shorten(value));

function actionStyle(change: ReviewChange): Style | undefined {
  if (change.noise) return 'dim';
  if (change.action === 'Remove' || change.replacement === 'True') return 'red';
  if (change.action === 'Add') return 'green';
  if (change.replacement === 'Conditional') return 'yellow';
  return 'yellow';
}

function replacementTag(change: ReviewChange, style: Styler): string {
  if (change.replacement === 'True') return style('red', style('bold', 'REPLACE'));
  if (change.replacement === 'Conditional') return style('yellow', style('bold', 'MAY REPLACE'));
  return '';
}

function detailLine(detail: ReviewDetail): string {
  const recreation = detail.recreation && detail.recreation !== 'Never' ? `, recreation: ${detail.recreation}` : '';
  const dynamic = detail.evaluation === 'Dynamic' ? ', known after apply' : '';
  const cause = detail.causingEntity ? `, via ${detail.causingEntity}` : '';
  const values = detail.before !== undefined || detail.after !== undefined ? `  ${quoteValue(detail.before)} → ${quoteValue(detail.after)}` : '';
  const meta = `${detail.source ?? ''}${cause}${recreation}${dynamic}`.replace(/^, /, '');
  return `${detail.property}${values}${meta ? `  (${meta})` : ''}`;
}

function renderStack(stack: ReviewStack, prefix: string, style: Styler, lines: string[], typeColumn: number): void {
  stack.changes.forEach((change, index) => {
    const last = index === stack.changes.length - 1;
    const branch = last ? '└─ ' : '├─ ';
    const childPrefix = prefix + (last ? '   ' : '│  ');
    const symbol = SYMBOL[change.action] ?? '?';
    const head = `${prefix}${branch}${symbol} ${change.logicalId}`;
    const pad = ' '.repeat(Math.max(2, typeColumn - visibleLength(head)));
    const tag = replacementTag(change, style);
    const unseen = change.resourceType === 'AWS::CloudFormation::Stack' && !change.nested && (change.action === 'Add' || change.action === 'Modify');
    const noise = change.noise ? `  ${style('dim', change.noise)}` : unseen ? `  ${style('yellow', 'inside not known: no nested change set')}` : '';
    const colour = actionStyle(change);
    const text = `${head}${pad}${change.resourceType}${tag ? `  ${tag}` : ''}`;
    lines.push(`${colour ? style(colour, text) : text}${noise}`);
    const showDetails = change.nested === undefined && change.action === 'Modify';
    if (showDetails) {
      const details = change.details.slice(0, MAX_DETAILS);
      for (const detail of details) lines.push(style('dim', `${childPrefix}    ${detailLine(detail)}`));
      if (change.details.length > MAX_DETAILS) lines.push(style('dim', `${childPrefix}    … ${change.details.length - MAX_DETAILS} more in the review file`));
    }
    if (change.nested) renderStack(change.nested, childPrefix, style, lines, typeColumn);
  });
}

function maxHeadWidth(stack: ReviewStack, depth: number): number {
  let width = 0;
  for (const change of stack.changes) {
    width = Math.max(width, depth * 3 + 5 + change.logicalId.length);
    if (change.nested) width = Math.max(width, maxHeadWidth(change.nested, depth + 1));
  }
  return width;
}

/** Nested stacks whose changes could not be seen (no nested change set). */
const unseenStacks = (review: Review): string[] =>
  [...new Set(Object.values(review.findings.unknown ?? {}).flat().filter((g) => g.kind === 'no-nested-change-set').map((g) => g.address))];

export function summaryLine(review: Review): string {
  const c = review.counts;
  const parts = [`${c.add} to add`, `${c.modify} to modify`, `${c.remove} to remove`];
  const replaced = [c.replace ? `${c.replace} replaced` : '', c.conditional ? `${c.conditional} may be replaced` : ''].filter(Boolean).join(', ');
  const unseen = unseenStacks(review).length;
  const unknown = unseen > 0 ? `; the changes inside ${unseen} nested stack${unseen === 1 ? '' : 's'} are not known` : '';
  return `${parts.join(', ')}${replaced ? ` (${replaced})` : ''}, in ${c.stacks} stack${c.stacks === 1 ? '' : 's'}${unknown}`;
}

/** Why a section is not known, in one line. */
function gapText(section: FindingSection, gaps: readonly ReviewGap[]): string {
  const missing = gaps.filter((g) => g.kind === 'no-nested-change-set').map((g) => g.address);
  const unread = gaps.filter((g) => g.kind === 'deployed-template-unread').map((g) => g.address || 'the root stack');
  const reasons = [
    missing.length > 0 ? `CloudFormation returned no nested change set for ${missing.join(', ')} (as an endpoint that ignores IncludeNestedStacks does, such as moto), so what changes inside ${missing.length === 1 ? 'it' : 'them'} cannot be seen` : '',
    unread.length > 0 ? `the deployed template of ${unread.join(', ')} could not be read (GetTemplate), so ${section === 'dataLoss' ? 'what its removal deletes' : 'what is deployed there now'} is not known` : '',
  ].filter(Boolean);
  return reasons.join('; ');
}

const SECTION_NAMES: Readonly<Record<FindingSection, string>> = { dataLoss: 'Data-loss risks', security: 'Security-relevant changes', listenerRules: 'ECS-managed listener rules' };

/** The "not known" line of a section, or undefined when it is known. */
function unknownLine(review: Review, section: FindingSection, style: Styler, found: number): string | undefined {
  const gaps = review.findings.unknown?.[section] ?? [];
  if (gaps.length === 0) return undefined;
  const head = found > 0 ? `${SECTION_NAMES[section]}: more may exist, not known` : `${SECTION_NAMES[section]}: not known`;
  return style('yellow', `${style('bold', head)} — ${gapText(section, gaps)}. Review the templates of those stacks before approving.`);
}

/** Why a changed ECS-managed listener rule matters, with its source. */
export function listenerRuleReason(f: ListenerRuleFinding): string {
  const rule = f.listener ? `the ${f.listener} listener rule` : 'this rule';
  const owner = f.services.length > 0 ? `ECS blue/green service ${f.services.join(', ')}` : 'ECS blue/green (it forwards to two weighted target groups)';
  return `${rule} is ${f.change}; ${owner} manages its weights, and updating it resets them to the template's values, which can send production traffic to a target group with no tasks (${f.source}).`;
}

/** What the deploy does about it. */
function listenerRuleConsequence(f: ListenerRuleFinding): string {
  if (!f.frozen) return 'Change it only between deployments, and check the live weights after.';
  if (f.likelyNoise) return 'Probably no change (only values known after apply differ): not refused; the stack policy still denies it if it is real.';
  return `Frozen by the stack policy: deploy executes this only with --allow-update ${f.address}, between deployments; check the live weights after.`;
}

export function renderReview(review: Review, style: Styler): string {
  const lines: string[] = [];
  lines.push(style('bold', `Change set ${review.changeSetName} (${review.changeSetType} of ${review.stackName})`));
  lines.push(`  ${summaryLine(review)}`);
  lines.push('');
  lines.push(style('bold', review.stackName));
  if (review.root.changes.length === 0) lines.push('   (no resource changes: only parameters, tags or outputs differ)');
  renderStack(review.root, '', style, lines, Math.min(60, maxHeadWidth(review.root, 0) + 2));

  if (review.parameters.length > 0) {
    lines.push('');
    lines.push(style('bold', 'Root parameters'));
    for (const p of review.parameters) lines.push(`  ${p.key}  ${quoteValue(p.before)} → ${quoteValue(p.after)}`);
  }

  const { dataLoss, security, listenerRules, noise } = review.findings;
  lines.push('');
  const dataLossUnknown = unknownLine(review, 'dataLoss', style, dataLoss.length);
  if (dataLossUnknown) lines.push(dataLossUnknown);
  if (dataLoss.length > 0) {
    lines.push(style('red', style('bold', `Data-loss risks (${dataLoss.length})`)));
    for (const f of dataLoss) {
      const causes = f.causes.length > 0 ? ` (${f.causes.join(', ')})` : '';
      const noiseNote = f.likelyNoise ? style('dim', ' — probably no change: caused only by values known after apply') : '';
      lines.push(style(f.likelyNoise ? 'yellow' : 'red', `  ✗ ${f.address}  ${f.resourceType} ${f.what}${causes}`) + noiseNote);
      lines.push(style('dim', `      ${f.why}`));
    }
  } else if (!dataLossUnknown) {
    lines.push(style('green', 'No data-loss risks: no repository, secret, log group, key or bucket is removed or replaced.'));
  }

  lines.push('');
  const securityUnknown = unknownLine(review, 'security', style, security.length);
  if (securityUnknown) lines.push(securityUnknown);
  if (security.length > 0) {
    const broadening = security.filter((s) => s.broadening).length;
    lines.push(style('yellow', style('bold', `Security-relevant changes (${security.length}${broadening ? `, ${broadening} broadening` : ''})`)));
    const byStack = new Map<string, typeof security[number][]>();
    for (const f of security) byStack.set(f.stackPath, [...(byStack.get(f.stackPath) ?? []), f]);
    for (const [stackPath, findings] of byStack) {
      lines.push(`  ${stackPath || review.stackName}`);
      for (const f of findings.slice(0, MAX_SECURITY_PER_STACK)) {
        const sign = f.change === 'added' ? '+' : f.change === 'removed' ? '-' : '~';
        const text = `    ${sign} ${f.kind}  ${shorten(f.summary, 160)}`;
        lines.push(f.broadening ? style('yellow', text) : text);
      }
      if (findings.length > MAX_SECURITY_PER_STACK) lines.push(style('dim', `    … ${findings.length - MAX_SECURITY_PER_STACK} more in the review file`));
    }
  } else if (!securityUnknown) {
    lines.push(style('green', 'No security-relevant changes: IAM, key policies, bucket policies, Lambda permissions and security groups are unchanged.'));
  }

  const rulesUnknown = unknownLine(review, 'listenerRules', style, listenerRules.length);
  if (rulesUnknown) {
    lines.push('');
    lines.push(rulesUnknown);
  }
  if (listenerRules.length > 0) {
    lines.push('');
    lines.push(style('red', style('bold', `ECS-managed listener rules (${listenerRules.length})`)));
    for (const f of listenerRules) {
      const tone = f.likelyNoise ? 'yellow' : 'red';
      lines.push(style(tone, `  ! ${f.address}: ${listenerRuleReason(f)}`));
      lines.push(style('dim', `      ${listenerRuleConsequence(f)}`));
    }
  }
  if (noise.length > 0) {
    lines.push('');
    lines.push(style('dim', `Probably not real changes (${noise.length}): nested change sets mark stacks whose parameters come from sibling outputs (roadmap #759)`));
    for (const f of noise) lines.push(style('dim', `  ${f.address}: ${f.label}`));
  }
  return lines.join('\n');
}

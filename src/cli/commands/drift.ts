/**
 * `tap drift --env X` (D-11): drift detection on the root and on every nested stack (the API
 * does not recurse), one table by stack path, the report in .tap/<env>/drift.json. Exit 11 when
 * something drifted that the platform does not change on purpose.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { drift } from '../../operations/drift';
import { runOperation } from './aws-command';

export function createDriftCommand(hosts: Hosts): Command {
  return {
    spec: { make: 'make drift ENV=<env>', summary: 'Detect drift on the root and every nested stack; exit 11 on unexpected drift', options: { env: envOption } },
    run: (context) =>
      runOperation(context, hosts, { command: 'drift', prepare: { requireFresh: false }, preapproved: false, readOnly: true, run: (c, io) => drift(c, io) }),
  };
}

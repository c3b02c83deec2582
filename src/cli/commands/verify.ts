/**
 * `tap verify --env X` (D-15): after a deploy, checks the live environment read-only (stacks,
 * ECS services, target groups, public paths through the ALB, Cloud Map, secret rotation, alarms,
 * log events) and prints one table with the next step for each failure; the report goes to
 * .tap/<env>/verify.json. Exit 3 when a check failed, 4 when one could not be computed.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { verify } from '../../operations/verify';
import { runOperation } from './aws-command';

export function createVerifyCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make verify ENV=<env>',
      summary: 'Check the live environment read-only (stacks, services, targets, public paths, Cloud Map, rotation, alarms, logs); exit 3 on a failure, 4 when a check is not known',
      options: { env: envOption },
    },
    run: (context) =>
      runOperation(context, hosts, { command: 'verify', prepare: { requireFresh: false }, preapproved: false, readOnly: true, run: (c, io) => verify(c, io) }),
  };
}

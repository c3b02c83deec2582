/**
 * `tap release --env X --service S --tag T` (D-16): one service's image, through the reviewed
 * change-set flow, after checking the image is in ECR. params/<env>.json must already give the
 * service that tag: the file is the record of what runs, so the next `make deploy` keeps it.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { valueOf } from '../args';
import { release, releaseArgumentProblems } from '../../operations/release';
import { runOperation, yesOption } from './aws-command';

export function createReleaseCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make release ENV=<env> SERVICE=<service> TAG=<tag> [ARGS=--yes]',
      summary: 'Release one service\'s image tag (the params file must give it): check the image is in ECR, review a change set that changes that service\'s stack only, approve, execute',
      options: {
        env: envOption,
        service: { kind: 'value', placeholder: 'service', description: 'the catalog service to release (SERVICE=)' },
        tag: { kind: 'value', placeholder: 'tag', description: 'its image tag, as imageTags in params/<env>.json gives it (TAG=)' },
        yes: { ...yesOption, description: 'execute the release change set without asking (CI)' },
      },
    },
    run: (context) => {
      const service = valueOf(context.args, 'service');
      const tag = valueOf(context.args, 'tag');
      return runOperation(context, hosts, {
        command: 'release',
        prepare: { requireFresh: true, assumeDeployRole: true, checkArguments: (opening) => releaseArgumentProblems({ service, tag }, opening) },
        preapproved: context.args.flags.has('yes'),
        yes: context.args.flags.has('yes'),
        run: (c, io) => release(c, io, { service: service ?? '', tag: tag ?? '' }),
      });
    },
  };
}

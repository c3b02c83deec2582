/**
 * The commands people copy from the CLI's messages: `make <target> ENV=<env>` (what the README
 * teaches) and its `tap` equivalent (exit codes pass through only `npx tap`; see docs/cli.md).
 */
export interface CommandLine {
  readonly make: string;
  readonly tap: string;
}

export function commandLine(target: string, environment: string, args = ''): CommandLine {
  return {
    make: `make ${target} ENV=${environment}${args ? ` ARGS='${args}'` : ''}`,
    tap: `tap ${target} --env ${environment}${args ? ` ${args}` : ''}`,
  };
}

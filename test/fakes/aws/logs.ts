/**
 * The fake CloudWatch Logs: log groups stacks created, and the `AWS::Logs::LogGroup` resource.
 * FilterLogEvents (verify) answers from the live events (live.ts); a group without them has none.
 *
 * Documented behaviour it follows
 * - `Ref` of a log group is its name
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html).
 * - DeleteLogGroup deletes its events too; a group that does not exist is ResourceNotFoundException
 *   (the port answers false) (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html).
 * - FilterLogEvents of a group that does not exist is ResourceNotFoundException (the port answers
 *   none) (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
 */
import type { LogsPort } from '../../../src/aws/port';
import type { ResourceProvider } from './cloudformation/resources';
import type { Call } from './core';
import type { FakeLive } from './live';

export class FakeLogs {
  readonly logGroups = new Set<string>();

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::Logs::LogGroup': {
      physicalId: ({ stackName, logicalId, suffix, properties }) => (typeof properties?.['LogGroupName'] === 'string' ? properties['LogGroupName'] : `${stackName}-${logicalId}-${suffix}`),
      apply: (physicalId) => {
        this.logGroups.add(physicalId);
      },
      delete: (physicalId) => {
        this.logGroups.delete(physicalId);
      },
    },
  };

  port(call: Call, live: FakeLive): LogsPort {
    return {
      logGroupExists: (name) => call('logs.logGroupExists', [name], () => this.logGroups.has(name)),
      deleteLogGroup: (name) => call('logs.deleteLogGroup', [name], () => this.logGroups.delete(name)),
      // A group with no live events (one a scenario created) exists, and nothing is found in it.
      filterLogEvents: (group, since, token) =>
        call('logs.filterLogEvents', [group, since.getTime(), token], () => live.filterLogEvents(group, since, token) ?? (this.logGroups.has(group) ? { found: false } : undefined)),
    };
  }
}

/**
 * services stack: the shared service infrastructure (secret rotation functions, the dashboard)
 * and one nested stack per launched catalog service.
 *
 * Callers read their callees' security groups from the callees' outputs, so CloudFormation
 * creates (and updates) servers before their clients, as Service Connect requires: a client task
 * resolves only endpoints that existed when it started.
 *
 * At scale the per-service stacks keep every template small: this one grows by one nested stack
 * and one output per service (see the scale test and `make bench`).
 */
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, type Condition } from '../cfn/fn';
import { defineStack, nestedStack, type NestedStack, type OutputSpec, type ParameterSpecs } from '../cfn/stack';
import type { BuiltAssets } from '../assets/code-assets';
import type { SecretKind, ServiceCatalog, ServiceDefinition } from '../catalog/types';
import { pascal } from '../cfn/names';
import { buildService, type ServiceOutput } from './services/service';
import { databaseParameters, publicServiceParameters, secretKinds, serviceBaseParameters, type ServiceInputSource } from './services/parameters';
import { retainCondition, stringParameter } from '../cfn/parameters';
import { networkParameters } from './network';
import { dashboard } from './services.dashboard';
import { HAS_ENDPOINTS, NO_ENDPOINTS, rotationIds, rotationResources } from './services.rotation';
import { imageTagParameters, releasedCondition, imageTagParameter } from './releases';
import { allOf, conditionRef, isSet } from '../cfn/conditions';

export const servicesParameters = {
  ...serviceBaseParameters,
  ...publicServiceParameters,
  ...databaseParameters,
  // The root parameter, not the network's output: conditions may only test values every nested
  // change set knows (a sibling's output is a placeholder there; cloudformation-coverage-roadmap#759).
  InterfaceEndpoints: networkParameters.InterfaceEndpoints,
  EndpointSecurityGroupId: stringParameter('Security group of the VPC interface endpoints, or empty when disabled (network stack); used only where InterfaceEndpoints=enabled'),
  ArtifactBucket: stringParameter('Bucket holding the rotation functions\' code (created by `make bootstrap`)'),
} as const satisfies ParameterSpecs;

export const launchedServices = (catalog: ServiceCatalog): ServiceDefinition[] => catalog.filter((s) => !s.imagePending);

/** Callees before callers, so each caller can read the security group of every service it calls. */
export function deploymentOrder(services: readonly ServiceDefinition[]): ServiceDefinition[] {
  const ordered: ServiceDefinition[] = [];
  const placed = new Set<string>();
  const visit = (service: ServiceDefinition): void => {
    if (placed.has(service.name)) return;
    for (const callee of service.calls) {
      const target = services.find((s) => s.name === callee);
      if (target) visit(target);
    }
    placed.add(service.name);
    ordered.push(service);
  };
  services.forEach(visit);
  return ordered;
}

/**
 * `<Service>Released`: its tag is set and every service it calls is released (it reads their
 * security groups from their stacks). The params rules refuse a tag whose callees have none.
 */
export function releasedConditions(launched: readonly ServiceDefinition[]): Record<string, Condition> {
  return Object.fromEntries(launched.map((service) => [
    releasedCondition(service),
    allOf([isSet(imageTagParameter(service)), ...service.calls.map((callee) => conditionRef(releasedCondition({ name: callee })))]),
  ]));
}

export function buildServices(catalog: ServiceCatalog, assets: BuiltAssets) {
  const launched = launchedServices(catalog);
  const kinds = [...new Set(launched.flatMap(secretKinds))].sort() as SecretKind[];

  const stacks = new Map<string, NestedStack<ServiceOutput>>();
  const source: ServiceInputSource = {
    parent: servicesParameters,
    calleeSecurityGroup: (callee) => {
      const calleeStack = stacks.get(callee);
      if (!calleeStack) throw new Error(`a service calls ${callee}, which is not launched`);
      return calleeStack.output('SecurityGroupId');
    },
    rotationFunction: (kind) => ({ functionArn: Fn.GetAtt(rotationIds(kind).fn, 'Arn'), roleArn: Fn.GetAtt(rotationIds(kind).role, 'Arn') }),
  };
  for (const service of deploymentOrder(launched)) {
    const permissions = secretKinds(service).map((kind) => rotationIds(kind).permission);
    const { template, inputs } = buildService(service, catalog, source);
    stacks.set(service.name, nestedStack(pascal(service.name), template, inputs, { dependsOn: permissions, condition: releasedCondition(service) }));
  }
  const inCatalogOrder = launched.map((service) => stacks.get(service.name) as NestedStack<ServiceOutput>);

  const resources: Record<string, ResourceBase> = {
    ...rotationResources(launched, kinds, assets),
    Dashboard: dashboard(launched),
  };
  const outputs = {} as Record<'ServiceArns' | 'DashboardName' | `${string}ServiceArn`, OutputSpec>;
  for (const [index, service] of launched.entries()) {
    outputs[`${pascal(service.name)}ServiceArn`] = {
      Description: `ECS service ARN of ${service.name}; for deploy tooling and operators`,
      Value: inCatalogOrder[index].output('ServiceArn'),
      Condition: releasedCondition(service),
    };
  }
  outputs.ServiceArns = {
    Description: 'Comma-separated ECS service ARNs of the launched services in catalog order, empty for one not released yet; read by the root outputs',
    Value: Fn.Join(',', launched.map((service, index) => Fn.If(releasedCondition(service), inCatalogOrder[index].output('ServiceArn'), ''))),
  };
  outputs.DashboardName = { Description: 'CloudWatch dashboard of the platform; for operators', Value: Fn.Ref('Dashboard') };

  return defineStack({
    name: 'services',
    description: 'TAP services: secret rotation functions, dashboard, and one nested stack per catalog service (generated by src/stacks/services)',
    service: 'services',
    parameters: { ...servicesParameters, ...imageTagParameters(launched) },
    conditions: {
      ...retainCondition,
      ...releasedConditions(launched),
      [HAS_ENDPOINTS]: Fn.Equals(Fn.Ref('InterfaceEndpoints'), 'enabled'),
      [NO_ENDPOINTS]: Fn.Equals(Fn.Ref('InterfaceEndpoints'), 'disabled'),
    },
    resources,
    nestedStacks: inCatalogOrder,
    outputs,
  });
}

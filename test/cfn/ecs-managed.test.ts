/**
 * P-DEPLOY / P-TRUTH (issue 11 #6): the listener rules ECS owns during blue/green carry a marker
 * the deploy can read to protect exactly them (aws-cdk#36649: updating them resets the weights).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, templateNamed } from '../helpers/platform';
import { properties, resourcesOfType } from '../helpers/template';
import { ECS_MANAGED_LISTENER_RULE, ecsManagedListenerRules } from '../../src/cfn/ecs-managed';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { JsonObject, TemplateJson } from '../../src/core/template-json';

const publicServices = SERVICE_CATALOG.filter((s) => s.exposure.kind === 'public');

test('P-DEPLOY: each public service stack marks exactly its production and test rules, under stable logical ids', () => {
  for (const service of publicServices) {
    const t = templateNamed(`services/${service.name}`);
    assert.equal(ecsManagedListenerRules(t).map((r) => [r.logicalId, r.marker.service, r.marker.listener]), [
      ['ProductionListenerRule', 'Service', 'production'],
      ['TestListenerRule', 'Service', 'test'],
    ], service.name);
    // The marked rules are the ones the service hands to ECS.
    const [lb] = properties(t, 'Service')['LoadBalancers'] as JsonObject[];
    assert.equal(lb['AdvancedConfiguration'] && [(lb['AdvancedConfiguration'] as JsonObject)['ProductionListenerRule'], (lb['AdvancedConfiguration'] as JsonObject)['TestListenerRule']],
      [{ Ref: 'ProductionListenerRule' }, { Ref: 'TestListenerRule' }]);
  }
  // Every listener rule anywhere is marked: none escapes the deploy's protection.
  for (const { file, template } of platformTemplates()) {
    for (const [id, rule] of resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      assert.ok(rule.Metadata?.[ECS_MANAGED_LISTENER_RULE], `${file} ${id}`);
    }
  }
  // The nested stacks holding them keep their logical ids (PascalCase service names).
  const services = templateNamed('services');
  assert.ok(services.Resources['Frontend'] && services.Resources['ApiGateway']);
});

test('P-DEPLOY: the rules reference nothing that changes in normal evolution: their listener, their two target groups', () => {
  const refs = (node: unknown): string[] => JSON.stringify(node).match(/"Ref":"[^"]+"/g)?.map((m) => m.slice(7, -1)).sort() ?? [];
  for (const service of publicServices) {
    const t: TemplateJson = templateNamed(`services/${service.name}`);
    const exposure = service.exposure.kind === 'public' ? service.exposure : undefined;
    for (const [id, listener] of [['ProductionListenerRule', 'ProductionListenerArn'], ['TestListenerRule', 'TestListenerArn']] as const) {
      const p = properties(t, id);
      assert.equal([...new Set(refs({ ...p, Tags: undefined }))], [listener, 'TargetGroupA', 'TargetGroupB'].sort(), `${service.name} ${id}`);
      assert.is(p['Priority'], exposure?.priority);
      assert.equal(p['Conditions'], [{ Field: 'path-pattern', PathPatternConfig: { Values: exposure?.pathPatterns } }]);
      // Only the platform tags, which depend on nothing but the environment.
      assert.equal(refs(p['Tags']), ['Environment']);
    }
  }
});

test('P-DEPLOY: ecsManagedListenerRules ignores unmarked rules and malformed markers', () => {
  const template = {
    Resources: {
      Marked: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Metadata: { [ECS_MANAGED_LISTENER_RULE]: { service: 'Svc', listener: 'test', source: 'x' } } },
      Plain: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule' },
      Malformed: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Metadata: { [ECS_MANAGED_LISTENER_RULE]: { service: 'Svc', listener: 'blue' } } },
      NotARule: { Type: 'AWS::SNS::Topic', Metadata: { [ECS_MANAGED_LISTENER_RULE]: { service: 'Svc', listener: 'test', source: 'x' } } },
    },
  } as unknown as TemplateJson;
  assert.equal(ecsManagedListenerRules(template).map((r) => r.logicalId), ['Marked']);
});

test.run();

/**
 * Synthetic catalogs of any size for the scale tests and `make bench`: the real catalog plus
 * generated services that look like real ones (every fifth public, a third with a database
 * secret, each calling the previous internal service).
 */
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog, ServiceDefinition } from '../../src/catalog/types';

export function syntheticService(index: number, callee: string | undefined): ServiceDefinition {
  const name = `worker-${String(index).padStart(3, '0')}`;
  const isPublic = index % 5 === 0;
  return {
    name,
    description: `Synthetic service ${index}`,
    containerPort: 8080,
    appProtocol: 'http',
    exposure: isPublic ? { kind: 'public', pathPatterns: [`/w${index}/*`], priority: 1000 + index } : { kind: 'internal' },
    calls: callee ? [callee] : [],
    sizes: { small: { cpu: 256, memory: 512 }, medium: { cpu: 512, memory: 1024 }, large: { cpu: 1024, memory: 2048 } },
    healthCheck: { path: '/healthz', intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3, gracePeriodSeconds: 60 },
    requestTimeoutSeconds: 30,
    secrets: [
      { name: 'api-key', kind: 'api-key', description: 'Synthetic key', env: { API_KEY: 'apiKey' } },
      ...(index % 3 === 0
        ? [{ name: 'database', kind: 'database' as const, description: 'Synthetic database', env: { DB_HOST: 'host', DB_PASSWORD: 'password' } }]
        : []),
    ],
    scalingMetric: { metricName: 'QueueDepthPerTask', statistic: 'Average', targetValue: 50, unit: 'Count' },
    errorLogPattern: '?ERROR',
  };
}

/** The real catalog grown to `size` services. */
export function syntheticCatalog(size: number): ServiceCatalog {
  const services: ServiceDefinition[] = [...SERVICE_CATALOG];
  let previousInternal = 'data-ingestion';
  for (let index = services.length; index < size; index += 1) {
    const service = syntheticService(index, previousInternal);
    services.push(service);
    if (service.exposure.kind === 'internal') previousInternal = service.name;
  }
  return services;
}

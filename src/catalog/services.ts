/**
 * The service catalog (P-SVC). One entry per service; the registry, mesh and services stacks,
 * the dashboard, the IAM scoping and the security-group graph are all derived from it.
 *
 * Call graph (P-SEC): frontend → api-gateway → analytics-engine, data-ingestion;
 * analytics-engine → data-ingestion.
 */
import type { ServiceCatalog, ServiceDefinition } from './types';

const databaseEnv = {
  DB_HOST: 'host',
  DB_PORT: 'port',
  DB_NAME: 'dbname',
  DB_USER: 'username',
  DB_PASSWORD: 'password',
} as const;

const frontend: ServiceDefinition = {
  name: 'frontend',
  description: 'Web UI for traders and analysts',
  containerPort: 8080,
  appProtocol: 'http',
  exposure: { kind: 'public', pathPatterns: ['/*'], priority: 200 },
  calls: ['api-gateway'],
  sizes: {
    small: { cpu: 256, memory: 512 },
    medium: { cpu: 512, memory: 1024 },
    large: { cpu: 1024, memory: 2048 },
  },
  healthCheck: {
    path: '/healthz',
    intervalSeconds: 15,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    gracePeriodSeconds: 60,
  },
  requestTimeoutSeconds: 30,
  secrets: [
    {
      name: 'session-key',
      kind: 'api-key',
      description: 'Signs browser session cookies',
      env: { SESSION_SIGNING_KEY: 'apiKey' },
    },
  ],
  scalingMetric: { metricName: 'ActiveSessionsPerTask', statistic: 'Average', targetValue: 200, unit: 'Count' },
  errorLogPattern: '?ERROR ?FATAL',
};

const apiGateway: ServiceDefinition = {
  name: 'api-gateway',
  description: 'Public REST/WebSocket API in front of the analytics services',
  containerPort: 8080,
  appProtocol: 'http',
  exposure: { kind: 'public', pathPatterns: ['/api/*'], priority: 100 },
  calls: ['analytics-engine', 'data-ingestion'],
  sizes: {
    small: { cpu: 512, memory: 1024 },
    medium: { cpu: 1024, memory: 2048 },
    large: { cpu: 2048, memory: 4096 },
  },
  healthCheck: {
    path: '/healthz',
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 3,
    unhealthyThreshold: 2,
    gracePeriodSeconds: 45,
  },
  requestTimeoutSeconds: 30,
  secrets: [
    {
      name: 'client-api-key',
      kind: 'api-key',
      description: 'Key that partner clients present to the API',
      env: { CLIENT_API_KEY: 'apiKey' },
    },
  ],
  scalingMetric: { metricName: 'InFlightRequestsPerTask', statistic: 'Average', targetValue: 100, unit: 'Count' },
  errorLogPattern: '?ERROR ?FATAL',
};

const dataIngestion: ServiceDefinition = {
  name: 'data-ingestion',
  description: 'Ingests market data feeds into the time-series database',
  containerPort: 8080,
  appProtocol: 'http',
  exposure: { kind: 'internal' },
  calls: [],
  sizes: {
    small: { cpu: 512, memory: 1024 },
    medium: { cpu: 1024, memory: 2048 },
    large: { cpu: 2048, memory: 8192 },
  },
  healthCheck: {
    path: '/healthz',
    intervalSeconds: 20,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    gracePeriodSeconds: 90,
  },
  requestTimeoutSeconds: 15,
  secrets: [
    {
      name: 'database',
      kind: 'database',
      description: 'PostgreSQL credentials and endpoint of the market-data database',
      env: databaseEnv,
    },
    {
      name: 'feed-api-key',
      kind: 'api-key',
      description: 'Key that feed publishers present when pushing market data',
      env: { FEED_API_KEY: 'apiKey' },
    },
  ],
  scalingMetric: { metricName: 'IngestBacklogPerTask', statistic: 'Average', targetValue: 1000, unit: 'Count' },
  errorLogPattern: '?ERROR ?FATAL',
};

const analyticsEngine: ServiceDefinition = {
  name: 'analytics-engine',
  description: 'Runs risk and P&L analytics over market and trade data',
  containerPort: 8080,
  appProtocol: 'http',
  exposure: { kind: 'internal' },
  calls: ['data-ingestion'],
  sizes: {
    small: { cpu: 512, memory: 2048 },
    medium: { cpu: 2048, memory: 8192 },
    large: { cpu: 4096, memory: 16384 },
  },
  healthCheck: {
    path: '/healthz',
    intervalSeconds: 30,
    timeoutSeconds: 10,
    healthyThreshold: 2,
    unhealthyThreshold: 5,
    gracePeriodSeconds: 180,
  },
  // Portfolio-wide analytics run long; the Service Connect default (~15 s) would cut them off.
  requestTimeoutSeconds: 120,
  secrets: [
    {
      name: 'database',
      kind: 'database',
      description: 'PostgreSQL credentials and endpoint of the analytics database',
      env: databaseEnv,
    },
  ],
  scalingMetric: { metricName: 'QueuedJobsPerTask', statistic: 'Average', targetValue: 20, unit: 'Count' },
  errorLogPattern: '?ERROR ?FATAL',
};

export const SERVICE_CATALOG: ServiceCatalog = [frontend, apiGateway, dataIngestion, analyticsEngine];

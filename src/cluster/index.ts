/** Several cores: one App served by a supervised set of worker processes (`node:cluster`). */
export { serveCluster, type ClusterSource } from './serve-cluster.ts';
export { EXIT_CODES, MAX_WORKERS, type ClusterInfo, type ClusterOptions } from './options.ts';
export { hasReusePort, type Balancing } from './balancing.ts';
export { DEFAULT_RESTART_POLICY, type RestartPolicy } from './slot.ts';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export type { ClusterTlsOptions } from './tls-options.ts';
export { loadAppModule, type AppFactory, type LoadedApp, type ServeContext } from './app-module.ts';

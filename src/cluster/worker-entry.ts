/**
 * The script a worker runs when `serveCluster()` was given a module: read
 * the config the primary put in the environment, import the module, serve
 * its App (see worker.ts). Not imported by anything; only forked.
 */
import { loadAppModule } from './app-module.ts';
import { workerConfig } from './messages.ts';
import { runWorker } from './worker.ts';

const config = workerConfig();
const module = config?.module;
if (config === undefined || module === undefined) {
  console.error('signwire: this script is run by serveCluster() in its workers, not by hand');
  process.exitCode = 1;
} else {
  await runWorker(config, { build: async () => (await loadAppModule(module)).app });
}

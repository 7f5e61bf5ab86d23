/** The App each cluster worker serves (signwire-cluster.mjs): hello world, as the README writes it. */
import { App } from '../../dist/index.js';

const app = new App();
app.get('/', (c) => c.text('Hello, World!'));
export default app;

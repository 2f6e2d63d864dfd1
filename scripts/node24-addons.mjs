// Loaded with --import in every Node 24 process of the test run (scripts/node24.sh puts it in
// NODE_OPTIONS). @confluentinc/kafka-javascript is a NAN addon, so the copy `npm ci` built for
// Node 20 cannot load in Node 24; scripts/node24.sh builds a second copy for Node 24 under
// .eddy/node24/addons, and this hook sends the package's imports there.
import { registerHooks } from 'node:module';

const kafka = new URL('../.eddy/node24/addons/kafka-javascript/lib/index.js', import.meta.url).href;

registerHooks({
  resolve(specifier, context, next) {
    if (specifier === '@confluentinc/kafka-javascript') return { url: kafka, format: 'commonjs', shortCircuit: true };
    return next(specifier, context);
  },
});

// `require('eddy')` for CommonJS code. Eddy is an ES module; Node 20.19, 22.12 and later load ES
// modules with require() (the same instance `import` gets), older versions refuse, and this says
// what to write instead of Node's generic ERR_REQUIRE_ESM.
'use strict';
try {
  module.exports = require('../dist/index.js');
} catch (e) {
  if (e === null || typeof e !== 'object' || e.code !== 'ERR_REQUIRE_ESM') throw e;
  throw new Error(
    `eddy is an ES module, and Node ${process.version} cannot require() ES modules (20.19, 22.12 and later can). ` +
      "Use import { StreamEnvironment } from 'eddy' in an ES module (a .mjs file, or \"type\": \"module\" in package.json), " +
      "or const { StreamEnvironment } = await import('eddy') from CommonJS.",
    { cause: e },
  );
}

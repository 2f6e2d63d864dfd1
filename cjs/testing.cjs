// `require('eddy/testing')` for CommonJS code; see cjs/eddy.cjs.
'use strict';
try {
  module.exports = require('../dist/testing/index.js');
} catch (e) {
  if (e === null || typeof e !== 'object' || e.code !== 'ERR_REQUIRE_ESM') throw e;
  throw new Error(
    `eddy/testing is an ES module, and Node ${process.version} cannot require() ES modules (20.19, 22.12 and later can). ` +
      "Use import { StreamTestDriver } from 'eddy/testing' in an ES module (a .mjs file, or \"type\": \"module\" in package.json), " +
      "or const { StreamTestDriver } = await import('eddy/testing') from CommonJS.",
    { cause: e },
  );
}

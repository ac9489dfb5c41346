#!/usr/bin/env node
'use strict';
const { runConvertCommand } = require('../dist/cli.js');

runConvertCommand(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`mrcnn-convert: unexpected error: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

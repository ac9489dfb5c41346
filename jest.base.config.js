/**
 * Shared jest settings: ts-jest (transpile only; `npm run typecheck` type-checks); workspace
 * packages imported by name resolve to their sources (scripts/workspace.cjs).
 */
const { jestModuleNameMapper } = require('./scripts/workspace.cjs');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: jestModuleNameMapper(),
  testTimeout: 120000,
  maxWorkers: 2,
};

/** Shared jest settings: ts-jest (transpile only; `npm run typecheck` type-checks), source mapping. */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: {
    '^@mrcnn/schema$': '<rootDir>/packages/schema/src/index.ts',
    '^@mrcnn/engine$': '<rootDir>/packages/engine/src/index.ts',
    '^@mrcnn/weights-converter$': '<rootDir>/packages/weights-converter/src/index.ts',
    '^@mrcnn/model$': '<rootDir>/packages/model/src/index.ts',
  },
  testTimeout: 120000,
  maxWorkers: 2,
};

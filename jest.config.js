/** ESM mode: probot 14 is ESM only, so ts-jest transpiles to ESM (run with --experimental-vm-modules). */
export default {
  testEnvironment: "<rootDir>/test/support/node-environment.cjs",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30000,
};

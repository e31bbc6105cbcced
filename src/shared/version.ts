// The application version recorded with every run (kept equal to package.json's by test/shared/version.test.ts).
export const APP_VERSION = '0.1.0';

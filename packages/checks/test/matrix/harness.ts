// The fault matrix's runs are the shared test runs of @council-conform/checks/testing.
export { badMustChecks, runAgainstMock, statusOf } from '../../src/testing.ts';

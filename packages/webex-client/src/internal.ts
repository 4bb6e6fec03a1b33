// `@wbp/webex-client/internal`: what wbp's own packages share with the client but a consumer does not
// need. Published (the runner is installed from the registry too) but outside semver: it may change
// in any release (README, "Public API").
export { createRedactor, scrubCredentials, MIN_SECRET_LENGTH, REDACTED, type Redactor } from './redact.js';

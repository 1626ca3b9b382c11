export { RetryableError, isRetryableError } from "./retryable-error.js";
export { PermanentError, isPermanentError } from "./permanent-error.js";

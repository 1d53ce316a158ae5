/**
 * Thin Lambda handlers over the core engine: monitor (SQS or direct), observer (SQS checks), start,
 * and the sweep that catches up lost check messages. Configuration comes from environment variables.
 */
package dev.quiesce.aws.lambda;

/**
 * Logging for the Lambda deployment: an SLF4J provider that writes each line as a JSON object, with the
 * {@code key=value} pairs of quiesce's log messages and the request id as fields, through the Lambda
 * runtime's logger.
 */
package dev.quiesce.aws.lambda.logging;

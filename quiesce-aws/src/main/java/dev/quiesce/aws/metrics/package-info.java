/**
 * The Lambda deployment's CloudWatch metrics, written as embedded metric format (EMF) lines on standard
 * output, which CloudWatch Logs turns into metrics without any API call.
 *
 * <p>{@link dev.quiesce.aws.metrics.Metrics} gathers what one invocation did, from the engine's listener
 * and the handlers' results, and writes it at the end of the invocation; {@link dev.quiesce.aws.metrics.Metric} names what is published.
 */
package dev.quiesce.aws.metrics;

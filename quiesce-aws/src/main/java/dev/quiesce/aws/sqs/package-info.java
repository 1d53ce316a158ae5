/**
 * The SQS scheduler: observation checks as delayed SQS messages, for the serverless deployment.
 *
 * <p>{@link dev.quiesce.aws.sqs.SqsScheduler} sends one {@link dev.quiesce.aws.sqs.CheckMessage} per
 * scheduled check; the queue's consumer parses it, re-sends it if it arrived before its due time (waits
 * over 15 minutes take several steps), and otherwise runs the check. Duplicated and stale messages do
 * nothing: the check carries the observation version it was scheduled for.
 */
package dev.quiesce.aws.sqs;

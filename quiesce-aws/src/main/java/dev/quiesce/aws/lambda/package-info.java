/**
 * Thin Lambda handlers over the core engine: monitor (SQS or direct), observer (SQS checks), start,
 * and the sweep that catches up lost check messages. Configuration comes from environment variables
 * ({@link dev.quiesce.aws.lambda.AwsConfig}).
 *
 * <p>An SQS batch answers with its messages' own outcomes: a message that can never succeed goes to the
 * poison queue at once, any other failure is reported for SQS to redeliver, and work besides the
 * messages' own (delivering due notifications, sending a check message once its state is written) never
 * fails them ({@link dev.quiesce.aws.lambda.SideJob}). Each invocation writes its metrics as one EMF line
 * ({@link dev.quiesce.aws.metrics.Metrics}) and logs JSON lines ({@link dev.quiesce.aws.lambda.logging});
 * {@link dev.quiesce.aws.lambda.SnapStartPriming} primes the hot paths before a SnapStart snapshot.
 */
package dev.quiesce.aws.lambda;

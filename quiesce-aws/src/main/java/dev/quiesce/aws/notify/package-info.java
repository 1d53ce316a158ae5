/**
 * Notifiers that publish lifecycle events to AWS: {@link dev.quiesce.aws.notify.SnsNotifier} (a topic),
 * {@link dev.quiesce.aws.notify.SqsNotifier} (a queue) and
 * {@link dev.quiesce.aws.notify.EventBridgeNotifier} (an event bus).
 *
 * <p>All three carry the same structured-mode CloudEvent JSON as the webhook notifier
 * ({@link dev.quiesce.notify.StructuredCloudEvent}): {@code id} = {@code <observation>/<transition>},
 * the same on every retry, {@code type} = e.g. {@code dev.quiesce.observation.completed},
 * {@code subject} = the dataset id, {@code data} = the event fields. On SNS and SQS the type, id and
 * subject are also message attributes {@code ce_type}, {@code ce_id}, {@code ce_subject}; on
 * EventBridge the CloudEvent is the entry's {@code detail} and its type the {@code detail-type}.
 *
 * <p>Notifiers are driven by {@link dev.quiesce.engine.OutboxRelay}: every SDK failure becomes a
 * {@link dev.quiesce.DeliveryFailedException} that the relay retries and finally dead-letters, so they
 * log nothing on failure themselves and never log payloads.
 *
 * <p>{@link dev.quiesce.aws.notify.SqsDeadLetters} keeps what the relay gave up on: each event with its
 * final error, on an SQS queue of its own.
 */
package dev.quiesce.aws.notify;

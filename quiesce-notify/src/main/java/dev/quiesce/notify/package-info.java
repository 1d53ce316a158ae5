/**
 * Notifiers that tell the downstream service an observation has finished, and a file for events that
 * could not be delivered.
 *
 * <p>{@link dev.quiesce.notify.WebhookNotifier} POSTs an HMAC-signed structured CloudEvent,
 * {@link dev.quiesce.notify.CommandNotifier} runs a shell command with the event in its environment,
 * {@link dev.quiesce.notify.JsonLinesNotifier} writes one JSON line per event, and
 * {@link dev.quiesce.notify.FileDeadLetters} keeps what the outbox gave up on as JSON lines.
 *
 * <p>Every notifier here publishes the same event shape: the fields of
 * {@link dev.quiesce.LifecycleEvent#fields()}, with the counters ({@code transition}, {@code objects},
 * {@code bytes}, {@code removals}, {@code changeSeq}, {@code checks}) as JSON numbers and everything
 * else as strings. The CloudEvents {@code id} is the event id {@code <observation>/<transition>}, the
 * same on every retry, so receivers can drop duplicates.
 *
 * <p>Notifiers are driven by {@link dev.quiesce.engine.OutboxRelay}: they throw
 * {@link dev.quiesce.DeliveryFailedException} and the relay retries, so they log nothing on failure
 * themselves and never log payloads.
 */
package dev.quiesce.notify;

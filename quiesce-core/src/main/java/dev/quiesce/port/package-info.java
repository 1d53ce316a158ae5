/** The ports adapters implement: stores, outbox, scheduler, notifier, dead letters; and the shared counting rules. */
package dev.quiesce.port;

/**
 * Sources of {@link dev.quiesce.Arrival}s for storage that sends no events of its own.
 *
 * <p>{@link dev.quiesce.app.source.DirectorySource} watches a local directory tree (a watch
 * service plus a periodic full rescan) so {@code quiesce watch DIR} can tell when files stop
 * landing. Sources hand arrivals to a sink, normally the monitor that records them in a tally store;
 * they emit each change once per process, and stores count a redelivered arrival once.
 */
package dev.quiesce.app.source;

/** The engine: monitor, observer state machine, outbox relay and the in-process scheduler. */
package dev.quiesce.engine;

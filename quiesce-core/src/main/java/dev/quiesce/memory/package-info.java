/** In-memory store implementations for tests, simulation and single-run commands. */
package dev.quiesce.memory;

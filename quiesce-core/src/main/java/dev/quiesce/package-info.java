/** The vocabulary of quiesce: arrivals, datasets, tallies, observations, verdicts and lifecycle events. */
package dev.quiesce;

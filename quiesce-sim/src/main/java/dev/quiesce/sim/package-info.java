/**
 * The workload simulator: a deterministic discrete-event simulation on virtual time that drives the
 * real quiesce engine with the storage events of a modelled stream (producers, Kinesis Data Firehose
 * buffering, late and duplicated storage events), and the detection-quality report it produces.
 *
 * <p>Start at {@link dev.quiesce.sim.Simulator}; workloads are {@link dev.quiesce.sim.Workload} JSON
 * files, and {@link dev.quiesce.sim.Scenarios} ships a catalog of them. {@link dev.quiesce.sim.SimBench}
 * measures the simulator's speed. {@link dev.quiesce.sim.ReportWriter} writes a
 * {@link dev.quiesce.sim.Report} as Markdown with PNG charts ({@link dev.quiesce.sim.ReportPlots}).
 */
package dev.quiesce.sim;

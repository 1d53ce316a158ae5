package dev.quiesce.sim;

import dev.quiesce.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario catalog shipped with the simulator, as workload files under {@code /scenarios/} on the
 * class path (copy one to start a workload of your own).
 *
 * <ul>
 *   <li>{@code steady-firehose-60s}, {@code steady-firehose-300s}: 50 producers for 5 minutes through
 *       Firehose with a 60 s and with the default 300 s buffer interval;
 *   <li>{@code fast}: everything lands within 10 s;
 *   <li>{@code bursty}: four bursts 90 s apart;
 *   <li>{@code slow-trickle}: one object every 45 s on average (Poisson); {@code slow-trickle-regular}:
 *       exactly every 45 s;
 *   <li>{@code producer-stall}: every producer pauses 5 minutes half way;
 *   <li>{@code straggler}: one producer ends 10 minutes after the rest;
 *   <li>{@code heavy-tail-events}: storage events delayed by a Pareto tail up to 30 minutes;
 *   <li>{@code large-multipart}: 128 MiB multipart objects, some retried minutes later;
 *   <li>{@code many-small-datasets}: 10,000 small datasets at once.
 * </ul>
 */
public final class Scenarios {

    /** The catalog's scenario names, in report order. */
    public static final List<String> NAMES = List.of(
            "steady-firehose-60s",
            "steady-firehose-300s",
            "fast",
            "bursty",
            "slow-trickle",
            "slow-trickle-regular",
            "producer-stall",
            "straggler",
            "heavy-tail-events",
            "large-multipart",
            "many-small-datasets");

    private Scenarios() {
    }

    /** Every scenario of the catalog, in {@link #NAMES} order. */
    public static List<Workload> catalog() {
        List<Workload> all = new ArrayList<>();
        for (String n : NAMES) {
            all.add(named(n));
        }
        return List.copyOf(all);
    }

    /**
     * One scenario of the catalog.
     *
     * @throws InvalidConfigurationException if there is no scenario of that name
     */
    public static Workload named(String name) {
        if (!NAMES.contains(name)) {
            throw new InvalidConfigurationException("no scenario '" + name + "': choose one of " + NAMES);
        }
        return Workload.readResource("/scenarios/" + name + ".json");
    }
}

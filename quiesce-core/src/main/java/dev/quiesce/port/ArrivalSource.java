package dev.quiesce.port;

import dev.quiesce.Arrival;
import java.util.function.Consumer;

/**
 * Where arrivals come from when storage sends no events: a directory tree, an object listing. A
 * source reports each object it has not reported before (or that changed) and each one that went
 * away; the tally store deduplicates whatever it reports twice.
 */
public interface ArrivalSource extends AutoCloseable {

    /** The bucket (or directory) its arrivals carry, for routing them to a dataset. */
    String bucket();

    /** One full pass, on the calling thread; returns how many arrivals it reported. */
    int scanOnce(Consumer<Arrival> sink);

    /** A first pass on the calling thread, then reports changes in the background until closed. */
    void start(Consumer<Arrival> sink);

    /** Stops the background work; idempotent. */
    @Override
    void close();
}

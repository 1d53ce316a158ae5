package dev.quiesce.port;


/**
 * Where arrivals come from when storage sends no events: a directory tree, an object listing. A
 * source reports each object it has not reported before (or that changed) and each one that went
 * away; the tally store deduplicates whatever it reports twice. A source never reports "nothing changed"
 * when it could not look: it tells its sink it is {@linkplain ArrivalSink#blind blind} instead, and holds
 * the run (see {@code ArrivalSourceContract}).
 */
public interface ArrivalSource extends AutoCloseable {

    /** The bucket (or directory) its arrivals carry, for routing them to a dataset. */
    String bucket();

    /** One full pass, on the calling thread; returns how many arrivals it reported. */
    int scanOnce(ArrivalSink sink);

    /**
     * A first pass on the calling thread, then reports changes in the background until closed. The sink
     * also hears when the source cannot see all of its location, and when it sees again.
     */
    void start(ArrivalSink sink);

    /** Stops the background work; idempotent. */
    @Override
    void close();
}

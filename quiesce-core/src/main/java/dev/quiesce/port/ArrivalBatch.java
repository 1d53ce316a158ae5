package dev.quiesce.port;

import dev.quiesce.Arrival;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Lets arrivals handed over one by one be recorded together. A source that has many arrivals at once runs
 * its {@link ArrivalSink#accept} calls inside {@link #run}; a recorder reached through any number of sinks
 * that only know {@code accept} (a sink that sorts manifests from data, say) {@linkplain #defer defers} each
 * arrival to the batch instead of recording it at once, and records the batch's arrivals in one go when the
 * batch ends. So a sink chain written for single arrivals still gets one store transaction per batch.
 *
 * <p>The batch is the calling thread's: nothing crosses threads. Outside {@link #run} nothing is deferred.
 */
public final class ArrivalBatch {

    private static final ThreadLocal<ArrivalBatch> OPEN = new ThreadLocal<>();

    /** Per recorder, in the order they were first used, the arrivals deferred to it. */
    private final Map<Consumer<List<Arrival>>, List<Arrival>> deferred = new LinkedHashMap<>();

    private ArrivalBatch() {
    }

    /**
     * Runs {@code handOver} as one batch, then records what was deferred to it. Within a batch already open
     * on this thread, just runs it (the outer batch records). When {@code handOver} throws, what it deferred
     * before is recorded all the same and the exception then propagates; when recording throws, that
     * propagates and what was deferred may not have been recorded (stores deduplicate a report made again).
     */
    public static void run(Runnable handOver) {
        if (OPEN.get() != null) {
            handOver.run();
            return;
        }
        ArrivalBatch batch = new ArrivalBatch();
        OPEN.set(batch);
        RuntimeException failed = null;
        try {
            handOver.run();
        } catch (RuntimeException e) {
            failed = e;
        } finally {
            OPEN.remove();
        }
        try {
            batch.recordAll();
        } catch (RuntimeException e) {
            if (failed != null) {
                e.addSuppressed(failed);
            }
            throw e;
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Defers {@code arrival} to the batch open on this thread, to be handed to {@code recorder} with the
     * others when it ends; returns {@code false}, deferring nothing, when no batch is open. The recorder is
     * compared by identity: pass the same instance for every arrival.
     */
    public static boolean defer(Consumer<List<Arrival>> recorder, Arrival arrival) {
        ArrivalBatch batch = OPEN.get();
        if (batch == null) {
            return false;
        }
        batch.deferred.computeIfAbsent(recorder, r -> new ArrayList<>()).add(arrival);
        return true;
    }

    /**
     * Records now what this thread's open batch deferred to {@code recorder}, if anything: for what must
     * see them counted, such as a producer's declaration that follows them.
     */
    public static void flush(Consumer<List<Arrival>> recorder) {
        ArrivalBatch batch = OPEN.get();
        if (batch == null) {
            return;
        }
        List<Arrival> pending = batch.deferred.remove(recorder);
        if (pending != null && !pending.isEmpty()) {
            recorder.accept(pending);
        }
    }

    private void recordAll() {
        while (!deferred.isEmpty()) {
            Map.Entry<Consumer<List<Arrival>>, List<Arrival>> first = deferred.entrySet().iterator().next();
            deferred.remove(first.getKey());
            first.getKey().accept(first.getValue());
        }
    }
}

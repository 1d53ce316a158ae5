package dev.quiesce.sim;

import dev.quiesce.Arrival;
import dev.quiesce.Tally;
import dev.quiesce.port.TallyStore;

/**
 * A {@link TallyStore} that counts the calls made to the one it wraps: a {@code record} is a write, a
 * {@code tally} a read. On DynamoDB or a database each is one request, so the counts tell what a
 * policy costs in store traffic. Not thread-safe: one per simulated run.
 */
final class CountingTallyStore implements TallyStore {

    private final TallyStore delegate;
    long reads;
    long writes;

    CountingTallyStore(TallyStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Effect record(String datasetId, Arrival arrival, java.time.Instant seenAt) {
        writes++;
        return delegate.record(datasetId, arrival, seenAt);
    }

    @Override
    public Tally tally(String datasetId) {
        reads++;
        return delegate.tally(datasetId);
    }

    @Override
    public java.util.Set<String> present(String datasetId, java.util.Collection<String> keys) {
        reads++;
        return delegate.present(datasetId, keys);
    }

    @Override
    public long presentUnder(String datasetId, String prefix) {
        reads++;
        return delegate.presentUnder(datasetId, prefix);
    }
}

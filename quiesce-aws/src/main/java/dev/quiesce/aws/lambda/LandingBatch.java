package dev.quiesce.aws.lambda;

import dev.quiesce.Arrival;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one monitor invocation does with the arrivals of its messages: a producer's manifest is declared as
 * it comes (after the data handed over before it is counted, so the declaration judges that data too); data
 * is held and counted together when the batch ends, with its records when {@code QUIESCE_COUNT_RECORDS} says
 * so. Counting a batch at once is what checks an exact run once per dataset and batch rather than per
 * object. Not thread-safe: one per invocation.
 */
final class LandingBatch {

    private static final Logger LOG = LoggerFactory.getLogger(LandingBatch.class);

    private final ArrivalCounter counter;
    private final ManifestObjects manifests;
    private final LandedObjects objects;
    private final boolean countRecords;
    private final List<Arrival> pending = new ArrayList<>();
    /** The messages whose arrivals are in {@link #pending}. */
    private final Set<String> pendingMessages = new LinkedHashSet<>();
    private final Set<String> failedMessages = new LinkedHashSet<>();

    LandingBatch(ArrivalCounter counter, ManifestObjects manifests, LandedObjects objects, boolean countRecords) {
        this.counter = counter;
        this.manifests = manifests;
        this.objects = objects;
        this.countRecords = countRecords;
    }

    /**
     * Takes one message's arrivals.
     *
     * @throws dev.quiesce.MalformedEventException when one of them is a manifest that cannot be read
     */
    void add(String messageId, List<Arrival> arrivals) {
        for (Arrival a : arrivals) {
            List<ManifestObjects.Place> places = manifests.places(a);
            if (!places.isEmpty()) {
                count();
                manifests.declare(a, places);
                continue;
            }
            pending.add(countRecords && a.kind() == Arrival.Kind.CREATED ? a.withRecords(objects.records(a)) : a);
            pendingMessages.add(messageId);
        }
    }

    /** Counts what is held; returns the messages whose data could not be counted, for SQS to redeliver. */
    Set<String> finish() {
        count();
        return failedMessages;
    }

    private void count() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            counter.countAll(pending);
        } catch (RuntimeException e) {
            // counting is idempotent: each of these messages comes back and what was counted counts once
            LOG.warn("arrivals.failed messages={} arrivals={} action=\"redelivered by SQS\"", pendingMessages.size(),
                    pending.size(), e);
            failedMessages.addAll(pendingMessages);
        } finally {
            pending.clear();
            pendingMessages.clear();
        }
    }
}

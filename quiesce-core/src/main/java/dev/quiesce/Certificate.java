package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a completion judged complete, so the job that reads the data can check it read the same thing:
 * the counts, the policy that decided, the evidence it decided on, and the {@linkplain KeyDigest digest}
 * of the exact keys at their versions. Every COMPLETED {@link LifecycleEvent} carries one. Immutable.
 *
 * @param observationId the observation that completed
 * @param datasetId the dataset it watched
 * @param completedAt when the completion was decided
 * @param objects objects present
 * @param bytes their total size
 * @param records records in them, of those whose records a source counted
 * @param digest the key-set digest of the present keys at their versions
 * @param policy the policy spec's text ({@link dev.quiesce.policy.PolicySpec#text()})
 * @param reason the policy's reason, in words
 * @param evidence what the decision rested on
 */
public record Certificate(String observationId, String datasetId, Instant completedAt, long objects, long bytes,
                          long records, long digest, String policy, String reason, Evidence evidence) {

    public Certificate {
        requireNonNull(observationId, "observationId");
        requireNonNull(datasetId, "datasetId");
        requireNonNull(completedAt, "completedAt");
        requireNonNull(policy, "policy");
        requireNonNull(reason, "reason");
        requireNonNull(evidence, "evidence");
    }

    /**
     * The evidence a completion rested on.
     *
     * @param lastSeen when the monitor recorded the last distinct arrival (its own clock), or {@code null}
     * @param lastArrival storage's time of the latest event seen, or {@code null}
     * @param checks checks made before completing
     * @param producersClosed the producers that had closed, in name order, when the policy counts
     *     declarations ({@code expected}); empty otherwise
     */
    public record Evidence(Instant lastSeen, Instant lastArrival, long checks, List<String> producersClosed) {

        public Evidence {
            producersClosed = List.copyOf(producersClosed);
        }
    }

    /**
     * The certificate of an observation that has just completed on {@code tally}.
     *
     * @throws IllegalArgumentException if the observation is not COMPLETE
     * @param declared the producers' declarations the deciding check read ({@link Expectations#NONE} for
     *     policies that do not read them)
     */
    public static Certificate of(Observation completed, Tally tally, Expectations declared) {
        List<String> closed = new ArrayList<>();
        if (completed.spec().policy().needsExpectations()) {
            for (Expectation e : declared.producers()) {
                if (e.closed()) {
                    closed.add(e.producerId());
                }
            }
            closed.sort(null);
        }
        if (completed.state() != ObservationState.COMPLETE || completed.finishedAt() == null) {
            throw new IllegalArgumentException("observation " + completed.id() + " has not completed: "
                    + completed.state());
        }
        return new Certificate(completed.id(), completed.datasetId(), completed.finishedAt(), tally.objects(), tally.bytes(),
                tally.records(), tally.digest(), completed.spec().text(), completed.reason(),
                new Evidence(tally.lastSeen(), tally.lastArrival(), completed.progress().checks(), closed));
    }

    /** The digest as {@linkplain KeyDigest#format 16 hex digits}. */
    public String digestHex() {
        return KeyDigest.format(digest);
    }
}

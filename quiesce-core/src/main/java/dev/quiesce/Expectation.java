package dev.quiesce;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One producer's declaration for a dataset: opened, and later closed with what it sent.
 *
 * @param datasetId the dataset the producer writes to
 * @param producerId the producer
 * @param openedAt when it opened (its close time, if it only ever closed)
 * @param closedAt when it closed, or {@code null} while open
 * @param sent what it sent, declared at close; {@link Sent#NOTHING_DECLARED} while open
 * @param attribution which objects are its, declared at close; {@link Attribution#NONE} when not said
 */
public record Expectation(String datasetId, String producerId, Instant openedAt, Instant closedAt, Sent sent,
                          Attribution attribution) {

    /** A declaration that attributes no objects. */
    public Expectation(String datasetId, String producerId, Instant openedAt, Instant closedAt, Sent sent) {
        this(datasetId, producerId, openedAt, closedAt, sent, Attribution.NONE);
    }

    public Expectation {
        requireNonNull(attribution, "attribution");
        requireNonNull(datasetId, "datasetId");
        requireNonNull(producerId, "producerId");
        requireNonNull(sent, "sent");
        if (producerId.isBlank()) {
            throw new InvalidConfigurationException("producer id must not be blank");
        }
    }

    /** Whether the producer has closed. */
    public boolean closed() {
        return closedAt != null;
    }
}

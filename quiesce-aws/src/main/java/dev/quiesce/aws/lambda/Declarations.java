package dev.quiesce.aws.lambda;

import dev.quiesce.Attribution;
import dev.quiesce.engine.Monitor;
import dev.quiesce.manifest.Manifest;

/**
 * Writes a producer's declaration, from a manifest object or the Declare function, into the expectation
 * store through the monitor, which then checks the dataset's exact runs. Idempotent: opening twice changes
 * nothing and the first close wins, so a redelivered manifest event or a retried request is harmless.
 */
final class Declarations {

    private final Monitor monitor;

    Declarations(Monitor monitor) {
        this.monitor = monitor;
    }

    /**
     * @param attribution the producer's objects as the tally keys them (whole keys), or {@link Attribution#NONE}
     */
    void declare(String datasetId, Manifest m, Attribution attribution) {
        if (m.closed()) {
            monitor.closed(datasetId, m.producer(), m.sent(), attribution);
        } else {
            monitor.opened(datasetId, m.producer());
        }
    }
}

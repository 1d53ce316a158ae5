package dev.quiesce;

/** An operation named an observation the store does not hold. */
public class ObservationNotFoundException extends QuiesceException {

    private final String observationId;

    public ObservationNotFoundException(String observationId) {
        super("no observation with id '" + observationId + "'");
        this.observationId = observationId;
    }

    public String observationId() {
        return observationId;
    }
}

package dev.quiesce;

/**
 * Where an observation stands in its lifecycle.
 *
 * <pre>
 * WAITING --first arrival--&gt; ACTIVE --policy satisfied--&gt; COMPLETE
 *    |                          +------- deadline --------&gt; TIMED_OUT
 *    +-- deadline or first-arrival timeout ---------------&gt; TIMED_OUT
 * any open state --cancel--&gt; CANCELLED
 * any open state --source blind for the blind timeout--&gt; BLIND
 * any open state --removal, with deletes=fail--&gt; DELETED
 * </pre>
 */
public enum ObservationState {
    /** Started; nothing has arrived yet, so silence is not yet evidence of anything. */
    WAITING,
    /** Arrivals seen; checks run on the policy's schedule. */
    ACTIVE,
    /** The policy decided the dataset has finished landing. */
    COMPLETE,
    /** A deadline or first-arrival timeout passed first. */
    TIMED_OUT,
    /** Producers declared less than landed by the deadline (reserved for expected totals). */
    INCOMPLETE,
    /** Stopped on request. */
    CANCELLED,
    /**
     * Its source could not see the location for the blind timeout (root gone, listing failing, subtree
     * unreadable): completion was impossible, so the run ends here rather than on partial data.
     */
    BLIND,
    /** An object was removed from the dataset while its spec said {@code deletes=fail}. */
    DELETED;

    /** Whether checks still run in this state. */
    public boolean open() {
        return this == WAITING || this == ACTIVE;
    }
}

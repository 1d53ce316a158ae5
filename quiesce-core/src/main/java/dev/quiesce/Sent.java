package dev.quiesce;

/**
 * What a producer says it sent: records, bytes and objects, each {@link #UNKNOWN} when not declared.
 *
 * @param records records sent, or {@link #UNKNOWN}
 * @param bytes bytes sent, or {@link #UNKNOWN}
 * @param objects objects written, or {@link #UNKNOWN}
 */
public record Sent(long records, long bytes, long objects) {

    /** A count the producer did not declare. */
    public static final long UNKNOWN = -1;

    /** Nothing declared. */
    public static final Sent NOTHING_DECLARED = new Sent(UNKNOWN, UNKNOWN, UNKNOWN);

    public Sent {
        for (long n : new long[] {records, bytes, objects}) {
            if (n < UNKNOWN) {
                throw new InvalidConfigurationException("sent counts must be >= 0 (or unknown), was " + n);
            }
        }
    }

    /** The count in a unit, or {@link #UNKNOWN}. */
    public long in(Unit unit) {
        switch (unit) {
            case RECORDS: return records;
            case BYTES: return bytes;
            default: return objects;
        }
    }

    /** What expected totals are counted in. */
    public enum Unit {
        /** Objects present in the tally (producers that write whole objects). */
        OBJECTS,
        /** Bytes present in the tally (pass-through streams). */
        BYTES,
        /** Records in the landed objects (needs a source that counts them). */
        RECORDS;

        /** The tally's count in this unit. */
        public long of(Tally tally) {
            switch (this) {
                case BYTES: return tally.bytes();
                case OBJECTS: return tally.objects();
                default: return tally.records();
            }
        }

        /** The lower-case name used in specs and messages. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

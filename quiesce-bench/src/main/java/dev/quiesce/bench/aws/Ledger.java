package dev.quiesce.bench.aws;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the metered clients counted, by who asked (the Lambda function running, or the stand-in for S3 or
 * the SQS poller), where (a table, an index, a queue), which operation and whether it read or wrote.
 * Each cell keeps the requests, the units the stand-in reported and the units DynamoDB bills (equal
 * unless {@link DynamoMeter} corrected them; for SQS, billed requests in 64 KB chunks). Thread-safe: the
 * benchmark's stand-ins for S3 and the SQS poller add to it from a thread of their own.
 */
public final class Ledger {

    /** Reads or writes. */
    public enum Kind { READ, WRITE, REQUEST }

    /**
     * One line of the ledger.
     *
     * @param phase who asked: {@code monitor}, {@code observer}, {@code sweep}, {@code s3}, {@code poller}
     * @param target table role ({@code tally}, {@code observations}), {@code observations/<index>}, or a queue role
     * @param operation the API operation, with a note when corrected ({@code UpdateItem (condition failed)})
     * @param kind read or write units, or SQS requests
     */
    public record Key(String phase, String target, String operation, Kind kind) {
    }

    /** Totals of one line. */
    public static final class Cell {
        long requests;
        double reported;
        double billed;

        public long requests() {
            return requests;
        }

        public double reported() {
            return reported;
        }

        public double billed() {
            return billed;
        }
    }

    private final Map<Key, Cell> cells = new LinkedHashMap<>();
    private long awsRequests;

    synchronized void add(Key key, long requests, double reported, double billed) {
        Cell c = cells.computeIfAbsent(key, k -> new Cell());
        c.requests += requests;
        c.reported += reported;
        c.billed += billed;
    }

    /** Counts one request to AWS made by the code (for the assumed Lambda duration). */
    synchronized void request() {
        awsRequests++;
    }

    /** Requests to DynamoDB and SQS made so far by the code under test. */
    public synchronized long awsRequests() {
        return awsRequests;
    }

    /** Sum of billed units (or requests) over the lines that match. */
    public synchronized double billed(Predicate<Key> which) {
        return cells.entrySet().stream().filter(e -> which.test(e.getKey())).mapToDouble(e -> e.getValue().billed).sum();
    }

    /** Sum of reported units over the lines that match. */
    public synchronized double reported(Predicate<Key> which) {
        return cells.entrySet().stream().filter(e -> which.test(e.getKey())).mapToDouble(e -> e.getValue().reported).sum();
    }

    /** Sum of requests over the lines that match. */
    public synchronized long requests(Predicate<Key> which) {
        return cells.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(e -> e.getValue().requests).sum();
    }

    /** Every line, sorted by phase, target, operation. */
    public synchronized List<Map.Entry<Key, Cell>> lines() {
        List<Map.Entry<Key, Cell>> out = new ArrayList<>(cells.entrySet());
        out.sort(Comparator.comparing((Map.Entry<Key, Cell> e) -> e.getKey().phase())
                .thenComparing(e -> e.getKey().target()).thenComparing(e -> e.getKey().operation())
                .thenComparing(e -> e.getKey().kind()));
        return out;
    }
}

package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.Dataset;
import dev.quiesce.KeyFilter;
import dev.quiesce.MalformedEventException;
import dev.quiesce.aws.metrics.Metric;
import dev.quiesce.engine.Monitor;
import dev.quiesce.s3.S3Location;
import dev.quiesce.s3.S3PrefixPages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backfill by direct invoke: lists a prefix of the landing bucket and records every object into its
 * dataset's tally, routed, counted and waking runs as the monitor's arrivals do, except that an object
 * the tally already holds is left alone ({@link Monitor#backfill}), so live events and a backfill of the
 * same objects count each once.
 *
 * <p>Input: {@code {"prefix": "events/2024/05/01/", "continuation": "...", "pageSize": 1000, "maxPages": 10,
 * "bucket": "..."}}; only {@code prefix} is needed ({@code bucket} defaults to the datasets' bucket). It lists
 * page after page until the prefix ends, {@code maxPages} were listed, or the invocation's remaining time
 * would not fit two more pages of the slowest seen so far. Its answer says what it did and, when it stopped
 * early, the {@code continuation} to invoke it with next: the caller loops (a script, a Step Functions
 * map) rather than the function re-invoking itself, so it needs no right to invoke, cannot loop on its own,
 * and each invocation's progress is in its answer. A page repeated (a retried invocation) counts once.
 */
public final class BackfillHandler implements RequestStreamHandler {

    static final String NAME = "backfill";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Time left unused at the end of an invocation, beyond what the next pages would need. */
    private static final long RESERVE_MILLIS = 5_000;
    /** ListObjectsV2's most keys a page. */
    private static final int MAX_PAGE_SIZE = 1000;

    private final AwsWiring wiring;
    private final S3Client s3;
    private final Clock clock;

    /** For the Lambda runtime: configuration from the environment, S3 from the runtime's defaults. */
    public BackfillHandler() {
        this(Cold.wiring(), S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build());
    }

    /** For tests and other runtimes. */
    public BackfillHandler(AwsWiring wiring, S3Client s3) {
        this.wiring = wiring;
        this.s3 = s3;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (Invocation ignored = Invocation.begin(NAME, context, wiring.metrics())) {
            JSON.writeValue(output, handle(request(input), context));
        }
    }

    /** What one invocation was asked to do. */
    private record Request(S3Location location, String continuation, int pageSize, int maxPages) {
    }

    private Request request(InputStream input) {
        JsonNode in;
        try {
            in = JSON.readTree(input);
        } catch (IOException e) {
            throw new MalformedEventException("backfill input is not JSON: " + e.getMessage(), e);
        }
        if (in == null || !in.path("prefix").isTextual()) {
            throw new MalformedEventException("backfill input needs a \"prefix\" string, e.g."
                    + " {\"prefix\": \"events/2024/05/01/\"}");
        }
        String bucket = in.path("bucket").isTextual() ? in.get("bucket").asText() : defaultBucket();
        int pageSize = in.path("pageSize").asInt(MAX_PAGE_SIZE);
        int maxPages = in.path("maxPages").asInt(Integer.MAX_VALUE);
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE || maxPages < 1) {
            throw new MalformedEventException("backfill input: pageSize must be 1 to 1000 and maxPages >= 1, were "
                    + pageSize + " and " + maxPages);
        }
        String continuation = in.path("continuation").isTextual() ? in.get("continuation").asText() : null;
        return new Request(new S3Location(bucket, in.get("prefix").asText()), continuation, pageSize, maxPages);
    }

    /** The one bucket the configured datasets are in; with none or several the input must name it. */
    private String defaultBucket() {
        Set<String> buckets = wiring.config().datasets().stream().map(Dataset::bucket).collect(Collectors.toSet());
        if (buckets.size() != 1) {
            throw new MalformedEventException("backfill input needs a \"bucket\": the datasets are in "
                    + (buckets.isEmpty() ? "no bucket" : "buckets " + buckets));
        }
        return buckets.iterator().next();
    }

    private ObjectNode handle(Request r, Context context) {
        S3PrefixPages pages = new S3PrefixPages(s3, r.location(), KeyFilter.ALL, r.pageSize());
        Monitor monitor = wiring.engine().monitor();
        String continuation = r.continuation();
        int listed = 0;
        int recorded = 0;
        int alreadyCounted = 0;
        int skipped = 0;
        int done = 0;
        long slowest = 0;
        do {
            long started = System.nanoTime();
            S3PrefixPages.Page page = pages.page(continuation, clock.instant());
            Monitor.Backfilled b = monitor.backfill(page.arrivals());
            // the monitor's counters: the dashboard shows what a backfill added next to what events did
            wiring.metrics().add(Metric.ARRIVALS_COUNTED, b.recorded());
            wiring.metrics().add(Metric.ARRIVALS_DUPLICATE, b.alreadyCounted());
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
            done++;
            listed += page.arrivals().size();
            recorded += b.recorded();
            alreadyCounted += b.alreadyCounted();
            skipped += page.skipped();
            continuation = page.continuation();
        } while (continuation != null && done < r.maxPages() && timeFor(2 * slowest, context));
        SideJob.run(NAME, "relay", SideJob.RELAY_RETRY, wiring.metrics(), () -> wiring.engine().relay().deliverDue());
        ObjectNode out = JSON.createObjectNode()
                .put("bucket", r.location().bucket()).put("prefix", r.location().prefix())
                .put("pages", done).put("listed", listed).put("recorded", recorded)
                .put("alreadyCounted", alreadyCounted).put("skipped", skipped)
                .put("done", continuation == null);
        out.put("continuation", continuation);
        return out;
    }

    /** Whether the invocation has {@code millis} left besides the reserve (always, outside Lambda). */
    private static boolean timeFor(long millis, Context context) {
        return context == null || context.getRemainingTimeInMillis() > millis + RESERVE_MILLIS;
    }
}

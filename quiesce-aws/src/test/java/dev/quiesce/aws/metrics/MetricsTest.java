package dev.quiesce.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Tally;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF documents {@link Metrics} writes, read back as CloudWatch reads them. */
class MetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = MutableClock.at("2024-05-01T00:00:00Z");
    private final List<String> lines = new ArrayList<>();
    private final Metrics metrics = new Metrics("quiesce-test", clock, lines::add);

    static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** The names a document's directive with these dimensions declares, in order. */
    static List<String> declared(JsonNode doc, String dimensions) {
        List<String> names = new ArrayList<>();
        for (JsonNode d : doc.get("_aws").get("CloudWatchMetrics")) {
            if (d.get("Dimensions").toString().equals(dimensions)) {
                d.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
            }
        }
        return names;
    }

    @Test
    void everyCountIsPublishedWithTheEmptyDimensionSetZeroIncluded() {
        metrics.add(Metric.ARRIVALS_COUNTED, 3);
        metrics.increment(Metric.ARRIVALS_DUPLICATE);
        List<String> written = metrics.flush(Map.of("handler", "monitor"));

        assertThat(written).hasSize(1).isEqualTo(lines);
        JsonNode doc = read(written.get(0));
        assertThat(doc.get("_aws").get("Timestamp").asLong()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z").toEpochMilli());
        JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("quiesce-test");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[]]");
        assertThat(declared(doc, "[[]]")).containsExactly("ArrivalsCounted", "ArrivalsDuplicate", "ArrivalsRejected",
                "Checks", "NotifierRetries", "NotifierDeadLetters", "SideJobFailures", "RunsOverdue");
        directive.get("Metrics").forEach(m -> assertThat(m.get("Unit").asText()).isEqualTo("Count"));
        assertThat(doc.get("ArrivalsCounted").asLong()).isEqualTo(3);
        assertThat(doc.get("ArrivalsDuplicate").asLong()).isEqualTo(1);
        assertThat(doc.get("SideJobFailures").asLong()).isZero();
        assertThat(doc.get("handler").asText()).isEqualTo("monitor");
        assertThat(doc.has("DetectionLatency")).isFalse();
        assertThat(doc.has("Completions")).isFalse();
    }

    @Test
    void aFlushStartsOver() {
        metrics.add(Metric.CHECKS, 2);
        metrics.flush(Map.of());
        JsonNode second = read(metrics.flush(Map.of()).get(0));
        assertThat(second.get("Checks").asLong()).isZero();
    }

    @Test
    void completionsCarryTheirOutcomeAndLatency() {
        Instant t0 = Instant.parse("2024-05-01T00:00:00Z");
        Tally tally = new Tally(3, 30, 0, 3, t0, t0, 0, t0.plusSeconds(20), 0);
        metrics.listener().transitioned(null, new LifecycleEvent("run/2", EventType.COMPLETED, "run", "events", 2,
                t0.plusSeconds(80), tally, 3, "stable", t0, t0));
        metrics.listener().transitioned(null, new LifecycleEvent("other/2", EventType.TIMED_OUT, "other", "events", 2,
                t0.plusSeconds(90), tally, 3, "deadline", t0, t0));
        metrics.listener().transitioned(null, new LifecycleEvent("late/3", EventType.LATE, "late", "events", 3,
                t0.plusSeconds(95), tally, 4, "late data", t0, t0, 1));
        metrics.listener().transitioned(null, new LifecycleEvent("slow/2", EventType.OVERDUE, "slow", "events", 2,
                t0.plusSeconds(99), tally, 4, "overdue", t0, t0));
        List<String> written = metrics.flush(Map.of());

        assertThat(written).hasSize(2);
        JsonNode first = read(written.get(0));
        assertThat(declared(first, "[[]]")).contains("DetectionLatency");
        assertThat(first.get("DetectionLatency").toString()).isEqualTo("[60000]");
        assertThat(first.get("RunsOverdue").asLong()).isEqualTo(1);
        assertThat(declared(first, "[[\"Outcome\"]]")).containsExactly("Completions");
        assertThat(first.get("Outcome").asText()).isEqualTo("COMPLETE");
        assertThat(first.get("Completions").asLong()).isEqualTo(1);
        JsonNode next = read(written.get(1));
        assertThat(declared(next, "[[]]")).isEmpty();
        assertThat(declared(next, "[[\"Outcome\"]]")).containsExactly("Completions");
        assertThat(next.get("Outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(next.has("ArrivalsCounted")).isFalse();
        for (JsonNode m : first.get("_aws").get("CloudWatchMetrics")) {
            if (m.get("Metrics").get(0).get("Name").asText().equals("DetectionLatency")) {
                assertThat(m.get("Metrics").get(0).get("Unit").asText()).isEqualTo("Milliseconds");
            }
        }
    }

    @Test
    void moreThanAHundredLatenciesSpillIntoFurtherDocuments() {
        for (int i = 0; i < 250; i++) {
            metrics.detectionLatency(Duration.ofMillis(i));
        }
        List<String> written = metrics.flush(Map.of());
        assertThat(written).hasSize(3);
        assertThat(written).extracting(l -> read(l).get("DetectionLatency").size()).containsExactly(100, 100, 50);
        assertThat(read(written.get(2)).get("DetectionLatency").get(49).asLong()).isEqualTo(249);
    }

    @Test
    void onlyPlainCountsAreAdded() {
        assertThatThrownBy(() -> metrics.add(Metric.COMPLETIONS, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.add(Metric.CHECKS, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Metrics(" ", clock, l -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.quiesce.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ArrivalBatchTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private final List<List<Arrival>> recorded = new ArrayList<>();
    private final Consumer<List<Arrival>> recorder = batch -> recorded.add(List.copyOf(batch));

    private static Arrival put(String key) {
        return Arrival.created("b", key, 1, T0, key);
    }

    @Test
    void outsideABatchNothingIsDeferred() {
        assertThat(ArrivalBatch.defer(recorder, put("a"))).isFalse();
        ArrivalBatch.flush(recorder);
        assertThat(recorded).isEmpty();
    }

    @Test
    void arrivalsHandedOverInABatchAreRecordedTogetherWhenItEnds() {
        ArrivalBatch.run(() -> {
            assertThat(ArrivalBatch.defer(recorder, put("a"))).isTrue();
            ArrivalBatch.run(() -> ArrivalBatch.defer(recorder, put("b"))); // nested: the outer batch records
            assertThat(recorded).isEmpty();
        });
        assertThat(recorded).containsExactly(List.of(put("a"), put("b")));
        assertThat(ArrivalBatch.defer(recorder, put("c"))).as("the batch is over").isFalse();
    }

    @Test
    void aFlushRecordsWhatCameBeforeAtOnce() {
        ArrivalBatch.run(() -> {
            ArrivalBatch.defer(recorder, put("a"));
            ArrivalBatch.flush(recorder);
            assertThat(recorded).containsExactly(List.of(put("a")));
            ArrivalBatch.defer(recorder, put("b"));
        });
        assertThat(recorded).containsExactly(List.of(put("a")), List.of(put("b")));
    }

    @Test
    void whatWasHandedOverBeforeAFailureIsRecordedAndTheFailurePropagates() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> ArrivalBatch.run(() -> {
            ArrivalBatch.defer(recorder, put("a"));
            throw boom;
        })).isSameAs(boom);
        assertThat(recorded).containsExactly(List.of(put("a")));
    }
}

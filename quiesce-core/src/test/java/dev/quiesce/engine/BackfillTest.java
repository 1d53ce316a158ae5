package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.ObservationState;
import dev.quiesce.Tally;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A listing recorded by {@link Monitor#backfill} next to live events: each object counted once. */
class BackfillTest {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final InMemoryTallyStore tallies = new InMemoryTallyStore();
    private final Engine engine = Engine.builder().tallies(tallies).store(store).clock(clock)
            .dataset(Dataset.of("events", "bucket", "events/"))
            .autoStart(PolicySpec.stable(2, Duration.ofSeconds(10)))
            .drivenExternally().build();

    /** What a live S3 event gives: the sequencer as token and order, the listing version. */
    private static Arrival event(String key, long size, String sequencer) {
        return Arrival.created("bucket", key, size, T0, sequencer).withSequencer(sequencer).withVersion("e-" + key + ":" + size);
    }

    /** What a listing gives for the same object: no sequencer, the listing's own token. */
    private static Arrival listed(String key, long size) {
        String version = "e-" + key + ":" + size;
        return Arrival.created("bucket", key, size, T0, version + "@" + T0.toEpochMilli()).withVersion(version);
    }

    @Test
    void listedObjectsAlreadyCountedByEventsChangeNothingAndTheOthersCountOnce() {
        engine.monitor().accept(event("events/a", 10, "0A"));
        Tally before = tallies.tally("events");

        Monitor.Backfilled done = engine.monitor().backfill(List.of(listed("events/a", 10), listed("events/b", 20)));

        assertThat(done).isEqualTo(new Monitor.Backfilled(1, 1));
        Tally after = tallies.tally("events");
        assertThat(after.objects()).isEqualTo(2);
        assertThat(after.bytes()).isEqualTo(30);
        assertThat(after.changeSeq()).isEqualTo(before.changeSeq() + 1);
    }

    @Test
    void aSecondBackfillRecordsNothingAndLeavesTheQuietTimeAlone() {
        List<Arrival> listing = List.of(listed("events/a", 10), listed("events/b", 20));
        engine.monitor().backfill(listing);
        Tally first = tallies.tally("events");
        clock.advance(Duration.ofSeconds(5));

        assertThat(engine.monitor().backfill(listing)).isEqualTo(new Monitor.Backfilled(0, 2));
        assertThat(tallies.tally("events")).isEqualTo(first);
    }

    @Test
    void anEventAfterTheListingOfTheSameObjectKeepsTheCountsExact() {
        engine.monitor().backfill(List.of(listed("events/a", 10)));
        engine.monitor().accept(event("events/a", 10, "0A"));

        Tally t = tallies.tally("events");
        assertThat(t.objects()).isEqualTo(1);
        assertThat(t.bytes()).isEqualTo(10);
        // the event is a distinct sighting (it moves the change sequence), not a second object
        assertThat(t.changeSeq()).isEqualTo(2);
    }

    @Test
    void aBackfillStartsTheDatasetsRunAsArrivalsDoAndItCompletesOnce() {
        engine.monitor().backfill(List.of(listed("events/a", 10)));
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.ACTIVE);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            engine.runOnce();
        }
        assertThat(store.find("events/2024-05-01").orElseThrow().state()).isEqualTo(ObservationState.COMPLETE);
        // a backfill over the counted data finds it all present: no late data, no second run
        assertThat(engine.monitor().backfill(List.of(listed("events/a", 10)))).isEqualTo(new Monitor.Backfilled(0, 1));
        assertThat(store.list(10)).hasSize(1);
    }
}

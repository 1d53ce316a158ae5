package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.VirtualTimeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Silence is measured on the detector's clock: from when the monitor saw the latest distinct arrival,
 * never from storage's event times. A consumer behind a backlog (an SQS queue, a throttled Lambda, S3
 * notifications a minute late) receives old event times late; that is lag, not silence.
 */
class SilenceInDetectorTimeTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    /** One delivery to the monitor: the arrival and when it reached it. */
    private record Delivery(Instant at, Arrival arrival, boolean redelivery) {
    }

    /**
     * Producers write objects over a few minutes; each event reaches the monitor after its own delay (up to
     * five minutes, so events overtake each other), and some are delivered again later. Whatever the
     * timeline, inactivity with period Q completes exactly Q after the last distinct arrival it saw before
     * completing (on virtual time a check runs at the instant it is due: one tick is 0), never earlier.
     */
    @Property(tries = 200)
    void inactivityCompletesQAfterTheLastArrivalSeenNeverBefore(
            @ForAll @IntRange(min = 1, max = 40) int objects,
            @ForAll @IntRange(min = 5, max = 180) int periodSeconds,
            @ForAll @LongRange(min = 0, max = 300_000) long maxDelayMillis,
            @ForAll long seed) {
        Random random = new Random(seed);
        Duration period = Duration.ofSeconds(periodSeconds);
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            Instant written = T0.plusMillis(random.nextInt(240_000));
            // heavy tail: most events are quick, a few very late
            long delay = (long) (maxDelayMillis * Math.pow(random.nextDouble(), 3));
            Arrival a = Arrival.created("bucket", "part-" + i, 100 + i, written, "seq-" + i);
            deliveries.add(new Delivery(written.plusMillis(delay), a, false));
            if (random.nextInt(4) == 0) {
                deliveries.add(new Delivery(written.plusMillis(delay + random.nextInt(600_000)), a, true));
            }
        }

        Observation done = run(period, deliveries);

        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        Instant lastSeen = deliveries.stream().filter(d -> !d.redelivery() && !d.at().isAfter(done.finishedAt()))
                .map(Delivery::at).max(Instant::compareTo).orElseThrow();
        assertThat(done.finishedAt()).as("completes exactly Q after the last distinct arrival seen")
                .isEqualTo(lastSeen.plus(period));
    }

    @Test
    void aBacklogOfOldEventsIsLagNotSilence() {
        // 20 objects written in the first 20 s reach the monitor 100 to 119 s later (a queue that was behind):
        // by event time the stream has been quiet for 100 s, yet the monitor is still receiving data
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Instant written = T0.plusSeconds(i);
            deliveries.add(new Delivery(written.plusSeconds(100),
                    Arrival.created("bucket", "part-" + i, 100, written, "seq-" + i), false));
        }
        Observation done = run(Duration.ofSeconds(30), deliveries);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(119 + 30));
        assertThat(done.reason()).contains("no arrival for 30s");
    }

    @Test
    void anOlderVersionLandingLateIsActivityButARedeliveryIsNot() {
        List<Delivery> deliveries = new ArrayList<>();
        Arrival newer = Arrival.created("bucket", "a", 200, T0.plusSeconds(5), "v2");
        Arrival older = Arrival.created("bucket", "a", 100, T0, "v1");
        deliveries.add(new Delivery(T0.plusSeconds(5), newer, false));
        deliveries.add(new Delivery(T0.plusSeconds(20), older, false)); // changes nothing, shows the pipe delivers
        deliveries.add(new Delivery(T0.plusSeconds(40), newer, true));  // a redelivery: not activity
        Observation done = run(Duration.ofSeconds(30), deliveries);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(50));
    }

    private static Observation run(Duration period, List<Delivery> deliveries) {
        MutableClock clock = MutableClock.at(T0);
        InMemoryObservationStore store = new InMemoryObservationStore();
        Engine engine = Engine.builder()
                .tallies(new InMemoryTallyStore())
                .store(store)
                .clock(clock)
                .dataset(Dataset.of("events", "bucket"))
                .drivenExternally()
                .build();
        engine.observer().start("obs", "events", new PolicySpec(InactivityPeriod.of(period), Guards.NONE));
        VirtualTimeline timeline = new VirtualTimeline(engine, store, clock);
        deliveries.forEach(d -> timeline.arriveAt(d.at(), d.arrival()));
        return timeline.runUntilFinished("obs", Duration.ofHours(2));
    }
}

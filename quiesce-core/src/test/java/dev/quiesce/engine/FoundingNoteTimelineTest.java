package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.DelayStrategy;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.InactivityPeriod;
import dev.quiesce.policy.Policy;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.VirtualTimeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The founding note's scenario on virtual time, against timelines computed by hand. Arrivals land at
 * t = 0, 10, 40 and 70 s; the observation starts at t = 0 and activates at the first arrival.
 */
class FoundingNoteTimelineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .drivenExternally()
            .build();

    private VirtualTimeline timeline(Policy policy) {
        engine.observer().start("obs", "events", new PolicySpec(policy, Guards.NONE));
        VirtualTimeline t = new VirtualTimeline(engine, store, clock);
        int[] at = {0, 10, 40, 70};
        for (int i = 0; i < at.length; i++) {
            t.arrive(Arrival.created("bucket", "part-" + i, 100, T0.plusSeconds(at[i]), "seq-" + i));
        }
        return t;
    }

    private static List<Instant> seconds(int... s) {
        return IntStream.of(s).mapToObj(T0::plusSeconds).toList();
    }

    @Test
    void constantDelayCompletesAtOneHundredEightySeconds() {
        // activation at 0 sees seq 1; first check one delay later.
        // t=30  seq 2 (arrival at 10) changed -> streak 0, next 30+30=60
        // t=60  seq 3 (arrival at 40) changed -> streak 0, next 90
        // t=90  seq 4 (arrival at 70) changed -> streak 0, next 120
        // t=120 unchanged -> streak 1, next 150
        // t=150 unchanged -> streak 2, next 180
        // t=180 unchanged -> streak 3 = window -> COMPLETE at 180 (the note would send one more message: 210)
        VirtualTimeline t = timeline(StableCount.builder().window(3)
                .delay(DelayStrategy.constant(Duration.ofSeconds(30))).build());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(180));
        assertThat(t.checkTimes()).isEqualTo(seconds(30, 60, 90, 120, 150, 180));
        assertThat(done.progress().checks()).isEqualTo(6);
    }

    @Test
    void dividedByStreakCompletesAtOneHundredSixtyFiveSeconds() {
        // delay(streak) = streak == 0 ? 30 : floor(30 / streak): 30, 30, 15
        // t=30, 60, 90 changed -> streak 0, next +30
        // t=120 streak 1 -> next 120 + 30/1 = 150
        // t=150 streak 2 -> next 150 + 30/2 = 165
        // t=165 streak 3 -> COMPLETE at 165
        VirtualTimeline t = timeline(StableCount.builder().window(3)
                .delay(DelayStrategy.dividedByStreak(Duration.ofSeconds(30))).build());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(165));
        assertThat(t.checkTimes()).isEqualTo(seconds(30, 60, 90, 120, 150, 165));
    }

    @Test
    void exponentialDecayCompletesAtOneHundredThirtySevenSeconds() {
        // delay(streak) = ceil(30 * e^-streak): 30, ceil(11.04) = 12, ceil(4.06) = 5
        // t=30, 60, 90 changed -> next +30
        // t=120 streak 1 -> next 132
        // t=132 streak 2 -> next 137
        // t=137 streak 3 -> COMPLETE at 137
        VirtualTimeline t = timeline(StableCount.builder().window(3)
                .delay(DelayStrategy.exponentialDecay(Duration.ofSeconds(30))).build());
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(137));
        assertThat(t.checkTimes()).isEqualTo(seconds(30, 60, 90, 120, 132, 137));
    }

    @Test
    void inactivityPeriodChecksExactlyAtLastArrivalPlusPeriod() {
        // period 45 s; each check is due at lastArrival + 45:
        // activation at 0 -> first check 0+45 = 45; at 45 the last arrival is 40 -> next 85
        // at 85 the last arrival is 70 -> next 115; at 115, 45 s of silence -> COMPLETE at 115
        VirtualTimeline t = timeline(InactivityPeriod.of(Duration.ofSeconds(45)));
        Observation done = t.runUntilFinished("obs", Duration.ofHours(1));
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(115));
        assertThat(t.checkTimes()).isEqualTo(seconds(45, 85, 115));
    }

    @Test
    void theNotesDefaultsAreThirtySecondsAndWindowThree() {
        StableCount p = StableCount.ofDefaults();
        assertThat(p.window()).isEqualTo(3);
        assertThat(p.delay()).isEqualTo(DelayStrategy.constant(Duration.ofSeconds(30)));
        assertThat(PolicySpec.defaults().policy()).isEqualTo(p);
    }
}

package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.contract.MutableClock;
import dev.quiesce.port.contract.RecordingNotifier;
import dev.quiesce.port.contract.VirtualTimeline;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A continuous daily Firehose stream on a dated dataset, through the real engine on virtual time: the day's
 * run completes once, just after midnight plus the buffer interval, never during the day, and its 6 h
 * deadline falls at 06:00 of the next day, not of its own.
 *
 * <p>Firehose names an object by when its buffer opened and writes it when the buffer closes: here an object
 * named minute {@code m} lands at {@code m + 90 s}, so the last ones named 23:59 land 30 s and 60 s after
 * midnight.
 */
class DatedPeriodTest {

    private static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant END = Instant.parse("2024-05-02T00:00:00Z");
    private static final Duration BUFFER = Duration.ofSeconds(60);
    private static final Duration LAG = Duration.ofSeconds(90);
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(90); // window 3 x 30 s
    private static final Duration ONE_CHECK = Duration.ofSeconds(30);
    private static final String RUN = "events/2024-05-01";
    private static final DateTimeFormatter KEY = DateTimeFormatter.ofPattern("'events/'yyyy/MM/dd/HH/'part-'yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);

    private final MutableClock clock = MutableClock.at(DAY);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final InMemoryTallyStore tallies = new InMemoryTallyStore();
    private final RecordingNotifier notifier = new RecordingNotifier("recording");
    private final Engine engine = Engine.builder().tallies(tallies).store(store).clock(clock)
            .dataset(Dataset.of("events", "bucket", "events/{yyyy}/{MM}/{dd}/"))
            .autoStart(PolicySpec.parse("stable window=3 delay=constant:30s deadline=6h buffer=60s"))
            .notifier(notifier)
            .drivenExternally().build();
    private final VirtualTimeline timeline = new VirtualTimeline(engine, store, clock);
    private boolean started;

    /** An object named (by its key) at {@code namedAt}, landing at {@code landsAt}. */
    private void object(Instant namedAt, Instant landsAt) {
        String key = KEY.format(namedAt);
        Arrival a = Arrival.created("bucket", key, 1024, namedAt, key);
        if (!started) {
            // the run exists from its first arrival: deliver that one before the timeline runs
            clock.set(landsAt);
            engine.monitor().accept(a);
            started = true;
        } else {
            timeline.arriveAt(landsAt, a);
        }
    }

    /** One object a minute named from {@code from} (inclusive) to {@code to} (exclusive), each landing {@code LAG} later. */
    private void everyMinute(Instant from, Instant to) {
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
            object(t, t.plus(LAG));
        }
    }

    private List<LifecycleEvent> events(EventType type) {
        return notifier.delivered().stream().filter(e -> e.observationId().equals(RUN) && e.type() == type).toList();
    }

    /** What state the run is in at {@code at}, looked at by the timeline before the checks due then. */
    private List<ObservationState> stateAt(Instant at) {
        List<ObservationState> seen = new ArrayList<>();
        timeline.at(at, () -> seen.add(store.find(RUN).orElseThrow().state()));
        return seen;
    }

    @Test
    void aContinuousDayCompletesOnceJustAfterMidnightPlusTheBuffer() {
        everyMinute(DAY, END);
        object(END.minusSeconds(30), END.plusSeconds(60)); // a second buffer named 23:59, landing at 00:01:00
        everyMinute(END, END.plus(Duration.ofHours(2))); // the stream goes on: the next day's objects
        List<ObservationState> atSixOfTheDay = stateAt(DAY.plus(Duration.ofHours(6)).plusSeconds(1));
        List<ObservationState> atDaysEnd = stateAt(END.minusSeconds(1));

        Observation done = timeline.runUntilFinished(RUN, Duration.ofDays(2));

        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isBetween(END.plus(BUFFER), END.plus(BUFFER).plus(QUIET_WINDOW).plus(ONE_CHECK));
        assertThat(atSixOfTheDay).as("no time-out at 06:00 of the day itself").containsExactly(ObservationState.ACTIVE);
        assertThat(atDaysEnd).containsExactly(ObservationState.ACTIVE);
        assertThat(events(EventType.COMPLETED)).hasSize(1);
        assertThat(events(EventType.TIMED_OUT)).isEmpty();
        // every object named May 1st is in its run, the two that landed after midnight too; none of May 2nd's
        assertThat(events(EventType.COMPLETED).get(0).tally().objects()).isEqualTo(24 * 60 + 1);
        assertThat(tallies.tally("events/2024-05-02").objects()).isPositive();
        assertThat(store.find("events/2024-05-02").orElseThrow().state()).isEqualTo(ObservationState.ACTIVE);
    }

    @Test
    void aPauseDuringTheDayIsHeldAsOneWaitUntilTheDaysEndPlusTheBuffer() {
        Instant noon = DAY.plus(Duration.ofHours(12));
        everyMinute(DAY, noon);
        everyMinute(noon.plus(Duration.ofMinutes(10)), END); // producers pause for 10 minutes at noon
        object(END.minusSeconds(30), END.plusSeconds(60));
        List<ObservationState> inTheAfternoon = stateAt(noon.plus(Duration.ofHours(6)));

        Observation done = timeline.runUntilFinished(RUN, Duration.ofDays(2));

        assertThat(inTheAfternoon).containsExactly(ObservationState.ACTIVE);
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(done.finishedAt()).isBetween(END.plus(BUFFER), END.plus(BUFFER).plus(QUIET_WINDOW).plus(ONE_CHECK));
        assertThat(events(EventType.COMPLETED)).hasSize(1);
        assertThat(events(EventType.COMPLETED).get(0).tally().objects()).isEqualTo(24 * 60 - 10 + 1);
        // the pause let the policy complete early in the afternoon; from then one wait, not a check every 30 s
        List<Instant> afterNoon = timeline.checkTimes().stream().filter(t -> t.isAfter(noon.plus(LAG))).toList();
        Instant held = afterNoon.stream().filter(t -> t.isBefore(noon.plus(Duration.ofMinutes(10)))).reduce((a, b) -> b)
                .orElseThrow();
        int heldAt = afterNoon.indexOf(held);
        assertThat(afterNoon.get(heldAt + 1)).as("the next check after the held completion").isEqualTo(END.plus(BUFFER));
    }

    @Test
    void aStreamThatNeverStopsTimesOutSixHoursAfterTheDaysEnd() {
        // a growing backlog: objects named 40 s apart on May 1st keep landing a minute apart until 07:00 May 2nd
        Instant landsAt = DAY.plus(LAG);
        for (int i = 0; !landsAt.isAfter(END.plus(Duration.ofHours(7))); i++, landsAt = landsAt.plusSeconds(60)) {
            object(DAY.plusSeconds(40L * i), landsAt);
        }
        List<ObservationState> justBefore = stateAt(END.plus(Duration.ofHours(6)).minusSeconds(1));

        Observation done = timeline.runUntilFinished(RUN, Duration.ofDays(2));

        assertThat(justBefore).containsExactly(ObservationState.ACTIVE);
        assertThat(done.state()).isEqualTo(ObservationState.TIMED_OUT);
        assertThat(done.finishedAt()).isEqualTo(END.plus(Duration.ofHours(6)));
        assertThat(done.reason()).contains("deadline 6h after the period's end 2024-05-02T00:00:00Z");
        assertThat(events(EventType.TIMED_OUT)).hasSize(1);
        assertThat(events(EventType.COMPLETED)).isEmpty();
    }
}

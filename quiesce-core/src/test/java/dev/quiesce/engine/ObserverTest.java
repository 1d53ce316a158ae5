package dev.quiesce.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationNotFoundException;
import dev.quiesce.ObservationState;
import dev.quiesce.engine.Observer.Outcome;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.Guards;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.policy.StableCount;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ObserverTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final PolicySpec STABLE_10S = PolicySpec.stable(3, Duration.ofSeconds(10));

    private final MutableClock clock = MutableClock.at(T0);
    private final InMemoryObservationStore store = new InMemoryObservationStore();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final Engine engine = Engine.builder()
            .tallies(new InMemoryTallyStore())
            .store(store)
            .clock(clock)
            .dataset(Dataset.of("events", "bucket"))
            .notifier(notifier)
            .drivenExternally()
            .build();
    private int seq;

    private void arrive() {
        engine.monitor().accept(Arrival.created("bucket", "k" + seq, 10, clock.instant(), "s" + seq++));
    }

    private Observation obs() {
        return store.find("obs").orElseThrow();
    }

    private void advance(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        engine.runOnce();
    }

    @Test
    void silenceBeforeTheFirstArrivalDoesNotCountAsStable() {
        engine.observer().start("obs", "events", STABLE_10S);
        for (int i = 0; i < 10; i++) {
            advance(10);
        }
        assertThat(obs().state()).isEqualTo(ObservationState.WAITING);
        assertThat(obs().progress().checks()).isZero();
        assertThat(notifier.ids()).isEmpty();
    }

    @Test
    void firstArrivalActivatesAndTheFirstCheckIsOneDelayLater() {
        engine.observer().start("obs", "events", STABLE_10S);
        clock.advance(Duration.ofSeconds(7));
        arrive();
        assertThat(obs().state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(obs().activatedAt()).isEqualTo(T0.plusSeconds(7));
        assertThat(obs().nextCheckAt()).isEqualTo(T0.plusSeconds(17));
    }

    @Test
    void startingOnADatasetWithArrivalsActivatesAtOnce() {
        arrive();
        Observation o = engine.observer().start("obs", "events", STABLE_10S);
        assertThat(o.state()).isEqualTo(ObservationState.ACTIVE);
    }

    @Test
    void startingTwiceResumesTheExistingObservation() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        Observation again = engine.observer().start("obs", "events", PolicySpec.defaults());
        assertThat(again.state()).isEqualTo(ObservationState.ACTIVE);
        assertThat(again.spec()).isEqualTo(STABLE_10S);
    }

    @Test
    void deleteThenCreateIsActivityEvenThoughTheCountIsEqual() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        advance(10);
        engine.monitor().accept(Arrival.removed("bucket", "k0", clock.instant(), "del-0"));
        arrive();
        advance(10);
        assertThat(obs().progress().streak()).isZero();
    }

    @Test
    void completesOnceAndNotifiesOnce() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        // activation read the tally (seq 1): checks at 10, 20, 30 find it unchanged -> streak 1, 2, 3
        advance(10);
        advance(10);
        assertThat(obs().state()).isEqualTo(ObservationState.ACTIVE);
        advance(10);
        assertThat(obs().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(obs().finishedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(notifier.ids()).containsExactly("obs/2");
        advance(10);
        advance(1000);
        assertThat(notifier.ids()).containsExactly("obs/2");
    }

    @Test
    void duplicatedAndStaleChecksDoNothing() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        Observation before = obs();
        assertThat(engine.observer().check("obs")).isEqualTo(Outcome.NOT_DUE);
        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.observer().check("obs", before.version())).isEqualTo(Outcome.CHECKED);
        // the same message delivered again: its version moved on, and the next check is not due
        assertThat(engine.observer().check("obs", before.version())).isEqualTo(Outcome.NOT_DUE);
        assertThat(engine.observer().check("obs")).isEqualTo(Outcome.NOT_DUE);
        assertThat(obs().progress().checks()).isEqualTo(1);
        assertThat(engine.observer().check("missing")).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void aDueCheckRunsEvenFromAnOlderMessageSoALostMessageCannotStallIt() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        long activationVersion = obs().version();
        clock.advance(Duration.ofSeconds(10));
        engine.observer().check("obs", activationVersion);
        // the message for the new version is lost; an older duplicate arrives once the next check is due
        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.observer().check("obs", activationVersion)).isEqualTo(Outcome.CHECKED);
        assertThat(obs().progress().checks()).isEqualTo(2);
    }

    @Test
    void racingChecksYieldOneCompletion() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "race-" + round;
            engine.observer().start(id, "events", STABLE_10S);
        }
        arrive();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int step = 0; step < 4; step++) {
                clock.advance(Duration.ofSeconds(10));
                CyclicBarrier barrier = new CyclicBarrier(4);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        barrier.await();
                        for (int round = 0; round < 20; round++) {
                            engine.observer().check("race-" + round);
                        }
                        engine.relay().deliverDue();
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (int round = 0; round < 20; round++) {
            Observation o = store.find("race-" + round).orElseThrow();
            assertThat(o.state()).isEqualTo(ObservationState.COMPLETE);
            assertThat(o.progress().checks()).isEqualTo(3);
            assertThat(store.entriesOf(o.id())).filteredOn(e -> e.event().type() == EventType.COMPLETED).hasSize(1);
        }
        assertThat(notifier.ids()).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void minObjectsHoldsBackCompletion() {
        engine.observer().start("obs", "events", new PolicySpec(STABLE_10S.policy(), Guards.NONE.withMinObjects(2)));
        arrive();
        for (int i = 0; i < 6; i++) {
            advance(10);
        }
        assertThat(obs().state()).isEqualTo(ObservationState.ACTIVE);
        arrive();
        for (int i = 0; i < 4; i++) {
            advance(10);
        }
        assertThat(obs().state()).isEqualTo(ObservationState.COMPLETE);
    }

    @Test
    void deadlineTimesOutAnActiveObservationExactlyAtTheDeadline() {
        engine.observer().start("obs", "events", new PolicySpec(STABLE_10S.policy(),
                Guards.NONE.withDeadline(Duration.ofSeconds(25))));
        arrive();
        advance(10);
        arrive();
        advance(10);
        assertThat(obs().nextCheckAt()).isEqualTo(T0.plusSeconds(25));
        advance(5);
        assertThat(obs().state()).isEqualTo(ObservationState.TIMED_OUT);
        assertThat(obs().finishedAt()).isEqualTo(T0.plusSeconds(25));
        assertThat(notifier.types()).containsExactly(EventType.TIMED_OUT);
    }

    @Test
    void firstArrivalTimeoutEndsAWaitingObservation() {
        engine.observer().start("obs", "events", new PolicySpec(STABLE_10S.policy(),
                Guards.NONE.withFirstArrivalTimeout(Duration.ofMinutes(5)).withDeadline(Duration.ofHours(1))));
        assertThat(obs().nextCheckAt()).isEqualTo(T0.plusSeconds(300));
        advance(299);
        assertThat(obs().state()).isEqualTo(ObservationState.WAITING);
        advance(1);
        assertThat(obs().state()).isEqualTo(ObservationState.TIMED_OUT);
        assertThat(obs().reason()).contains("first-arrival-timeout 5m");
    }

    @Test
    void cancelEndsAnOpenObservationOnce() {
        engine.observer().start("obs", "events", STABLE_10S);
        assertThat(engine.observer().cancel("obs", "operator")).isTrue();
        assertThat(engine.observer().cancel("obs", "operator")).isFalse();
        engine.runOnce();
        assertThat(obs().state()).isEqualTo(ObservationState.CANCELLED);
        assertThat(notifier.types()).containsExactly(EventType.CANCELLED);
        assertThatThrownBy(() -> engine.observer().cancel("nope", "x")).isInstanceOf(ObservationNotFoundException.class);
    }

    @Test
    void aRestartedEngineOnTheSameStoresRunsOverdueChecksAtOnce() {
        InMemoryTallyStore tallies = new InMemoryTallyStore();
        Engine first = Engine.builder().tallies(tallies).store(store).clock(clock).notifier(notifier)
                .dataset(Dataset.of("events", "bucket")).drivenExternally().build();
        first.observer().start("obs", "events", STABLE_10S);
        first.monitor().accept(Arrival.created("bucket", "a", 1, clock.instant(), "t"));
        // the first engine dies here; an hour passes
        clock.advance(Duration.ofHours(1));
        Engine second = Engine.builder().tallies(tallies).store(store).clock(clock).notifier(notifier)
                .dataset(Dataset.of("events", "bucket")).drivenExternally().build();
        assertThat(store.nextDueAt()).contains(T0.plusSeconds(10));
        // the activation's notification was never delivered either: it is due since T0
        assertThat(second.nextWorkAt()).contains(T0);
        for (int i = 0; i < 4; i++) {
            second.runOnce();
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(obs().state()).isEqualTo(ObservationState.COMPLETE);
        assertThat(notifier.ids()).containsExactly("obs/2");
    }

    @Test
    void lifecycleEventCarriesTheTallyAndSurvivesEncoding() {
        engine.observer().start("obs", "events", STABLE_10S);
        arrive();
        for (int i = 0; i < 4; i++) {
            advance(10);
        }
        OutboxEntry entry = store.entriesOf("obs").get(1);
        LifecycleEvent e = entry.event();
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.tally().objects()).isEqualTo(1);
        assertThat(e.checks()).isEqualTo(3);
        assertThat(e.time()).isEqualTo(T0.plusSeconds(30));
        assertThat(LifecycleEvent.decode(e.encode())).isEqualTo(e);
    }

    /** A notifier that remembers what it was given. */
    static final class RecordingNotifier implements Notifier {
        private final List<LifecycleEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void deliver(LifecycleEvent event) {
            events.add(event);
        }

        List<String> ids() {
            synchronized (events) {
                return events.stream().map(LifecycleEvent::id).toList();
            }
        }

        List<EventType> types() {
            synchronized (events) {
                return events.stream().map(LifecycleEvent::type).toList();
            }
        }
    }

    @Test
    void stableCountRejectsAWindowBelowOne() {
        assertThatThrownBy(() -> StableCount.builder().window(0))
                .hasMessage("window must be >= 1, was 0");
    }
}

package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.engine.Engine;
import dev.quiesce.engine.Observer;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.TallyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * What every store shared by several processes must allow: two engines, each with its own store
 * instances (connections, clients) over one medium (a database file, DynamoDB tables), run every step
 * at the same moment from two threads, and each observation completes once and its completion is
 * delivered once, never twice and never zero times. Subclass once per shared store.
 */
public abstract class SharedStoresContract {

    /**
     * One process's view of the shared medium.
     *
     * @param tallies its tally store
     * @param store its observation store and outbox
     * @param <S> the store's type
     */
    public record Side<S extends ObservationStore & Outbox>(TallyStore tallies, S store) {
    }

    /** Two sides over one fresh, empty medium; called before each test. */
    protected abstract List<Side<?>> twoSidesOfOneStore();

    /** Releases what {@link #twoSidesOfOneStore()} opened; called after each test. */
    protected void closeSides() {
    }

    /** Observations in the race (fewer for slower stores). */
    protected int observations() {
        return 8;
    }

    /** Arrivals per dataset in the race. */
    protected int arrivalsPerDataset() {
        return 4;
    }

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final PolicySpec POLICY = PolicySpec.stable(2, STEP);

    private final MutableClock clock = MutableClock.at(T0);
    private final RecordingNotifier notifier1 = new RecordingNotifier("recorder");
    private final RecordingNotifier notifier2 = new RecordingNotifier("recorder");
    private final Map<String, AtomicInteger> finishes = TransitionCountingStore.newCounts();
    private ExecutorService pool;
    private List<Side<?>> sides;
    private ObservationStore store1;
    private ObservationStore store2;
    private TallyStore tallies1;
    private Outbox outbox1;
    private Engine engine1;
    private Engine engine2;

    @BeforeEach
    void twoEnginesOnOneStore() {
        sides = twoSidesOfOneStore();
        store1 = sides.get(0).store();
        store2 = sides.get(1).store();
        tallies1 = sides.get(0).tallies();
        outbox1 = sides.get(0).store();
        engine1 = engine(sides.get(0), notifier1);
        engine2 = engine(sides.get(1), notifier2);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void closeEverything() {
        pool.shutdownNow();
        engine1.close();
        engine2.close();
        closeSides();
    }

    @RepeatedTest(3)
    void eachObservationCompletesAndIsDeliveredExactlyOnce() throws Exception {
        for (int i = 0; i < observations(); i++) {
            (i % 2 == 0 ? engine1 : engine2).observer().start(observation(i), dataset(i), POLICY);
        }
        // both engines receive every arrival (a redelivery on the other side), racing each other
        together(engine -> {
            for (int i = 0; i < observations(); i++) {
                for (int k = 0; k < arrivalsPerDataset(); k++) {
                    engine.monitor().accept(arrival(i, k));
                }
            }
        });
        for (int i = 0; i < observations(); i++) {
            assertThat(tallies1.tally(dataset(i)).changeSeq()).isEqualTo(arrivalsPerDataset());
            assertThat(store1.find(observation(i)).orElseThrow().state())
                    .isEqualTo(ObservationState.ACTIVE);
        }

        int steps = 0;
        while (!allFinished() && steps++ < 20) {
            clock.advance(STEP);
            // two passes each, so a step also races a check against a delivery of the other engine
            together(engine -> {
                engine.runOnce();
                engine.runOnce();
            });
        }

        assertThat(allFinished()).as("all observations finished after %s steps", steps).isTrue();
        Map<String, Long> deliveries = deliveredEventIds();
        for (int i = 0; i < observations(); i++) {
            String id = observation(i);
            Observation o = store2.find(id).orElseThrow();
            assertThat(o.state()).as(id).isEqualTo(ObservationState.COMPLETE);
            String completed = LifecycleEvent.idOf(id, o.transitions());
            // the activation's entry is there too, marked delivered without a call (the notifier skips it)
            List<OutboxEntry> entries = outbox1.entriesOf(id).stream()
                    .filter(e -> e.event().type() == EventType.COMPLETED).toList();
            assertThat(entries).as("completion entries of %s", id).hasSize(1);
            assertThat(entries.get(0).event().type()).isEqualTo(EventType.COMPLETED);
            assertThat(entries.get(0).event().id()).isEqualTo(completed);
            assertThat(entries.get(0).status()).isEqualTo(OutboxEntry.Status.DELIVERED);
            assertThat(entries.get(0).attempts()).isEqualTo(1);
            assertThat(finishes.get(id)).as("winning completions of %s across both engines", id).hasValue(1);
            assertThat(deliveries.get(completed)).as("deliveries of %s across both engines", completed).isEqualTo(1L);
        }
        assertThat(deliveries).hasSize(observations());
    }

    @Test
    void staleAndDuplicatedChecksAfterCompletionDoNothing() throws Exception {
        String id = observation(0);
        Observation started = engine1.observer().start(id, dataset(0), POLICY);
        engine2.monitor().accept(arrival(0, 0));
        Observation active = store1.find(id).orElseThrow();
        while (store1.find(id).orElseThrow().state().open()) {
            clock.advance(STEP);
            together(Engine::runOnce);
        }
        Observation done = store2.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(ObservationState.COMPLETE);

        // a redelivered queue message, on either engine, with or without its old version
        assertThat(engine1.observer().check(id)).isEqualTo(Observer.Outcome.FINISHED);
        assertThat(engine2.observer().check(id)).isEqualTo(Observer.Outcome.FINISHED);
        assertThat(engine2.observer().check(id, started.version())).isEqualTo(Observer.Outcome.FINISHED);
        assertThat(engine1.observer().check(id, active.version())).isEqualTo(Observer.Outcome.FINISHED);
        // long after every lease ran out, nothing is claimed or delivered again
        clock.advance(Duration.ofHours(1));
        together(engine -> {
            engine.runOnce();
            engine.observer().check(id);
        });
        engine2.monitor().accept(arrival(0, 0));

        assertThat(store1.find(id)).contains(done);
        assertThat(outbox1.entriesOf(id)).extracting(e -> e.event().type())
                .containsExactly(EventType.ACTIVATED, EventType.COMPLETED);
        assertThat(deliveredEventIds()).containsExactly(Map.entry(LifecycleEvent.idOf(id, done.transitions()), 1L));
        assertThat(finishes.get(id)).hasValue(1);
        assertThat(engine1.nextWorkAt()).isEmpty();
    }

    @Test
    void claimsFromBothSidesHandEachEntryOutOnce() throws Exception {
        int runs = observations() * 2;
        for (int i = 0; i < runs; i++) {
            completeOn(sides.get(i % 2), "claimed-" + i);
        }
        CyclicBarrier start = new CyclicBarrier(4);
        ExecutorService claimers = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Outbox outbox = sides.get(t % 2).store();
            claims.add(claimers.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                List<String> mine = new ArrayList<>();
                List<OutboxEntry> batch;
                do {
                    batch = outbox.claim(T0.plusSeconds(120), T0.plusSeconds(180), 7);
                    batch.forEach(e -> mine.add(e.key()));
                } while (!batch.isEmpty());
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        try {
            for (Future<List<String>> f : claims) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            claimers.shutdownNow();
        }
        // one entry per notifier of each completion, each handed to exactly one claimer
        assertThat(all).hasSize(runs * 2).doesNotHaveDuplicates();
    }

    private static <S extends ObservationStore & Outbox> void completeOn(Side<S> side, String id) {
        OutboxContract.complete(side.store(), id, "stdout", "webhook");
    }

    private <S extends ObservationStore & Outbox> Engine engine(Side<S> side, RecordingNotifier notifier) {
        Engine.Builder b = Engine.builder().tallies(side.tallies())
                .store(new TransitionCountingStore(side.store(), finishes)).clock(clock)
                .notifier(notifier).drivenExternally();
        for (int i = 0; i < observations(); i++) {
            b.dataset(Dataset.of(dataset(i), "bucket", "run-" + i + "/"));
        }
        return b.build();
    }

    /** Runs the same work on both engines, released at the same moment; rethrows what either threw. */
    private void together(Consumer<Engine> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<?>> futures = new ArrayList<>();
        for (Engine engine : List.of(engine1, engine2)) {
            futures.add(pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                work.accept(engine);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private boolean allFinished() {
        return store1.list(1_000).stream().noneMatch(o -> o.state().open());
    }

    private Map<String, Long> deliveredEventIds() {
        List<LifecycleEvent> all = new ArrayList<>(notifier1.delivered());
        all.addAll(notifier2.delivered());
        return all.stream().map(LifecycleEvent::id).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String observation(int i) {
        return "obs-" + i;
    }

    private static String dataset(int i) {
        return "events-" + i;
    }

    private static Arrival arrival(int dataset, int k) {
        return Arrival.created("bucket", "run-" + dataset + "/part-" + k, 100 + k, T0.plusMillis(k), "seq-" + k);
    }
}

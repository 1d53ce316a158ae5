package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quiesce.port.ArrivalSink;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.Notifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The front door: one watch per start, runs over time, typed listeners, and a completion that waits for delivery. */
class QuiesceTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** A source over a fixed list of keys, plus what a test adds while it runs. */
    static final class KeysSource implements ArrivalSource {
        private final List<String> keys;
        private volatile ArrivalSink sink;
        private volatile boolean closed;

        KeysSource(String... keys) {
            this.keys = List.of(keys);
        }

        @Override
        public String bucket() {
            return "landing";
        }

        @Override
        public int scanOnce(ArrivalSink s) {
            keys.forEach(k -> s.accept(Arrival.created("landing", k, 10, Instant.now(), k)));
            return keys.size();
        }

        @Override
        public void start(ArrivalSink s) {
            sink = s;
            scanOnce(s);
        }

        void land(String key) {
            sink.accept(Arrival.created("landing", key, 10, Instant.now(), key));
        }

        void blind(String why) {
            sink.blind(why);
        }

        void seeing() {
            sink.seeing();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Quiesce.Builder quick(Stores stores, ArrivalSource source) {
        return Quiesce.builder().stores(stores).source(source).policy("inactivity period=300ms").maxIdle(Duration.ofMillis(50));
    }

    @Test
    void aWatchCompletesWithTheTallyAndTellsItsNotifierBeforeTheFutureCompletes() throws Exception {
        List<LifecycleEvent> told = new CopyOnWriteArrayList<>();
        List<EventType> heard = new CopyOnWriteArrayList<>();
        KeysSource source = new KeysSource("a", "b");
        try (Watch watch = quick(Stores.inMemory(), source).notifier(Notifier.of("list", told::add)).start("daily")) {
            watch.onEvent(e -> heard.add(e.type()));
            source.land("c");
            Outcome outcome = watch.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(outcome.complete()).isTrue();
            assertThat(outcome.tally().objects()).isEqualTo(3);
            assertThat(told).extracting(LifecycleEvent::type).containsExactly(EventType.COMPLETED);
            assertThat(heard).contains(EventType.COMPLETED);
            assertThat(watch.id()).isEqualTo("daily");
            assertThat(watch.number()).isOne();
        }
        assertThat(source.closed).isTrue();
    }

    @Test
    void startingAnIdWhoseRunEndedStartsTheNextRunWithItsOwnTally() throws Exception {
        Stores stores = Stores.inMemory();
        try (Watch first = quick(stores, new KeysSource("a")).start("daily")) {
            assertThat(first.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS).tally().objects()).isEqualTo(1);
        }
        try (Watch second = quick(stores, new KeysSource("a", "b")).start("daily")) {
            assertThat(second.id()).isEqualTo("daily#2");
            assertThat(second.previous()).map(Observation::id).hasValue("daily");
            assertThat(second.dataset().id()).isEqualTo("landing#2");
            Outcome outcome = second.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(outcome.tally().objects()).as("counted afresh, not on top of run 1").isEqualTo(2);
        }
        try (Watch again = quick(stores, new KeysSource("a", "b")).resumeOnly().start("daily")) {
            assertThat(again.id()).isEqualTo("daily#2");
            assertThat(again.completion()).isCompleted();
        }
        assertThat(Quiesce.latestRun(stores.observations(), "daily")).map(Observation::id).hasValue("daily#2");
    }

    @Test
    void aResumedRunOwingEventsToAMissingNotifierIsRefusedByName() throws Exception {
        Stores stores = Stores.inMemory();
        AtomicInteger attempts = new AtomicInteger();
        Notifier down = Notifier.of("pager", e -> {
            attempts.incrementAndGet();
            throw new DeliveryFailedException("receiver down");
        });
        try (Watch watch = quick(stores, new KeysSource("a")).notifier(down)
                .backoff(new dev.quiesce.engine.Backoff(Duration.ofHours(1), 2.0, Duration.ofHours(1), 5)).start("daily")) {
            await().atMost(LIMIT).until(() -> attempts.get() == 1);
            assertThat(watch.completion()).as("not settled while a delivery is pending").isNotDone();
        }
        assertThatThrownBy(() -> quick(stores, new KeysSource("a")).start("daily"))
                .isInstanceOf(MissingNotifierException.class)
                .satisfies(e -> assertThat(((MissingNotifierException) e).notifiers()).containsExactly("pager"));
        List<LifecycleEvent> delivered = new CopyOnWriteArrayList<>();
        try (Watch resumed = quick(stores, new KeysSource("a")).notifier(Notifier.of("pager", delivered::add))
                .start("daily")) {
            assertThat(resumed.resumed()).isTrue();
            Outcome outcome = resumed.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(outcome.complete()).isTrue();
            assertThat(delivered).hasSize(1).allSatisfy(e -> assertThat(e.id()).isEqualTo("daily/2"));
        }
    }

    @Test
    void anUndeliverableEventEndsTheOutcomeUndeliveredNotComplete() throws Exception {
        Notifier down = Notifier.of("pager", e -> {
            throw new DeliveryFailedException("receiver down");
        });
        List<String> failures = new CopyOnWriteArrayList<>();
        try (Watch watch = quick(Stores.inMemory(), new KeysSource("a")).notifier(down)
                .backoff(new dev.quiesce.engine.Backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(20), 2))
                .start("daily")) {
            watch.onDeliveryFailed(e -> failures.add(e.notifier()));
            Outcome outcome = watch.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(outcome.state()).isEqualTo(ObservationState.COMPLETE);
            assertThat(outcome.complete()).isFalse();
            assertThat(outcome.undelivered()).singleElement().satisfies(e -> assertThat(e.notifier()).isEqualTo("pager"));
            assertThat(failures).contains("pager");
        }
    }

    @Test
    void sightListenersHearBlindAndSeeingAndTheRunWaitsMeanwhile() throws Exception {
        KeysSource source = new KeysSource("a");
        List<String> sight = new CopyOnWriteArrayList<>();
        try (Watch watch = quick(Stores.inMemory(), source).start("daily")) {
            watch.onSight(b -> sight.add(b.map(Blindness::reason).orElse("seeing")));
            source.blind("the disk is gone");
            await().pollDelay(Duration.ofMillis(600)).atMost(LIMIT).until(() -> true);
            assertThat(watch.completion()).as("blind: nothing completes").isNotDone();
            source.seeing();
            assertThat(watch.completion().get(LIMIT.toSeconds(), TimeUnit.SECONDS).complete()).isTrue();
        }
        assertThat(sight).containsExactly("the disk is gone", "seeing");
    }

    @Test
    void aWatchNeedsASourceAndAValidPolicy() {
        assertThatThrownBy(() -> Quiesce.builder().start("x")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("needs a source");
        assertThatThrownBy(() -> Quiesce.builder().policy("sometimes")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Notifier.of(" ", e -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.quiesce.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.Tally;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Outbox} must do. Subclass once per implementation; {@link #newStore()} returns a
 * fresh, empty store that is both the observation store and its outbox.
 */
public abstract class OutboxContract {

    protected static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    protected abstract <S extends ObservationStore & Outbox> S newStore();

    /** Creates an observation and completes it, writing one entry per notifier; returns the event. */
    public static <S extends ObservationStore & Outbox> LifecycleEvent complete(S store, String id, String... notifiers) {
        Observation o = Observation.start(id, "events", PolicySpec.defaults(), T0);
        store.create(o);
        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        store.compareAndSet(active);
        Observation done = active.finish(ObservationState.COMPLETE, new Progress(3, 3, 1), T0.plusSeconds(120), "stable");
        LifecycleEvent e = new LifecycleEvent(LifecycleEvent.idOf(id, done.transitions()), EventType.COMPLETED, id,
                "events", done.transitions(), T0.plusSeconds(120), new Tally(3, 30, 0, 3, T0, T0.plusSeconds(20)),
                3, "stable", T0, T0);
        store.compareAndSet(done, ObservationStore.entriesFor(e, List.of(notifiers)));
        return e;
    }

    @Test
    void newEntryIsClaimableAtItsEventTime() {
        var store = newStore();
        LifecycleEvent e = complete(store, "obs-1", "webhook");
        assertThat(store.claim(T0.plusSeconds(119), T0.plusSeconds(200), 10)).isEmpty();
        List<OutboxEntry> claimed = store.claim(T0.plusSeconds(120), T0.plusSeconds(200), 10);
        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).event()).isEqualTo(e);
        assertThat(claimed.get(0).notifier()).isEqualTo("webhook");
        assertThat(claimed.get(0).attempts()).isZero();
        assertThat(claimed.get(0).key()).isEqualTo("obs-1/2@webhook");
    }

    @Test
    void claimedEntryIsLeasedAway() {
        var store = newStore();
        complete(store, "obs-1", "webhook");
        assertThat(store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10)).hasSize(1);
        assertThat(store.claim(T0.plusSeconds(150), T0.plusSeconds(210), 10)).isEmpty();
        assertThat(store.claim(T0.plusSeconds(180), T0.plusSeconds(240), 10)).hasSize(1);
    }

    @Test
    void deliveredEntryIsNeverClaimedAgain() {
        var store = newStore();
        complete(store, "obs-1", "webhook");
        OutboxEntry e = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10).get(0);
        store.delivered(e.key());
        assertThat(store.claim(T0.plusSeconds(10_000), T0.plusSeconds(10_060), 10)).isEmpty();
        assertThat(store.entriesOf("obs-1")).extracting(OutboxEntry::status)
                .containsExactly(OutboxEntry.Status.DELIVERED);
        assertThat(store.entriesOf("obs-1").get(0).attempts()).isEqualTo(1);
        assertThat(store.nextAttemptAt()).isEmpty();
    }

    @Test
    void failedEntryComesBackAtItsRetryTimeWithAttemptsAndError() {
        var store = newStore();
        complete(store, "obs-1", "webhook");
        OutboxEntry e = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10).get(0);
        store.retryLater(e.key(), 1, T0.plusSeconds(125), "HTTP 503");
        assertThat(store.nextAttemptAt()).contains(T0.plusSeconds(125));
        assertThat(store.claim(T0.plusSeconds(124), T0.plusSeconds(200), 10)).isEmpty();
        OutboxEntry again = store.claim(T0.plusSeconds(125), T0.plusSeconds(200), 10).get(0);
        assertThat(again.attempts()).isEqualTo(1);
        assertThat(again.lastError()).isEqualTo("HTTP 503");
    }

    @Test
    void deadEntryStaysVisibleButIsNotClaimed() {
        var store = newStore();
        complete(store, "obs-1", "webhook");
        OutboxEntry e = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10).get(0);
        store.dead(e.key(), 6, "connection refused");
        assertThat(store.claim(T0.plusSeconds(10_000), T0.plusSeconds(10_060), 10)).isEmpty();
        OutboxEntry dead = store.entriesOf("obs-1").get(0);
        assertThat(dead.status()).isEqualTo(OutboxEntry.Status.DEAD);
        assertThat(dead.attempts()).isEqualTo(6);
        assertThat(dead.lastError()).isEqualTo("connection refused");
    }

    @Test
    void oneEntryPerNotifierEachWithItsOwnFate() {
        var store = newStore();
        complete(store, "obs-1", "stdout", "webhook");
        List<OutboxEntry> claimed = store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 10);
        assertThat(claimed).extracting(OutboxEntry::notifier).containsExactlyInAnyOrder("stdout", "webhook");
        store.delivered("obs-1/2@stdout");
        store.retryLater("obs-1/2@webhook", 1, T0.plusSeconds(130), "boom");
        assertThat(store.claim(T0.plusSeconds(130), T0.plusSeconds(190), 10)).extracting(OutboxEntry::notifier)
                .containsExactly("webhook");
    }

    @Test
    void claimRespectsLimit() {
        var store = newStore();
        complete(store, "a", "n");
        complete(store, "b", "n");
        complete(store, "c", "n");
        assertThat(store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 2)).hasSize(2);
        assertThat(store.claim(T0.plusSeconds(120), T0.plusSeconds(180), 2)).hasSize(1);
    }

    @Test
    void entriesOfListsOneObservationOnly() {
        var store = newStore();
        complete(store, "a", "n");
        complete(store, "b", "n");
        assertThat(store.entriesOf("a")).extracting(x -> x.event().observationId()).containsExactly("a");
    }
}

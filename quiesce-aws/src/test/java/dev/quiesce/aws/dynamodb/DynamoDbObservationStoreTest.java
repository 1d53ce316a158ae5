package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.EventType;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Observation;
import dev.quiesce.ObservationState;
import dev.quiesce.Progress;
import dev.quiesce.StoreException;
import dev.quiesce.port.ObservationStore;
import dev.quiesce.port.Outbox;
import dev.quiesce.port.OutboxEntry;
import dev.quiesce.port.contract.ObservationStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoDbObservationStoreTest extends ObservationStoreContract {

    private static final SharedDynalite DYNALITE = new SharedDynalite();

    @AfterAll
    static void stopDynalite() {
        DYNALITE.close();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <S extends ObservationStore & Outbox> S newStore() {
        return (S) new DynamoDbObservationStore(DYNALITE.client(), newTable());
    }

    private static String newTable() {
        String table = SharedDynalite.newTableName("observations");
        DynamoDbObservationStore.createTable(DYNALITE.client(), table);
        return table;
    }

    @Test
    void racingChangesWithOutboxEntriesFromSeparateClientsHaveOneWinnerPerVersion() throws Exception {
        String table = newTable();
        List<DynamoDbObservationStore> stores = List.of(
                new DynamoDbObservationStore(DYNALITE.dynalite().client(), table),
                new DynamoDbObservationStore(DYNALITE.dynalite().client(), table));
        stores.get(0).create(Observation.start("obs-1", "events", SPEC, List.of("webhook"), T0));
        int threads = 4;
        int rounds = 15;
        CyclicBarrier step = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        List<Future<Integer>> wins = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                DynamoDbObservationStore store = stores.get(t % stores.size());
                wins.add(pool.submit(() -> {
                    int won = 0;
                    for (int r = 0; r < rounds; r++) {
                        step.await(30, TimeUnit.SECONDS);
                        // all threads read the same version between two barriers, then race to write
                        Observation current = store.find("obs-1").orElseThrow();
                        step.await(30, TimeUnit.SECONDS);
                        Observation next = current.checked(new Progress(r + 1, 0, r), T0.plusSeconds(r));
                        // each change numbers its event by the version it writes, so every winner adds one entry
                        LifecycleEvent e = event(next, EventType.ACTIVATED);
                        LifecycleEvent numbered = new LifecycleEvent(LifecycleEvent.idOf("obs-1", (int) next.version()),
                                e.type(), e.observationId(), e.datasetId(), (int) next.version(), e.time(), e.tally(),
                                e.checks(), e.reason(), e.startedAt(), e.activatedAt());
                        OutboxEntry entry = OutboxEntry.pending(numbered, "webhook");
                        if (store.compareAndSet(next, List.of(entry))) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            // meanwhile another client keeps claiming and delivering: outbox bookkeeping must not lose entries
            Future<Integer> delivered = pool.submit(() -> {
                int n = 0;
                while (wins.stream().anyMatch(w -> !w.isDone())) {
                    for (OutboxEntry e : stores.get(1).claim(T0.plusSeconds(3600), T0.plusSeconds(7200), 5)) {
                        stores.get(1).delivered(e.key());
                        n++;
                    }
                }
                return n;
            });
            int total = 0;
            for (Future<Integer> f : wins) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            delivered.get(60, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(rounds);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stores.get(1).find("obs-1").orElseThrow().version()).isEqualTo(1 + rounds);
        // one entry per winning change, none lost to the concurrent delivery updates
        assertThat(stores.get(0).entriesOf("obs-1")).hasSize(rounds);
    }

    @Test
    void outboxBookkeepingLeavesTheObservationVersionAlone() {
        DynamoDbObservationStore store = newStore();
        Observation o = Observation.start("obs-1", "events", SPEC, List.of("webhook"), T0);
        store.create(o);
        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        assertThat(store.compareAndSet(active,
                List.of(OutboxEntry.pending(event(active, EventType.ACTIVATED), "webhook")))).isTrue();
        OutboxEntry claimed = store.claim(T0.plusSeconds(60), T0.plusSeconds(120), 10).get(0);
        store.retryLater(claimed.key(), 1, T0.plusSeconds(90), "HTTP 503");
        assertThat(store.find("obs-1")).contains(active);

        Observation done = active.finish(ObservationState.COMPLETE, new Progress(3, 3, 1), T0.plusSeconds(100), "stable");
        assertThat(store.compareAndSet(done,
                List.of(OutboxEntry.pending(event(done, EventType.COMPLETED), "webhook")))).isTrue();
        assertThat(store.entriesOf("obs-1")).extracting(e -> e.event().type(), OutboxEntry::attempts,
                        OutboxEntry::lastError)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.ACTIVATED, 1, "HTTP 503"),
                        org.assertj.core.groups.Tuple.tuple(EventType.COMPLETED, 0, null));
        // the completion's entry is due at its event time, before the retry
        assertThat(store.nextAttemptAt()).contains(T0.plusSeconds(60));
        store.delivered(LifecycleEvent.idOf("obs-1", done.transitions()) + "@webhook");
        assertThat(store.nextAttemptAt()).contains(T0.plusSeconds(90));
        assertThat(store.due(T0.plusSeconds(1_000), 10)).isEmpty();
        assertThat(store.openFor("events")).isEmpty();
    }

    @Test
    void idsAndNamesWithSlashesAndAtSignsFindTheirEntries() {
        DynamoDbObservationStore store = newStore();
        String id = "daily/2024-05-01/7@eu";
        Observation o = Observation.start(id, "events", SPEC, List.of("hook/2@b"), T0);
        store.create(o);
        Observation active = o.activate(T0, T0.plusSeconds(30), 1);
        store.compareAndSet(active, List.of(OutboxEntry.pending(event(active, EventType.ACTIVATED), "hook/2@b")));
        OutboxEntry e = store.claim(T0.plusSeconds(60), T0.plusSeconds(120), 10).get(0);
        assertThat(e.key()).isEqualTo(id + "/1@hook/2@b");
        store.delivered(e.key());
        assertThat(store.entriesOf(id)).extracting(OutboxEntry::status).containsExactly(OutboxEntry.Status.DELIVERED);
    }

    @Test
    void unreadableItemIsAStoreFaultNamingTheObservation() {
        String table = newTable();
        DynamoDbObservationStore store = new DynamoDbObservationStore(DYNALITE.client(), table);
        store.create(Observation.start("obs-1", "events", SPEC, T0));
        DYNALITE.client().updateItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("obs-1")))
                .updateExpression("SET #s = :s").expressionAttributeNames(Map.of("#s", "spec"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("wobbly window=3"))));
        assertThatThrownBy(() -> store.find("obs-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("obs-1")
                .hasMessageContaining("wobbly")
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void missingTableIsAStoreFaultKeepingTheCause() {
        DynamoDbObservationStore store = new DynamoDbObservationStore(DYNALITE.client(), "no-such-table");
        assertThatThrownBy(() -> store.find("obs-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no-such-table")
                .hasCauseInstanceOf(ResourceNotFoundException.class);
    }
}

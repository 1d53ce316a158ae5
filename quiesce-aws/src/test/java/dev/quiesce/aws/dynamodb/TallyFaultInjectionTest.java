package dev.quiesce.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Arrival;
import dev.quiesce.StoreException;
import dev.quiesce.Tally;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.port.TallyStore;
import dev.quiesce.port.TallyStore.Effect;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Fails the k-th DynamoDB request of one recording, for every k across the requests that recording makes,
 * either before it reaches the table (nothing written) or after (written, the answer lost), then redelivers
 * the arrival as SQS would: the tally is exact every time, read before the redelivery (a read folds what a
 * half-done recording left) and after. Then the same with a second invocation racing the failing one.
 */
class TallyFaultInjectionTest {

    private static final SharedDynalite DYNALITE = new SharedDynalite();
    private static final String DS = "events/2024-05-01";
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

    @AfterAll
    @AfterContainer
    static void stopDynalite() {
        DYNALITE.close();
    }

    /** Where the injected fault strikes. */
    enum Strike { BEFORE_SENDING, AFTER_WRITING }

    /** Fails the {@code k}-th request it sees (1-based), once; 0 fails none. Counts every request. */
    static final class FailKth implements ExecutionInterceptor {
        private final AtomicInteger seen = new AtomicInteger();
        private volatile int k;
        private volatile Strike strike = Strike.BEFORE_SENDING;

        void arm(int kth, Strike where) {
            seen.set(0);
            k = kth;
            strike = where;
        }

        int seen() {
            return seen.get();
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            int n = seen.incrementAndGet();
            if (n == k && strike == Strike.BEFORE_SENDING) {
                throw SdkClientException.create("injected: request " + n + " never sent");
            }
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            if (seen.get() == k && strike == Strike.AFTER_WRITING) {
                throw SdkClientException.create("injected: answer to request " + k + " lost");
            }
        }
    }

    /** An arrival to record over a tally that already holds {@code before}. */
    record Scenario(String name, List<Arrival> before, Arrival arrival) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Arrival put(String key, long size, long second, String token) {
        return Arrival.created("landing", key, size, T0.plusSeconds(second), token);
    }

    private static List<Scenario> scenarios() {
        List<Arrival> some = List.of(put("a", 10, 1, "a1"), put("b", 20, 2, "b1"), put("c", 30, 3, "c1"));
        return List.of(
                new Scenario("a new key", some, put("d", 40, 4, "d1")),
                new Scenario("an overwrite", some, put("b", 25, 5, "b2")),
                new Scenario("an older version arriving late", List.of(put("b", 20, 9, "b9")), put("b", 99, 2, "b0")),
                new Scenario("a removal", some, Arrival.removed("landing", "c", T0.plusSeconds(6), "c2")),
                new Scenario("a redelivery", some, put("a", 10, 1, "a1")));
    }

    private static Tally reference(Scenario s, Instant seen) {
        InMemoryTallyStore reference = new InMemoryTallyStore();
        s.before().forEach(a -> reference.record(DS, a, seen));
        reference.record(DS, s.arrival(), seen);
        return reference.tally(DS);
    }

    private record Deployment(TallyStore clean, TallyStore faulty, FailKth fault, MutableClock clock) {
    }

    private static Deployment deploy(String table) {
        DynamoDbTallyStore.createTable(DYNALITE.client(), table);
        MutableClock clock = MutableClock.at(T0.plusSeconds(3600));
        FailKth fault = new FailKth();
        DynamoDbClient faultyClient = DYNALITE.dynalite().client(fault);
        return new Deployment(store(DYNALITE.client(), table, clock), store(faultyClient, table, clock), fault, clock);
    }

    private static TallyStore store(DynamoDbClient client, String table, MutableClock clock) {
        return DynamoDbTallyStore.builder(client, table).shards(2).settle(Duration.ofMinutes(2)).clock(clock).build();
    }

    /** How many requests recording the scenario's arrival makes when nothing fails. */
    private static int requestsOf(Scenario s) {
        Deployment d = deploy(SharedDynalite.newTableName("count"));
        s.before().forEach(a -> d.clean().record(DS, a, d.clock().instant()));
        d.fault().arm(0, Strike.BEFORE_SENDING);
        d.faulty().record(DS, s.arrival(), d.clock().instant());
        return d.fault().seen();
    }

    @Test
    void aFailureAtAnyRequestOfARecordingThenARedeliveryCountsExactlyOnce() {
        int cases = 0;
        for (Scenario s : scenarios()) {
            int requests = requestsOf(s);
            assertThat(requests).as("requests of %s", s).isBetween(1, 6);
            for (Strike strike : Strike.values()) {
                for (int k = 1; k <= requests; k++) {
                    Deployment d = deploy(SharedDynalite.newTableName("fault"));
                    Instant seen = d.clock().instant();
                    s.before().forEach(a -> d.clean().record(DS, a, seen));
                    d.clock().advance(Duration.ofMinutes(3)); // what came before is settled: the next read folds it
                    d.fault().arm(k, strike);
                    int kth = k;
                    assertThatThrownBy(() -> d.faulty().record(DS, s.arrival(), seen))
                            .as("%s, request %d failing %s", s, kth, strike)
                            .isInstanceOf(StoreException.class);
                    // a check between the failure and the redelivery folds whatever the failed recording left
                    d.clock().advance(Duration.ofMinutes(3));
                    Tally between = d.clean().tally(DS);
                    assertThat(between.objects()).isBetween(0L, 4L);

                    Effect redelivered = d.faulty().record(DS, s.arrival(), seen);
                    assertThat(d.clean().tally(DS)).as("%s, request %d failing %s", s, kth, strike)
                            .isEqualTo(reference(s, seen));
                    assertThat(redelivered.counted() || strike == Strike.AFTER_WRITING
                            || s.name().equals("a redelivery")).as("a redelivery of an unwritten arrival counts it")
                            .isTrue();
                    d.clock().advance(Duration.ofHours(1));
                    assertThat(d.clean().tally(DS)).as("folded, %s, request %d failing %s", s, kth, strike)
                            .isEqualTo(reference(s, seen));
                    cases++;
                }
            }
        }
        System.out.printf("tally fault injection: %d failure cases, each exact after redelivery%n", cases);
        assertThat(cases).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aFailingInvocationRacingAnotherOverTheSameArrivalCountsExactlyOnce() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            race(two);
        } finally {
            two.shutdownNow();
        }
    }

    private void race(ExecutorService two) throws Exception {
        for (Scenario s : scenarios()) {
            int requests = requestsOf(s);
            for (Strike strike : Strike.values()) {
                for (int k = 1; k <= requests; k++) {
                    Deployment d = deploy(SharedDynalite.newTableName("race"));
                    Instant seen = d.clock().instant();
                    s.before().forEach(a -> d.clean().record(DS, a, seen));
                    d.clock().advance(Duration.ofMinutes(3));
                    d.fault().arm(k, strike);
                    CyclicBarrier start = new CyclicBarrier(2);
                    CompletableFuture<Object> failing = CompletableFuture.supplyAsync(() -> attempt(start, d.faulty(), s, seen), two);
                    CompletableFuture<Object> other = CompletableFuture.supplyAsync(() -> attempt(start, d.clean(), s, seen), two);
                    List<Object> outcomes = new ArrayList<>(List.of(failing.get(60, TimeUnit.SECONDS),
                            other.get(60, TimeUnit.SECONDS)));
                    assertThat(outcomes).as("the healthy invocation records or finds it recorded")
                            .element(1).isInstanceOf(Effect.class);
                    // both messages come back: the failed one and, to be sure, the one that went through
                    d.faulty().record(DS, s.arrival(), seen);
                    d.clean().record(DS, s.arrival(), seen);
                    assertThat(d.clean().tally(DS)).as("race, %s, request %d failing %s", s, k, strike)
                            .isEqualTo(reference(s, seen));
                    d.clock().advance(Duration.ofHours(1));
                    assertThat(d.clean().tally(DS)).isEqualTo(reference(s, seen));
                }
            }
        }
    }

    private static Object attempt(CyclicBarrier start, TallyStore store, Scenario s, Instant seen) {
        try {
            start.await(30, TimeUnit.SECONDS);
            return store.record(DS, s.arrival(), seen);
        } catch (StoreException e) {
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

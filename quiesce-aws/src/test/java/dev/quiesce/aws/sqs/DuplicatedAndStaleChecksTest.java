package dev.quiesce.aws.sqs;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiesce.Arrival;
import dev.quiesce.Dataset;
import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.ObservationState;
import dev.quiesce.aws.notify.SqsNotifier;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.engine.Backoff;
import dev.quiesce.engine.Monitor;
import dev.quiesce.engine.Observer;
import dev.quiesce.engine.Observer.Outcome;
import dev.quiesce.engine.OutboxRelay;
import dev.quiesce.engine.Router;
import dev.quiesce.memory.InMemoryObservationStore;
import dev.quiesce.memory.InMemoryTallyStore;
import dev.quiesce.policy.PolicySpec;
import dev.quiesce.port.DeadLetters;
import dev.quiesce.port.Notifier;
import dev.quiesce.port.Scheduler;
import dev.quiesce.port.contract.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One completion, never two, never zero: the engine's checks are scheduled through a real SQS queue
 * (ElasticMQ) by {@link SqsScheduler}, every check message is sent twice, a stale one is added, and two
 * consumers race to receive them and run {@link Observer#check(String, Long)}. The completion reaches
 * a recording notifier once and an {@link SqsNotifier} queue once.
 *
 * <p>The engine parts are wired by hand, as {@code Engine} does, because {@code Engine.Builder} has no
 * way to set the scheduler. Time is virtual: a consumer that receives a check moves the clock to the
 * check's due time (the queue held it until then), never back.
 */
class DuplicatedAndStaleChecksTest {

    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final String OBSERVATION = "obs-race";
    private static final String DATASET = "events";

    private static ElasticMq sqs;

    @BeforeAll
    static void startSqs() {
        sqs = ElasticMq.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    @Test
    void duplicatedAndStaleCheckMessagesDoNothingAndTheObservationCompletesOnce() throws Exception {
        MutableClock clock = MutableClock.at(T0);
        String checks = sqs.createQueue("checks-race");
        String completions = sqs.createQueue("completions-race");
        SentRequests sent = new SentRequests();
        SqsClient schedulerClient = sqs.newClient(sent);
        SqsScheduler sqsScheduler = new SqsScheduler(schedulerClient, checks, clock);
        Scheduler everyMessageTwice = (id, version, dueAt) -> {
            sqsScheduler.schedule(id, version, dueAt);
            sqsScheduler.schedule(id, version, dueAt);
        };
        RecordingNotifier recorded = new RecordingNotifier();
        List<Notifier> notifiers = List.of(recorded, new SqsNotifier(sqs.client(), completions));
        InMemoryObservationStore store = new InMemoryObservationStore();
        InMemoryTallyStore tallies = new InMemoryTallyStore();
        Observer observer = new Observer(store, tallies, everyMessageTwice, clock, notifiers);
        OutboxRelay relay = new OutboxRelay(store, notifiers, Backoff.DEFAULT, DeadLetters.none(), clock,
                Duration.ofMinutes(1));
        Monitor monitor = new Monitor(tallies, new Router(List.of(Dataset.of(DATASET, "landing", "events/"))),
                observer);

        observer.start(OBSERVATION, DATASET, PolicySpec.stable(3, ofSeconds(1)));      // version 1, WAITING
        monitor.accept(Arrival.created("landing", "events/part-0000", 10, T0, "seq-1")); // version 2, ACTIVE
        sqsScheduler.schedule(OBSERVATION, 1, T0);                                       // stale: version 1

        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        List<Future<?>> running = List.of(
                consumers.submit(() -> consume(checks, clock, sqsScheduler, observer, relay, outcomes, stop)),
                consumers.submit(() -> consume(checks, clock, sqsScheduler, observer, relay, outcomes, stop)));
        try {
            await().atMost(ofSeconds(30)).until(() -> outcomes.size() >= 7 && drained(checks));
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(10, TimeUnit.SECONDS);   // rethrows what a consumer threw
            }
            consumers.shutdown();
            schedulerClient.close();
        }

        assertThat(store.find(OBSERVATION).orElseThrow().state()).isEqualTo(ObservationState.COMPLETE);
        // 3 checks scheduled, each sent twice, plus the stale one; every one was received and handled
        assertThat(sent.all()).hasSize(7);
        assertThat(outcomes).hasSize(7);
        assertThat(outcomes).filteredOn(o -> o == Outcome.CHECKED).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o == Outcome.FINISHED_NOW).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o != Outcome.CHECKED && o != Outcome.FINISHED_NOW)
                .hasSize(4)
                .allMatch(o -> o == Outcome.NOT_DUE || o == Outcome.LOST_RACE || o == Outcome.FINISHED);
        assertThat(recorded.events).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.COMPLETED))
                .satisfies(e -> assertThat(e.id()).isEqualTo(OBSERVATION + "/2"));
        List<Message> completionMessages = sqs.client().receiveMessage(r -> r.queueUrl(completions)
                .waitTimeSeconds(1).maxNumberOfMessages(10)).messages();
        assertThat(completionMessages).singleElement()
                .satisfies(m -> assertThat(m.body()).contains("\"id\":\"" + OBSERVATION + "/2\"")
                        .contains("\"type\":\"dev.quiesce.observation.completed\""));
    }

    /**
     * One consumer of the check queue, as the Lambda handler would be: parse, send on if early, else
     * check; deliver the outbox; delete the message only when all that returned normally.
     */
    private static Void consume(String queue, MutableClock clock, SqsScheduler scheduler, Observer observer,
                                OutboxRelay relay, List<Outcome> outcomes, AtomicBoolean stop) {
        try (SqsClient client = sqs.newClient()) {
            while (!stop.get()) {
                for (Message m : client.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)
                        .maxNumberOfMessages(1)).messages()) {
                    CheckMessage check = CheckMessage.parse(m.body());
                    advanceTo(clock, check.dueAt());
                    if (!scheduler.resendIfEarly(check)) {
                        outcomes.add(observer.check(check.observationId(), check.version()));
                    }
                    relay.deliverDue();
                    client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                }
            }
        }
        return null;
    }

    /** Moves virtual time forward to {@code t}; never back, whichever consumer gets there first. */
    private static void advanceTo(MutableClock clock, Instant t) {
        synchronized (clock) {
            if (clock.instant().isBefore(t)) {
                clock.set(t);
            }
        }
    }

    /** No check message is waiting, in flight or delayed. */
    private static boolean drained(String queue) {
        Map<QueueAttributeName, String> a = sqs.client().getQueueAttributes(r -> r.queueUrl(queue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().allMatch("0"::equals);
    }

    /** Records what it is given; terminal events only, like every downstream notifier by default. */
    private static final class RecordingNotifier implements Notifier {

        final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void deliver(LifecycleEvent event) {
            events.add(event);
        }
    }
}

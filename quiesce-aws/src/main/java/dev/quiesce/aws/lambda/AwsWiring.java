package dev.quiesce.aws.lambda;

import dev.quiesce.Dataset;
import dev.quiesce.aws.dynamodb.DynamoDbExpectationStore;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.metrics.Metrics;
import dev.quiesce.aws.notify.EventBridgeNotifier;
import dev.quiesce.aws.notify.SnsNotifier;
import dev.quiesce.aws.notify.SqsDeadLetters;
import dev.quiesce.aws.notify.SqsNotifier;
import dev.quiesce.aws.s3.S3EventParser;
import dev.quiesce.aws.sqs.SqsScheduler;
import dev.quiesce.engine.Backoff;
import dev.quiesce.engine.Engine;
import dev.quiesce.notify.WebhookNotifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the engine the Lambda handlers share: DynamoDB stores, the SQS scheduler, the configured
 * notifiers and their dead-letter queue, the poison queue, the metrics and the S3 event parser. Built
 * once per cold start; thread-safe afterwards.
 */
public final class AwsWiring {

    /**
     * The AWS clients, each {@code null} when the configuration does not need it.
     *
     * @param dynamo DynamoDB
     * @param sqs SQS (check queue, poison and dead-letter queues, and the SQS notifier)
     * @param sns SNS notifier's client
     * @param events EventBridge notifier's client
     * @param s3 S3: the monitor reads producers' manifests (and data objects, to count records)
     */
    public record Clients(DynamoDbClient dynamo, SqsClient sqs, SnsClient sns, EventBridgeClient events, S3Client s3) {

        /** Clients without S3, for functions that read no objects. */
        public Clients(DynamoDbClient dynamo, SqsClient sqs, SnsClient sns, EventBridgeClient events) {
            this(dynamo, sqs, sns, events, null);
        }

        /** The longest a DynamoDB call of the functions may take, retries included. */
        public static final Duration DYNAMODB_CALL_LIMIT = Duration.ofSeconds(20);

        /**
         * Clients from the Lambda environment (region and credentials from the default chains), each with
         * the {@link SnapStartPriming#DRY_RUN dry-run} interceptor that priming needs. A DynamoDB call,
         * retries included, is cut off after {@link #DYNAMODB_CALL_LIMIT}: the tally's folding counts on a
         * write committing well within {@link DynamoDbTallyStore#DEFAULT_SETTLE} of its position.
         */
        public static Clients forConfig(AwsConfig config) {
            return new Clients(
                    DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                            .overrideConfiguration(c -> c.addExecutionInterceptor(SnapStartPriming.DRY_RUN)
                                    .apiCallTimeout(DYNAMODB_CALL_LIMIT)).build(),
                    SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                            .overrideConfiguration(c -> c.addExecutionInterceptor(SnapStartPriming.DRY_RUN)).build(),
                    config.snsTopicArn() == null ? null
                            : SnsClient.builder().httpClient(UrlConnectionHttpClient.create())
                                    .overrideConfiguration(c -> c.addExecutionInterceptor(SnapStartPriming.DRY_RUN)).build(),
                    config.eventBus() == null ? null
                            : EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create())
                                    .overrideConfiguration(c -> c.addExecutionInterceptor(SnapStartPriming.DRY_RUN)).build(),
                    S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                            .overrideConfiguration(c -> c.addExecutionInterceptor(SnapStartPriming.DRY_RUN)).build());
        }
    }

    private final AwsConfig config;
    private final Clients clients;
    private final Engine engine;
    private final SqsScheduler scheduler;
    private final S3EventParser parser;
    private final Metrics metrics;
    private final PoisonQueue poisonQueue;
    private final PendingDeliveries pending;
    private final Declarations declarations;
    private final LandedObjects objects;
    private final ArrivalCounter counter;

    private AwsWiring(AwsConfig config, Clients clients, Clock clock, Metrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.scheduler = new SqsScheduler(clients.sqs(), config.checkQueueUrl(), clock);
        this.pending = new PendingDeliveries(clock);
        DynamoDbObservationStore observations = new DynamoDbObservationStore(clients.dynamo(), config.observationTable(),
                config.retention());
        // only one date of a dated prefix is ever finished; an undated dataset's tally is all it holds
        Predicate<String> expiring = id -> config.datasets().stream().anyMatch(d -> d.dated() && id.startsWith(d.id() + "/"));
        Engine.Builder b = Engine.builder()
                .tallies(DynamoDbTallyStore.builder(clients.dynamo(), config.tallyTable()).shards(config.tallyShards())
                        .retention(config.retention(), expiring).clock(clock).build())
                .store(observations)
                .clock(clock)
                .scheduler(new CheckSends(scheduler, metrics))
                .backoff(new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), config.notifyAttempts()))
                .lease(Duration.ofMinutes(2))
                .listener(metrics.listener())
                .listener(pending);
        if (config.expectationTable() != null) {
            b.expectations(new DynamoDbExpectationStore(clients.dynamo(), config.expectationTable(), clock));
        }
        for (Dataset d : config.datasets()) {
            b.dataset(d);
        }
        if (config.autoStart()) {
            b.autoStart(config.policy());
        }
        if (config.snsTopicArn() != null) {
            b.notifier(new SnsNotifier(clients.sns(), config.snsTopicArn(), config.source()));
        }
        if (config.sqsQueueUrl() != null) {
            b.notifier(new SqsNotifier(clients.sqs(), config.sqsQueueUrl(), config.source()));
        }
        if (config.eventBus() != null) {
            b.notifier(new EventBridgeNotifier(clients.events(), config.eventBus(), config.source().toString()));
        }
        if (config.webhookUrl() != null) {
            b.notifier(WebhookNotifier.builder(config.webhookUrl()).secret(config.webhookSecret())
                    .source(config.source()).timeout(Duration.ofSeconds(10)).build());
        }
        if (config.notifyDeadLetterQueueUrl() != null) {
            b.deadLetters(new SqsDeadLetters(clients.sqs(), config.notifyDeadLetterQueueUrl(), config.source()));
        }
        this.engine = b.build();
        this.parser = S3EventParser.create();
        this.poisonQueue = new PoisonQueue(clients.sqs(), config.poisonQueueUrl());
        this.declarations = new Declarations(engine.monitor());
        this.objects = clients.s3() == null ? null : new LandedObjects(clients.s3());
        this.counter = new ArrivalCounter(engine, metrics);
    }

    /** Reads and validates the environment and builds clients from the Lambda runtime's defaults. */
    public static AwsWiring fromEnvironment() {
        AwsConfig config = AwsConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        Metrics metrics = Metrics.toStandardOutput(config.metricsNamespace(), clock);
        return new AwsWiring(config, Clients.forConfig(config), clock, metrics);
    }

    /** Wiring over given clients and clock (tests, other runtimes), its metrics written to standard output. */
    public static AwsWiring of(AwsConfig config, Clients clients, Clock clock) {
        return new AwsWiring(config, clients, clock, Metrics.toStandardOutput(config.metricsNamespace(), clock));
    }

    /** Wiring over given clients, clock and metrics (tests, other runtimes). */
    public static AwsWiring of(AwsConfig config, Clients clients, Clock clock, Metrics metrics) {
        return new AwsWiring(config, clients, clock, metrics);
    }

    public AwsConfig config() {
        return config;
    }

    public Clients clients() {
        return clients;
    }

    public Engine engine() {
        return engine;
    }

    public SqsScheduler scheduler() {
        return scheduler;
    }

    public S3EventParser parser() {
        return parser;
    }

    /** What the handlers publish at the end of each invocation. */
    public Metrics metrics() {
        return metrics;
    }

    PoisonQueue poisonQueue() {
        return poisonQueue;
    }

    /** Delivers the notifications this container wrote or retries, if any are due; the sweep does the rest. */
    int deliverOwn() {
        return pending.deliverIfPending(engine.relay());
    }

    /** Producers' declarations, from manifests or the Declare function. */
    Declarations declarations() {
        return declarations;
    }

    /** A fresh batch for one monitor invocation. */
    LandingBatch landingBatch() {
        if (objects == null && config.countRecords()) {
            throw new IllegalStateException("QUIESCE_COUNT_RECORDS=true needs an S3 client");
        }
        return new LandingBatch(counter, new ManifestObjects(config.datasets(), objects, declarations), objects,
                config.countRecords());
    }
}

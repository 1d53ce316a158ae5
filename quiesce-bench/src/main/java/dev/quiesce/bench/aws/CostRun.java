package dev.quiesce.bench.aws;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.aws.dynamodb.DynamoDbObservationStore;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.aws.lambda.AwsConfig;
import dev.quiesce.aws.lambda.AwsWiring;
import dev.quiesce.aws.lambda.MonitorHandler;
import dev.quiesce.aws.lambda.ObserverHandler;
import dev.quiesce.aws.lambda.SweepHandler;
import dev.quiesce.aws.metrics.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One scenario of {@code AwsCost}: a dataset-day of arrivals through the real Lambda handlers on dynalite
 * and ElasticMQ, on a virtual clock, with every DynamoDB and SQS request metered.
 *
 * <p>What runs, in virtual time:
 * <ul>
 *   <li><b>S3</b> (played by the benchmark): at each object's landing time, one real-format S3 event sent
 *       to the arrival queue ({@code SendMessage}, as S3 does, one record per message).
 *   <li><b>Lambda's SQS poller for the monitor</b> (played by the benchmark, as the template configures it:
 *       {@code BatchSize} and {@code MaximumBatchingWindowInSeconds}): a batch opens at its first message
 *       and is handed over when the window has passed or it is full; the messages are received with
 *       {@code ReceiveMessage} (10 at most per request) and deleted with {@code DeleteMessageBatch}.
 *   <li><b>MonitorFunction</b>: {@link MonitorHandler} on its own wiring (a Lambda function's container).
 *   <li><b>The check queue</b>: the code's {@code SendMessage} with {@code DelaySeconds} goes to ElasticMQ
 *       at once (the meter records the delay); the benchmark receives it, and hands it to
 *       {@link ObserverHandler} (its own wiring) when the delay has passed on the virtual clock, then
 *       deletes it. Real requests, in virtual time.
 *   <li><b>SweepFunction</b>: {@link SweepHandler} every {@code sweepMinutes} while the run is open.
 * </ul>
 * The completion goes to an SQS queue standing in for the SNS topic (same outbox path, one message per
 * event); those sends are counted as SNS publishes.
 */
public final class CostRun {

    /** What a scenario is. */
    public record Scenario(int objects, int shards, Duration active) {
        public String label() {
            return String.format(java.util.Locale.ROOT, "%,d objects in %s h, %d shards", objects,
                    new java.math.BigDecimal(active.toSeconds()).divide(java.math.BigDecimal.valueOf(3600), 2,
                            java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString(), shards);
        }
    }

    /** How the deployment is configured and what is assumed. */
    public record Settings(String policy, int batchSize, int windowSeconds, int checkBatchSize, int sweepMinutes,
                           long gsiEntryOverhead, int sizeCheckEvery, long seed, boolean realPoller,
                           int monitorColdStarts) {
    }

    /** One Lambda function's invocations and the AWS requests its code made in them. */
    public static final class Function {
        long invocations;
        long requests;
        final List<Long> requestsPerInvocation = new ArrayList<>();

        public long invocations() {
            return invocations;
        }

        public long requests() {
            return requests;
        }

        /** Requests made by each invocation, in order. */
        public List<Long> requestsPerInvocation() {
            return requestsPerInvocation;
        }
    }

    /**
     * Units one observer invocation consumed, the AWS requests its code made, and the size of the run's item
     * after it.
     */
    public record CheckCost(Instant at, double rru, double wru, long requests, long runItemBytes) {
    }

    /** The bytes of each attribute of the run's item as the last check before the final arrival left it. */
    private Map<String, Long> runItemLayout = Map.of();

    /** What a scenario measured. */
    public record Result(Scenario scenario, Ledger ledger, Map<String, Function> functions, List<CheckCost> checks,
                         String finalState, long checksMade, long tallyItems, long tallyMaxBytes, long tallyMeanBytes,
                         long observationBytes, long writeChecks, long writeMismatches, Duration wall,
                         Instant firstArrival, Instant lastArrival, Instant finishedAt, Map<String, Long> runItemLayout) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");
    private static final String BUCKET = "quiesce-landing";
    private static final DateTimeFormatter PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Scenario scenario;
    private final Settings settings;
    private final URI dynamoEndpoint;
    private final URI sqsEndpoint;
    private final int number;

    private final Ledger ledger = new Ledger();
    private final DynamoMeter dynamoMeter;
    private final SqsMeter sqsMeter;
    private final VirtualClock clock = new VirtualClock(DAY);
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final List<CheckCost> checks = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long sequence;

    private DynamoDbClient shadow;
    private StandIns standIns;
    private String arrivalQueue;
    private String checkQueue;

    // the monitor's open batch
    private final List<String> batch = new ArrayList<>();
    private long batchGeneration;

    private int pendingArrivals;
    private int coldStarts;
    private Instant lastArrivalAt = Instant.MAX;
    private int pendingChecks;

    /**
     * @param number makes table and queue names unique when several scenarios share the stand-ins
     */
    public CostRun(Scenario scenario, Settings settings, URI dynamoEndpoint, URI sqsEndpoint, int number) {
        this.scenario = scenario;
        this.settings = settings;
        this.dynamoEndpoint = dynamoEndpoint;
        this.sqsEndpoint = sqsEndpoint;
        this.number = number;
        this.dynamoMeter = new DynamoMeter(ledger, settings.gsiEntryOverhead(), settings.sizeCheckEvery());
        this.sqsMeter = new SqsMeter(ledger);
    }

    /** Runs the scenario to the end of its run and returns what was measured. */
    public Result run() {
        long t0 = System.nanoTime();
        String tally = "cost-tally-" + number;
        String observations = "cost-observations-" + number;
        try (DynamoDbClient shadowClient = dynamo();
             DynamoDbClient dynamo = dynamo(dynamoMeter);
             SqsClient plainSqs = sqs();
             SqsClient sqs = sqs(sqsMeter);
             StandIns aws = new StandIns(ledger, settings.realPoller())) {
            this.shadow = shadowClient;
            this.standIns = aws;
            dynamoMeter.shadow(shadowClient);
            DynamoDbTallyStore.createTable(shadowClient, tally);
            DynamoDbObservationStore.createTable(shadowClient, observations);
            dynamoMeter.register(tally, "tally");
            dynamoMeter.register(observations, "observations");
            arrivalQueue = queue(plainSqs, "cost-arrivals-" + number);
            checkQueue = queue(plainSqs, "cost-checks-" + number);
            String notifications = queue(plainSqs, "cost-completions-" + number);
            for (SqsMeter m : List.of(sqsMeter, aws.meter)) {
                m.register(arrivalQueue, "arrival queue", false);
                m.register(checkQueue, "check queue", true);
                m.register(notifications, "completion topic (SNS stand-in)", false);
            }

            Map<String, String> env = new HashMap<>();
            env.put("QUIESCE_TALLY_TABLE", tally);
            env.put("QUIESCE_OBSERVATION_TABLE", observations);
            env.put("QUIESCE_CHECK_QUEUE_URL", checkQueue);
            env.put("QUIESCE_TALLY_SHARDS", Integer.toString(scenario.shards()));
            env.put("QUIESCE_DATASETS", "events=" + BUCKET + "/events/{yyyy}/{MM}/{dd}/");
            env.put("QUIESCE_NOTIFY_SQS_QUEUE_URL", notifications);
            if (settings.policy() != null) {
                env.put("QUIESCE_POLICY", settings.policy());
            }
            env.putIfAbsent("QUIESCE_BUFFER_SECONDS", "60"); // as the template passes FirehoseBufferSeconds
            AwsConfig config = AwsConfig.from(env);
            AwsWiring.Clients clients = new AwsWiring.Clients(dynamo, sqs, null, null);
            // EMF lines cost nothing to bill here and would bury the tables: written nowhere
            java.util.function.Supplier<Metrics> quiet = () -> new Metrics(config.metricsNamespace(), clock, line -> { });
            // each function has its own container, as on Lambda: nothing in memory is shared between them
            java.util.function.Supplier<MonitorHandler> monitors = () -> new MonitorHandler(AwsWiring.of(config, clients,
                    clock, quiet.get()));
            MonitorHandler monitor = monitors.get();
            ObserverHandler observer = new ObserverHandler(AwsWiring.of(config, clients, clock, quiet.get()));
            SweepHandler sweep = new SweepHandler(AwsWiring.of(config, clients, clock, quiet.get()));
            functions.put("monitor", new Function());
            functions.put("observer", new Function());
            functions.put("sweep", new Function());

            Random random = new Random(settings.seed() + number);
            long gap = scenario.active().toNanos() / scenario.objects();
            for (int i = 0; i < scenario.objects(); i++) {
                Instant at = DAY.plusNanos(gap * i + gap / 2);
                push(new Event(at, Event.ARRIVAL, sequence++, s3Event(i, at, random), null));
            }
            pendingArrivals = scenario.objects();
            lastArrivalAt = DAY.plusNanos(gap * (scenario.objects() - 1) + gap / 2);
            push(new Event(DAY.plus(Duration.ofMinutes(settings.sweepMinutes())), Event.SWEEP, sequence++, null, null));
            // a new container for the monitor: nothing it had learnt (which tally shards exist) survives
            for (int c = 1; c <= settings.monitorColdStarts(); c++) {
                push(new Event(DAY.plusNanos(scenario.active().toNanos() / (settings.monitorColdStarts() + 1) * c),
                        Event.COLD_START, sequence++, null, null));
            }

            while (!events.isEmpty()) {
                Event e = events.poll();
                if ((e.kind() == Event.SWEEP || e.kind() == Event.COLD_START) && pendingArrivals == 0 && batch.isEmpty()
                        && pendingChecks == 0) {
                    break; // the run is over: the sweep would only be the deployment's standing cost
                }
                clock.set(e.at());
                switch (e.kind()) {
                    case Event.ARRIVAL -> arrive(e, monitor);
                    case Event.COLD_START -> {
                        monitor = monitors.get();
                        coldStarts++;
                    }
                    case Event.BATCH -> {
                        if (e.generation() == batchGeneration && !batch.isEmpty()) {
                            handOver(monitor);
                        }
                    }
                    case Event.CHECK -> deliverChecks(e.bodies(), observer);
                    case Event.SWEEP -> {
                        invoke("sweep", () -> {
                            try {
                                sweep.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                                        new ByteArrayOutputStream(), null);
                            } catch (IOException ex) {
                                throw new UncheckedIOException(ex);
                            }
                        });
                        push(new Event(e.at().plus(Duration.ofMinutes(settings.sweepMinutes())), Event.SWEEP,
                                sequence++, null, null));
                    }
                    default -> throw new IllegalStateException("event " + e.kind());
                }
                aws.rethrow();
            }
            aws.finish();
            return result(tally, observations, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    // ------------------------------------------------------------------------------------ the arrival path

    private void arrive(Event e, MonitorHandler monitor) {
        standIns.s3Sends(arrivalQueue, e.body());
        pendingArrivals--;
        batch.add(e.body());
        if (batch.size() == 1) {
            push(new Event(e.at().plusSeconds(settings.windowSeconds()), Event.BATCH, sequence++, null, null,
                    batchGeneration));
        }
        if (batch.size() >= settings.batchSize()) {
            handOver(monitor);
        }
    }

    /** The poller hands the open batch to the monitor: receive, invoke, delete. */
    private void handOver(MonitorHandler monitor) {
        List<String> bodies = List.copyOf(batch);
        batch.clear();
        batchGeneration++;
        standIns.pollerTakes(arrivalQueue, bodies);
        SQSBatchResponse r = invoke("monitor", () -> monitor.handleRequest(sqsEvent(bodies), null));
        requireNoFailures("monitor", r);
    }

    // ------------------------------------------------------------------------------------ the check path

    private void deliverChecks(List<String> bodies, ObserverHandler observer) {
        pendingChecks -= bodies.size();
        standIns.pollerTakes(checkQueue, bodies);
        SQSBatchResponse r = invoke("observer", () -> observer.handleRequest(sqsEvent(bodies), null));
        requireNoFailures("observer", r);
    }

    /**
     * Runs one Lambda invocation of {@code function}, metered under its name; afterwards picks up the check
     * messages it sent and schedules them for their virtual delivery time.
     */
    private <T> T invoke(String function, java.util.function.Supplier<T> work) {
        Function f = functions.get(function);
        dynamoMeter.phase(function);
        sqsMeter.phase(function);
        long requests = ledger.awsRequests();
        double rru = ledger.billed(k -> k.kind() == Ledger.Kind.READ);
        double wru = ledger.billed(k -> k.kind() == Ledger.Kind.WRITE);
        T result = work.get();
        long made = ledger.awsRequests() - requests;
        f.invocations++;
        f.requests += made;
        f.requestsPerInvocation.add(made);
        if (function.equals("observer")) {
            if (!clock.instant().isAfter(lastArrivalAt)) {
                Map<String, Long> layout = new java.util.TreeMap<>();
                dynamoMeter.lastItem("observations").forEach((name, v) -> layout.put(name,
                        ItemSize.of(Map.of(name, v))));
                runItemLayout = layout;
            }
            checks.add(new CheckCost(clock.instant(), ledger.billed(k -> k.kind() == Ledger.Kind.READ) - rru,
                    ledger.billed(k -> k.kind() == Ledger.Kind.WRITE) - wru, made,
                    dynamoMeter.lastItemBytes("observations")));
        }
        scheduleSentChecks();
        return result;
    }

    private void invoke(String function, Runnable work) {
        invoke(function, () -> {
            work.run();
            return null;
        });
    }

    /** What the code just sent to the check queue is held until its delay has passed on the virtual clock. */
    private void scheduleSentChecks() {
        List<SqsMeter.Sent> sent = sqsMeter.drainSent();
        if (sent.isEmpty()) {
            return;
        }
        Map<Instant, List<String>> byTime = new java.util.TreeMap<>();
        for (SqsMeter.Sent s : sent) {
            byTime.computeIfAbsent(clock.instant().plusSeconds(s.delaySeconds()), k -> new ArrayList<>()).add(s.body());
        }
        byTime.forEach((at, bodies) -> {
            for (int i = 0; i < bodies.size(); i += settings.checkBatchSize()) {
                List<String> part = List.copyOf(bodies.subList(i, Math.min(bodies.size(), i + settings.checkBatchSize())));
                pendingChecks += part.size();
                push(new Event(at, Event.CHECK, sequence++, null, part));
            }
        });
    }

    private static void requireNoFailures(String function, SQSBatchResponse r) {
        if (r != null && r.getBatchItemFailures() != null && !r.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(function + " reported failed messages " + r.getBatchItemFailures()
                    + ": the measurement would not be what the deployment does");
        }
    }

    private SQSEvent sqsEvent(List<String> bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String body : bodies) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId("m-" + sequence++);
            r.setBody(body);
            r.setEventSource("aws:sqs");
            records.add(r);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(records);
        return e;
    }

    // ------------------------------------------------------------------------------------ the result

    private Result result(String tally, String observations, Duration wall) {
        List<Map<String, AttributeValue>> shards = shadow.scanPaginator(b -> b.tableName(tally)).items().stream().toList();
        long max = 0;
        long sum = 0;
        for (Map<String, AttributeValue> item : shards) {
            long size = ItemSize.of(item);
            max = Math.max(max, size);
            sum += size;
        }
        List<Map<String, AttributeValue>> runs = shadow.scanPaginator(b -> b.tableName(observations)).items().stream()
                .toList();
        if (runs.size() != 1) {
            throw new IllegalStateException("expected one run, found " + runs.size());
        }
        Map<String, AttributeValue> run = runs.get(0);
        String state = run.get("state").s();
        long checksMade = Long.parseLong(run.get("checks").n());
        Instant finished = run.containsKey("finishedAt") ? epoch(run.get("finishedAt").n()) : null;
        long gap = scenario.active().toNanos() / scenario.objects();
        return new Result(scenario, ledger, functions, checks, state, checksMade, shards.size(), max,
                shards.isEmpty() ? 0 : sum / shards.size(), ItemSize.of(run), dynamoMeter.tableWriteChecks(),
                dynamoMeter.tableWriteMismatches(), wall, DAY.plusNanos(gap / 2),
                DAY.plusNanos(gap * (scenario.objects() - 1) + gap / 2), finished, runItemLayout);
    }

    private static Instant epoch(String decimalSeconds) {
        java.math.BigDecimal d = new java.math.BigDecimal(decimalSeconds);
        long s = d.longValue();
        return Instant.ofEpochSecond(s, d.subtract(java.math.BigDecimal.valueOf(s)).movePointRight(9).longValue());
    }

    // ------------------------------------------------------------------------------------ set-up

    /** A real-format S3 event for the i-th object Firehose writes, landing at {@code at}. */
    private static String s3Event(int i, Instant at, Random random) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", "us-east-1");
        r.put("eventTime", ISO.format(at));
        r.put("eventName", "ObjectCreated:Put");
        r.putObject("userIdentity").put("principalId", "AWS:AROAEXAMPLEROLEID01:AWSFirehoseToS3");
        r.putObject("requestParameters").put("sourceIPAddress", "10.0." + random.nextInt(256) + "." + random.nextInt(256));
        ObjectNode response = r.putObject("responseElements");
        response.put("x-amz-request-id", hex(random, 16));
        response.put("x-amz-id-2", hex(random, 76));
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "quiesce-arrivals");
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", BUCKET);
        bucket.putObject("ownerIdentity").put("principalId", "A3NL1KOZZKEXAMPLE");
        bucket.put("arn", "arn:aws:s3:::" + BUCKET);
        ObjectNode object = s3.putObject("object");
        object.put("key", "events/" + PATH.format(at) + "/quiesce-stream-1-" + STAMP.format(at) + "-"
                + new UUID(random.nextLong(), random.nextLong()));
        object.put("size", 1_000_000 + random.nextInt(63_000_000));
        object.put("eTag", hex(random, 32));
        // S3 sequencers: hex, growing with time within a key (here every key is written once)
        object.put("sequencer", String.format("00%016X", 0x66321F7E3B2A0000L + (long) i * 0x1F3L));
        return root.toString();
    }

    private static String hex(Random random, int digits) {
        StringBuilder b = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString().toUpperCase(java.util.Locale.ROOT);
    }

    private static String queue(SqsClient client, String name) {
        // an hour of (real) visibility: a message the benchmark holds for its virtual delay must not come back
        return client.createQueue(b -> b.queueName(name)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3600"))).queueUrl();
    }

    private DynamoDbClient dynamo(software.amazon.awssdk.core.interceptor.ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .endpointOverride(dynamoEndpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private SqsClient sqs(software.amazon.awssdk.core.interceptor.ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors)))
                .endpointOverride(sqsEndpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private void push(Event e) {
        events.add(e);
    }

    /** Something due at a virtual instant; at the same instant checks run before batches, batches before arrivals. */
    private record Event(Instant at, int kind, long seq, String body, List<String> bodies, long generation)
            implements Comparable<Event> {
        static final int CHECK = 0;
        static final int BATCH = 1;
        static final int ARRIVAL = 2;
        static final int SWEEP = 3;
        static final int COLD_START = 4;

        Event(Instant at, int kind, long seq, String body, List<String> bodies) {
            this(at, kind, seq, body, bodies, -1);
        }

        @Override
        public int compareTo(Event o) {
            int c = at.compareTo(o.at);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(kind, o.kind);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * S3 and Lambda's SQS poller. With {@code real}, played against ElasticMQ from a thread of their own (in
     * order), so their requests are real and counted but do not hold up the handlers: S3 sends each event to
     * the arrival queue; the poller takes each batch it hands over with {@code ReceiveMessage} (10 at most per
     * request) and deletes it with {@code DeleteMessageBatch}, on the arrival queue and on the check queue
     * alike. Otherwise the same requests are counted, by the same rules, without being sent (the benchmark
     * runs about a third faster); both give the same counts as long as ElasticMQ answers every receive
     * with the messages waiting, which the real mode shows as {@code ReceiveMessage (empty)} lines if not.
     */
    final class StandIns implements AutoCloseable {
        final SqsMeter meter;
        private final boolean real;
        private final Ledger ledger;
        private final SqsClient client;
        private final java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> {
                    Thread t = new Thread(r, "aws-cost-standins-" + number);
                    t.setDaemon(true);
                    return t;
                });
        private final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        StandIns(Ledger ledger, boolean real) {
            this.ledger = ledger;
            this.real = real;
            this.meter = new SqsMeter(ledger, false);
            this.client = sqs(meter);
        }

        /** S3 sends one event (counted here when not real). */
        void s3Sends(String queue, String body) {
            if (!real) {
                ledger.add(new Ledger.Key("s3", meter.role(queue), "SendMessage", Ledger.Kind.REQUEST), 1, 1,
                        SqsMeter.chunks(SqsMeter.utf8(body)));
                return;
            }
            submit(() -> {
                meter.phase("s3");
                client.sendMessage(b -> b.queueUrl(queue).messageBody(body));
            });
        }

        /** The poller takes a batch: receives of 10 at most, and one DeleteMessageBatch per 10. */
        void pollerTakes(String queue, List<String> bodies) {
            if (!real) {
                for (int i = 0; i < bodies.size(); i += 10) {
                    long bytes = 0;
                    for (String b : bodies.subList(i, Math.min(bodies.size(), i + 10))) {
                        bytes += SqsMeter.utf8(b);
                    }
                    ledger.add(new Ledger.Key("poller", meter.role(queue), "ReceiveMessage", Ledger.Kind.REQUEST), 1,
                            1, SqsMeter.chunks(bytes));
                    ledger.add(new Ledger.Key("poller", meter.role(queue), "DeleteMessageBatch", Ledger.Kind.REQUEST),
                            1, 1, 1);
                }
                return;
            }
            pollerTakes(queue, bodies.size());
        }

        private void pollerTakes(String queue, int count) {
            submit(() -> {
                meter.phase("poller");
                List<Message> got = new ArrayList<>();
                int empty = 0;
                while (got.size() < count) {
                    int want = Math.min(10, count - got.size());
                    int wait = empty == 0 ? 0 : 1;
                    List<Message> ms = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(want)
                            .waitTimeSeconds(wait)).messages();
                    if (ms.isEmpty() && ++empty > 10) {
                        throw new IllegalStateException("expected " + count + " messages on " + queue + ", got "
                                + got.size());
                    }
                    got.addAll(ms);
                }
                for (int i = 0; i < got.size(); i += 10) {
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (Message m : got.subList(i, Math.min(got.size(), i + 10))) {
                        entries.add(DeleteMessageBatchRequestEntry.builder().id("m" + entries.size())
                                .receiptHandle(m.receiptHandle()).build());
                    }
                    client.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries));
                }
            });
        }

        private void submit(Runnable work) {
            thread.execute(() -> {
                if (failure.get() != null) {
                    return;
                }
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }

        void rethrow() {
            RuntimeException e = failure.get();
            if (e != null) {
                throw new IllegalStateException("the S3 / SQS poller stand-in failed", e);
            }
        }

        /** Waits until everything submitted has been sent and received. */
        void finish() {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the S3 / SQS poller stand-in did not finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            rethrow();
        }

        @Override
        public void close() {
            thread.shutdownNow();
            client.close();
        }
    }
}

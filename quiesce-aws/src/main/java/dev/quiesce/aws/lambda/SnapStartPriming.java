package dev.quiesce.aws.lambda;

import dev.quiesce.EventType;
import dev.quiesce.LifecycleEvent;
import dev.quiesce.Tally;
import dev.quiesce.aws.lambda.logging.JsonLogFormat;
import dev.quiesce.aws.sqs.CheckMessage;
import dev.quiesce.notify.StructuredCloudEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Primes a function before Lambda SnapStart takes its snapshot, so the first invocations after a restore
 * do not pay for loading and compiling their hot paths. Registered with CRaC ({@code org.crac}) when the
 * wiring is built at cold start; outside a CRaC runtime it is never called.
 *
 * <p>{@link #beforeCheckpoint} runs, without side effects: parsing sample S3 and EventBridge events and a
 * check message, serialising a CloudEvent, rendering the metrics and a JSON log line without writing them,
 * and building, marshalling and signing the requests the handlers send (DynamoDB GetItem, UpdateItem,
 * PutItem, Query, BatchGetItem; SQS SendMessage; SNS Publish and EventBridge PutEvents when configured).
 * Those requests carry the {@link #DRY_RUN} attribute and the clients' {@link DryRun} interceptor stops them
 * before transmission, so nothing reaches AWS; a client without that interceptor is not primed at all.
 * A priming failure is logged and ignored: it must not fail the snapshot.
 *
 * <p>{@link #afterRestore} forgets any metrics gathered before the snapshot. Nothing else here depends on
 * time or randomness taken at init: clocks are read per use, and no connection is opened by priming.
 */
final class SnapStartPriming implements Resource {

    /** Stops a request marked {@link #MARK} before it is sent; on every client the Lambda wiring builds. */
    static final DryRun DRY_RUN = new DryRun();

    /** Marks a request as a dry run. */
    static final ExecutionAttribute<Boolean> MARK = new ExecutionAttribute<>("quiesce.priming.dryRun");

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    static final String S3_EVENT = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"awsRegion\":\"us-east-1\",\"eventTime\":\"2024-05-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
            + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"priming\"},\"object\":{\"key\":\"events/p.json\","
            + "\"size\":3,\"eTag\":\"e\",\"sequencer\":\"0A1\"}}}]}";
    static final String EVENTBRIDGE_EVENT = "{\"version\":\"0\",\"id\":\"p\",\"detail-type\":\"Object Created\","
            + "\"source\":\"aws.s3\",\"account\":\"1\",\"time\":\"2024-05-01T00:00:00Z\",\"region\":\"us-east-1\","
            + "\"resources\":[],\"detail\":{\"version\":\"0\",\"bucket\":{\"name\":\"priming\"},\"object\":{"
            + "\"key\":\"events/p.json\",\"size\":3,\"etag\":\"e\",\"sequencer\":\"0A1\"},\"request-id\":\"r\","
            + "\"requester\":\"1\",\"reason\":\"PutObject\"}}";
    static final String CHECK = "{\"observationId\":\"priming/2024-05-01\",\"version\":1,\"dueAt\":\"2024-05-01T00:00:30Z\"}";

    private final AwsWiring wiring;

    SnapStartPriming(AwsWiring wiring) {
        this.wiring = wiring;
    }

    /** Registers priming for {@code wiring} with CRaC; the caller keeps the result (CRaC may hold it weakly). */
    static SnapStartPriming register(AwsWiring wiring) {
        SnapStartPriming p = new SnapStartPriming(wiring);
        try {
            Core.getGlobalContext().register(p);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("snapstart.register_failed error=\"{}\"", e.toString());
        }
        return p;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        int sdk = prime();
        LOG.info("snapstart.primed requests={}", sdk);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        wiring.metrics().reset();
        LOG.info("snapstart.restored");
    }

    /** Runs the hot paths without side effects; returns how many SDK requests were primed. */
    int prime() {
        try {
            wiring.parser().parse(S3_EVENT);
            wiring.parser().parse(EVENTBRIDGE_EVENT);
            CheckMessage.parse(CHECK).toJson();
            Instant t = Instant.parse("2024-05-01T00:00:00Z");
            LifecycleEvent e = new LifecycleEvent("priming/2024-05-01/2", EventType.COMPLETED, "priming/2024-05-01",
                    "priming", 2, t, new Tally(1, 3, 0, 1, t, t), 3, "primed", t, t);
            StructuredCloudEvent.serialize(e, wiring.config().source());
            wiring.metrics().peek(Map.of("handler", "priming"));
            JsonLogFormat.format(t, Level.INFO, SnapStartPriming.class.getName(),
                    "snapstart.priming checks=1 reason=\"a quoted value\"", Map.of(), Map.of(), null);
        } catch (RuntimeException | LinkageError ex) {
            LOG.warn("snapstart.priming_failed part=parsing error=\"{}\"", ex.toString());
        }
        return primeSdk();
    }

    private int primeSdk() {
        AwsWiring.Clients c = wiring.clients();
        AwsConfig config = wiring.config();
        int primed = 0;
        AwsRequestOverrideConfiguration dry = AwsRequestOverrideConfiguration.builder().putExecutionAttribute(MARK, true)
                .build();
        if (hasDryRun(c.dynamo())) {
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("priming#0"));
            primed += dryRun(() -> c.dynamo().getItem(b -> b.tableName(config.tallyTable()).key(key)
                    .consistentRead(true).overrideConfiguration(dry)));
            primed += dryRun(() -> c.dynamo().updateItem(b -> b.tableName(config.tallyTable()).key(key)
                    .updateExpression("ADD #n :one").conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(Map.of("#n", "objects"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).overrideConfiguration(dry)));
            primed += dryRun(() -> c.dynamo().putItem(b -> b.tableName(config.observationTable()).item(key)
                    .conditionExpression("attribute_not_exists(pk)").overrideConfiguration(dry)));
            primed += dryRun(() -> c.dynamo().query(b -> b.tableName(config.observationTable()).indexName("due")
                    .keyConditionExpression("#p = :p").expressionAttributeNames(Map.of("#p", "duePart"))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("due"))).limit(1)
                    .overrideConfiguration(dry)));
            primed += dryRun(() -> c.dynamo().batchGetItem(b -> b.requestItems(Map.of(config.tallyTable(),
                    KeysAndAttributes.builder().keys(List.of(key)).consistentRead(true).build()))
                    .overrideConfiguration(dry)));
        }
        if (hasDryRun(c.sqs())) {
            primed += dryRun(() -> c.sqs().sendMessage(b -> b.queueUrl(config.checkQueueUrl()).messageBody(CHECK)
                    .delaySeconds(30).overrideConfiguration(dry)));
        }
        if (c.sns() != null && config.snsTopicArn() != null && hasDryRun(c.sns())) {
            primed += dryRun(() -> c.sns().publish(b -> b.topicArn(config.snsTopicArn()).message("{}")
                    .overrideConfiguration(dry)));
        }
        if (c.events() != null && config.eventBus() != null && hasDryRun(c.events())) {
            primed += dryRun(() -> c.events().putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                    .eventBusName(config.eventBus()).source("dev.quiesce").detailType("priming").detail("{}").build())
                    .overrideConfiguration(dry)));
        }
        return primed;
    }

    /** Whether the client stops dry runs; priming never sends a request through one that does not. */
    static boolean hasDryRun(SdkClient client) {
        return client != null && client.serviceClientConfiguration().overrideConfiguration()
                .executionInterceptors().contains(DRY_RUN);
    }

    /** 1 if the request was stopped before it was sent, as it should be; 0 (logged) if anything else happened. */
    private static int dryRun(Runnable call) {
        try {
            call.run();
            LOG.warn("snapstart.priming_sent reason=\"a dry-run request was not stopped\"");
            return 0;
        } catch (RuntimeException | LinkageError e) {
            // the SDK passes an interceptor's exception on as it is, or wrapped in an SdkClientException
            if (isDryRun(e)) {
                return 1;
            }
            LOG.warn("snapstart.priming_failed part=sdk error=\"{}\"", e.toString());
            return 0;
        }
    }

    private static boolean isDryRun(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DryRun.Stopped) {
                return true;
            }
        }
        return false;
    }

    /** The interceptor that stops a request marked {@link #MARK} after signing, before it is sent. */
    static final class DryRun implements ExecutionInterceptor {

        /** What a stopped request fails with. */
        static final class Stopped extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Stopped() {
                super("dry run: stopped before transmission", null, false, false);
            }
        }

        private DryRun() {
        }

        @Override
        public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                       ExecutionAttributes attributes) {
            if (Boolean.TRUE.equals(attributes.getAttribute(MARK))) {
                throw new Stopped();
            }
        }
    }
}

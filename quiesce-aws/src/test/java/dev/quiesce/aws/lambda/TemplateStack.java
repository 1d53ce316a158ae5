package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quiesce.aws.testing.Dynalite;
import dev.quiesce.aws.testing.ElasticMq;
import dev.quiesce.aws.testing.SnsTopics;
import dev.quiesce.s3.testing.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code template.yaml} deployed onto the local stand-ins as CloudFormation would deploy it: every
 * {@code AWS::DynamoDB::Table} on dynalite and every {@code AWS::SQS::Queue} on ElasticMQ exactly as declared
 * (keys, indexes and projections; visibility timeout, retention, delay, redrive policy), the topics on
 * {@link SnsTopics}, the landing bucket on the S3 stand-in with the bucket's notification configuration
 * (event types and key prefix filters), and each function's handler built from its {@code Environment}
 * (the template's Globals plus its own) with every {@code !Ref}, {@code !GetAtt}, {@code !Sub} and {@code !If}
 * resolved to what was created. Nothing is created from code.
 *
 * <p>{@link #poll} plays Lambda's SQS event source mapping for a function, with the template's batch size
 * and {@code ReportBatchItemFailures}: it receives, invokes the handler, and deletes exactly the messages
 * the handler did not report as failed, so visibility timeouts and redrive happen on ElasticMQ as on SQS.
 * Each function gets its own SDK clients, whose requests are recorded as IAM actions on resource ARNs
 * ({@link #calls}), so a test can hold them against the function's role.
 */
final class TemplateStack {

    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";

    /**
     * One request a function's code made, as IAM sees it.
     *
     * @param context the request's condition keys ({@code s3:prefix} of a listing), for statements with a Condition
     */
    record Call(String action, String resource, Map<String, String> context) {

        Call(String action, String resource) {
            this(action, resource, Map.of());
        }
    }

    /** A function of the template, as deployed. */
    final class Function {
        final String logicalId;
        final Map<String, String> environment;
        final Object handler;
        /** Every request its code made so far, as IAM actions on resources. */
        final List<Call> calls;
        final Map<String, Object> sqsSource;

        Function(String logicalId, Map<String, String> environment, Object handler, List<Call> calls,
                 Map<String, Object> sqsSource) {
            this.logicalId = logicalId;
            this.environment = environment;
            this.handler = handler;
            this.calls = calls;
            this.sqsSource = sqsSource;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final String name;
    private final Map<String, Object> template;
    private final Map<String, Object> resources;
    private final Map<String, String> parameters = new HashMap<>();
    private final Dynalite dynalite;
    private final ElasticMq sqs;
    private final S3Server s3;
    private final SnsTopics sns;
    private final Clock clock;
    /** Ref value and attributes of every resource created so far, by logical id. */
    private final Map<String, Map<String, String>> created = new LinkedHashMap<>();
    private final Map<String, String> queueArnByUrl = new HashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final List<Map<String, String>> bucketNotifications = new ArrayList<>();

    private TemplateStack(String name, Map<String, Object> template, Map<String, String> overrides, Dynalite dynalite,
                          ElasticMq sqs, S3Server s3, SnsTopics sns, Clock clock) {
        this.name = name;
        this.template = template;
        this.dynalite = dynalite;
        this.sqs = sqs;
        this.s3 = s3;
        this.sns = sns;
        this.clock = clock;
        this.resources = map(template.get("Resources"));
        Map<String, Object> declared = map(template.getOrDefault("Parameters", Map.of()));
        for (Map.Entry<String, Object> p : declared.entrySet()) {
            Object dflt = map(p.getValue()).get("Default");
            if (dflt != null) {
                parameters.put(p.getKey(), String.valueOf(dflt));
            }
        }
        for (String key : overrides.keySet()) {
            if (!declared.containsKey(key)) {
                throw new IllegalArgumentException("the template has no parameter " + key);
            }
        }
        parameters.putAll(overrides);
        for (String p : declared.keySet()) {
            if (!parameters.containsKey(p)) {
                throw new IllegalArgumentException("parameter " + p + " has no default: give it");
            }
        }
    }

    /**
     * Deploys the template: every resource the stand-ins can hold, then every function.
     *
     * @param name the stack name (unique per test: resource names derive from it)
     * @param overrides parameter values instead of the defaults
     */
    static TemplateStack deploy(String name, Map<String, String> overrides, Dynalite dynalite, ElasticMq sqs,
                                S3Server s3, SnsTopics sns, Clock clock) {
        Map<String, Object> template;
        try {
            template = SamTemplate.load();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TemplateStack stack = new TemplateStack(name, template, overrides, dynalite, sqs, s3, sns, clock);
        for (String id : stack.resources.keySet()) {
            if (stack.condition(id)) {
                stack.create(id);
            }
        }
        for (String id : stack.resources.keySet()) {
            if ("AWS::Serverless::Function".equals(stack.type(id))) {
                stack.functions.put(id, stack.deployFunction(id));
            }
        }
        return stack;
    }

    // ------------------------------------------------------------------------------------------ what was made

    Function function(String logicalId) {
        Function f = functions.get(logicalId);
        if (f == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in the template");
        }
        return f;
    }

    /** The Ref value of a resource (table name, queue URL, topic ARN, bucket name…). */
    String ref(String logicalId) {
        return create(logicalId).get("Ref");
    }

    String attribute(String logicalId, String attribute) {
        String v = create(logicalId).get(attribute);
        if (v == null) {
            throw new IllegalArgumentException(logicalId + " has no attribute " + attribute + " here");
        }
        return v;
    }

    /** The stack's name; every physical name is {@code <name>-<LogicalId>}. */
    String name() {
        return name;
    }

    String parameter(String name) {
        return parameters.get(name);
    }

    /** The template's resource with every intrinsic in it resolved. */
    Object resolved(String logicalId) {
        return resolve(resources.get(logicalId));
    }

    /** The URL of a queue created by this stack, by its ARN. */
    private String queueUrl(String arn) {
        return queueArnByUrl.entrySet().stream().filter(e -> e.getValue().equals(arn))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue of this stack has the ARN " + arn));
    }

    /** The ARN of a queue created by this stack, by its URL. */
    String queueArn(String url) {
        return queueArnByUrl.get(url);
    }

    // ------------------------------------------------------------------------------------------ S3 and Lambda

    /**
     * What S3 does with an event of the landing bucket: sends it to every queue whose notification's event type
     * and key prefix match, as the bucket's {@code NotificationConfiguration} says. Events of other buckets are
     * not this stack's.
     *
     * @return how many queues it was sent to
     */
    int s3Event(String eventJson) {
        JsonNode record;
        try {
            record = JSON.readTree(eventJson).path("Records").path(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String bucket = record.path("s3").path("bucket").path("name").asText();
        String key = java.net.URLDecoder.decode(record.path("s3").path("object").path("key").asText(),
                java.nio.charset.StandardCharsets.UTF_8);
        String event = "s3:" + record.path("eventName").asText();
        int sent = 0;
        for (Map<String, String> n : bucketNotifications) {
            if (n.get("bucket").equals(bucket) && matches(n.get("event"), event) && key.startsWith(n.get("prefix"))) {
                sqs.client().sendMessage(m -> m.queueUrl(n.get("queue")).messageBody(eventJson));
                sent++;
            }
        }
        return sent;
    }

    private static boolean matches(String pattern, String event) {
        return pattern.endsWith("*") ? event.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(event);
    }

    /**
     * One poll of a function's SQS event source: receives up to its batch size (ElasticMQ gives at most 10 per
     * receive, so several receives make a batch, as Lambda's poller does), invokes the handler, and deletes the
     * messages it did not report as failures. {@code invocations} &gt; 1 hands the same batch to that many
     * concurrent invocations (a duplicated delivery), each of which must succeed.
     *
     * @return the messages handed over
     */
    int poll(String functionId, int waitSeconds, int invocations) {
        Function f = function(functionId);
        Map<String, Object> source = f.sqsSource;
        if (source == null) {
            throw new IllegalArgumentException(functionId + " has no SQS event source");
        }
        String queueArn = (String) source.get("Queue");
        String queueUrl = queueUrl(queueArn);
        int batchSize = ((Number) source.getOrDefault("BatchSize", 10)).intValue();
        boolean partial = String.valueOf(source.get("FunctionResponseTypes")).contains("ReportBatchItemFailures");
        List<Message> messages = new ArrayList<>();
        while (messages.size() < batchSize) {
            int wait = messages.isEmpty() ? waitSeconds : 0;
            List<Message> got = sqs.client().receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, batchSize - messages.size())).waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            if (got.isEmpty()) {
                break;
            }
            messages.addAll(got);
        }
        if (messages.isEmpty()) {
            return 0;
        }
        SQSEvent event = sqsEvent(messages, queueArn);
        Set<String> failed = new java.util.HashSet<>();
        List<Thread> others = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 1; i < invocations; i++) {
            Thread t = new Thread(() -> {
                try {
                    invoke(f, event);
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            others.add(t);
        }
        SQSBatchResponse response;
        try {
            response = invoke(f, event);
        } catch (RuntimeException e) {
            return messages.size(); // the whole batch comes back after its visibility timeout, as on Lambda
        }
        for (Thread t : others) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("a duplicate invocation failed", errors.get(0));
        }
        if (partial) {
            response.getBatchItemFailures().forEach(b -> failed.add(b.getItemIdentifier()));
        } else if (!response.getBatchItemFailures().isEmpty()) {
            return messages.size();
        }
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                sqs.client().deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return messages.size();
    }

    /** Invokes a function whose handler reads a stream (the sweep) with {@code input}; returns its output. */
    String invoke(String functionId, String input) {
        Object h = function(functionId).handler;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            ((com.amazonaws.services.lambda.runtime.RequestStreamHandler) h).handleRequest(
                    new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static SQSBatchResponse invoke(Function f, SQSEvent event) {
        @SuppressWarnings("unchecked")
        com.amazonaws.services.lambda.runtime.RequestHandler<SQSEvent, SQSBatchResponse> h =
                (com.amazonaws.services.lambda.runtime.RequestHandler<SQSEvent, SQSBatchResponse>) f.handler;
        return h.handleRequest(event, null);
    }

    private static SQSEvent sqsEvent(List<Message> messages, String queueArn) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setAttributes(m.attributes().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue)));
            Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> {
                SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                a.setDataType(v.dataType());
                a.setStringValue(v.stringValue());
                attributes.put(k, a);
            });
            r.setMessageAttributes(attributes);
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion(REGION);
            records.add(r);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(records);
        return e;
    }

    // ------------------------------------------------------------------------------------------ creating

    private boolean condition(String logicalId) {
        Object c = map(resources.get(logicalId)).get("Condition");
        return c == null || evaluateCondition((String) c);
    }

    private boolean evaluateCondition(String conditionName) {
        Object c = map(template.get("Conditions")).get(conditionName);
        return Boolean.parseBoolean(String.valueOf(resolve(c)));
    }

    private String type(String logicalId) {
        return (String) map(resources.get(logicalId)).get("Type");
    }

    private Map<String, String> create(String logicalId) {
        Map<String, String> done = created.get(logicalId);
        if (done != null) {
            return done;
        }
        if (!resources.containsKey(logicalId)) {
            throw new IllegalArgumentException("no resource " + logicalId + " in the template");
        }
        String physical = name + "-" + logicalId;
        Map<String, Object> props = map(map(resources.get(logicalId)).getOrDefault("Properties", Map.of()));
        Map<String, String> out = new HashMap<>();
        switch (type(logicalId)) {
            case "AWS::DynamoDB::Table": {
                DynamoDbClient client = dynalite.client();
                client.createTable(createTableRequest(props, physical));
                client.waiter().waitUntilTableExists(r -> r.tableName(physical));
                out.put("Ref", physical);
                out.put("Arn", "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + physical);
                break;
            }
            case "AWS::SQS::Queue": {
                Map<String, String> attributes = queueAttributes(logicalId, props);
                String url = sqs.client().createQueue(q -> q.queueName(physical).attributesWithStrings(attributes)).queueUrl();
                String arn = sqs.client().getQueueAttributes(a -> a.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                queueArnByUrl.put(url, arn);
                out.put("Ref", url);
                out.put("Arn", arn);
                out.put("QueueName", physical);
                out.put("QueueUrl", url);
                break;
            }
            case "AWS::SNS::Topic": {
                String arn = "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + physical;
                out.put("Ref", arn);
                out.put("TopicArn", arn);
                out.put("TopicName", physical);
                break;
            }
            case "AWS::S3::Bucket": {
                String bucket = (String) resolve(props.get("BucketName"));
                s3.client().createBucket(b -> b.bucket(bucket));
                out.put("Ref", bucket);
                out.put("Arn", "arn:aws:s3:::" + bucket);
                created.put(logicalId, out); // the notifications refer to queues, not back to the bucket
                for (Object q : list(map(props.get("NotificationConfiguration")).getOrDefault("QueueConfigurations", List.of()))) {
                    Map<String, Object> qc = map(resolve(q));
                    String prefix = "";
                    for (Object rule : list(map(map(map(qc.get("Filter")).get("S3Key"))).get("Rules"))) {
                        if ("prefix".equals(map(rule).get("Name"))) {
                            prefix = (String) map(rule).get("Value");
                        }
                    }
                    String queueArn = (String) qc.get("Queue");
                    String url = queueUrl(queueArn);
                    bucketNotifications.add(Map.of("bucket", bucket, "event", (String) qc.get("Event"), "prefix", prefix,
                            "queue", url));
                }
                break;
            }
            case "AWS::Serverless::Function":
                out.put("Ref", physical);
                out.put("Arn", "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + physical);
                break;
            case "AWS::Logs::LogGroup": {
                String groupName = (String) resolve(props.get("LogGroupName"));
                out.put("Ref", groupName);
                out.put("Arn", "arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:" + groupName + ":*");
                break;
            }
            case "AWS::IAM::Role":
                out.put("Ref", physical);
                out.put("Arn", "arn:aws:iam::" + ACCOUNT + ":role/" + physical);
                break;
            case "AWS::IAM::ManagedPolicy":
                out.put("Ref", "arn:aws:iam::" + ACCOUNT + ":policy/" + physical);
                break;
            default:
                // resources the stand-ins have no part in (Firehose, alarms, a dashboard): a name to refer to
                out.put("Ref", physical);
        }
        created.put(logicalId, out);
        return out;
    }

    /** The table a template resource declares, as CloudFormation creates it, under {@code tableName}. */
    static CreateTableRequest createTableRequest(Map<String, Object> props, String tableName) {
        CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.fromValue((String) props.get("BillingMode")))
                .attributeDefinitions(list(props.get("AttributeDefinitions")).stream().map(TemplateStack::map)
                        .map(a -> AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                                .attributeType((String) a.get("AttributeType")).build()).toList())
                .keySchema(keys(props.get("KeySchema")));
        Object indexes = props.get("GlobalSecondaryIndexes");
        if (indexes != null) {
            List<GlobalSecondaryIndex> gsis = new ArrayList<>();
            for (Object o : list(indexes)) {
                Map<String, Object> i = map(o);
                Map<String, Object> projection = map(i.get("Projection"));
                @SuppressWarnings("unchecked")
                List<String> nonKey = (List<String>) projection.get("NonKeyAttributes");
                gsis.add(GlobalSecondaryIndex.builder().indexName((String) i.get("IndexName"))
                        .keySchema(keys(i.get("KeySchema")))
                        .projection(Projection.builder().projectionType((String) projection.get("ProjectionType"))
                                .nonKeyAttributes(nonKey).build())
                        .build());
            }
            b.globalSecondaryIndexes(gsis);
        }
        Object locals = props.get("LocalSecondaryIndexes");
        if (locals != null) {
            b.localSecondaryIndexes(list(locals).stream().map(TemplateStack::map).map(i -> {
                Map<String, Object> projection = map(i.get("Projection"));
                @SuppressWarnings("unchecked")
                List<String> nonKey = (List<String>) projection.get("NonKeyAttributes");
                return LocalSecondaryIndex.builder().indexName((String) i.get("IndexName"))
                        .keySchema(keys(i.get("KeySchema")))
                        .projection(Projection.builder().projectionType((String) projection.get("ProjectionType"))
                                .nonKeyAttributes(nonKey).build())
                        .build();
            }).toList());
        }
        return b.build();
    }

    private static List<KeySchemaElement> keys(Object schema) {
        return list(schema).stream().map(TemplateStack::map).map(k -> KeySchemaElement.builder()
                .attributeName((String) k.get("AttributeName")).keyType((String) k.get("KeyType")).build()).toList();
    }

    /** A queue's attributes from its properties; a property this harness cannot reproduce fails the deploy. */
    private Map<String, String> queueAttributes(String logicalId, Map<String, Object> props) {
        Map<String, String> attributes = new HashMap<>();
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Object v = resolve(p.getValue());
            switch (p.getKey()) {
                case "VisibilityTimeout":
                case "MessageRetentionPeriod":
                case "DelaySeconds":
                case "ReceiveMessageWaitTimeSeconds":
                case "MaximumMessageSize":
                    attributes.put(p.getKey(), String.valueOf(v));
                    break;
                case "RedrivePolicy":
                    try {
                        attributes.put("RedrivePolicy", JSON.writeValueAsString(v));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    break;
                case "SqsManagedSseEnabled":
                    break; // encryption at rest: nothing a queue's behaviour depends on
                default:
                    throw new IllegalStateException(logicalId + " declares " + p.getKey()
                            + ", which TemplateStack does not create yet: teach it, so the test runs what is declared");
            }
        }
        return attributes;
    }

    /** A function: its environment resolved, its own recorded clients, and its handler built over them. */
    private Function deployFunction(String logicalId) {
        Map<String, Object> props = map(map(resources.get(logicalId)).get("Properties"));
        Map<String, Object> globals = map(map(map(template.getOrDefault("Globals", Map.of())).getOrDefault("Function", Map.of())));
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map<String, Object> source : List.of(globals, props)) {
            Map<String, Object> vars = map(map(source.getOrDefault("Environment", Map.of())).getOrDefault("Variables", Map.of()));
            vars.forEach((k, v) -> {
                Object value = resolve(v);
                if (value != NO_VALUE) {
                    environment.put(k, String.valueOf(value));
                }
            });
        }
        Map<String, Object> sqsSource = null;
        for (Object e : map(props.getOrDefault("Events", Map.of())).values()) {
            if ("SQS".equals(map(e).get("Type"))) {
                sqsSource = map(resolve(map(e).get("Properties")));
            }
        }
        List<Call> calls = new CopyOnWriteArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
                String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                calls.addAll(iamCalls(service, operation, context.request()));
            }
        };
        AwsWiring.Clients clients = new AwsWiring.Clients(dynalite.client(recorder), sqs.newClient(recorder),
                sns.newClient(recorder), null, s3Client(recorder));
        AwsWiring wiring = AwsWiring.of(AwsConfig.from(environment), clients, clock);
        String handlerName = ((String) props.get("Handler")).split("::")[0];
        Object handler;
        try {
            Class<?> type = Class.forName(handlerName);
            // a handler that keeps time of its own (the start handler) takes the stack's clock too
            // one that lists the bucket (the backfill) takes an S3 client of its own, recorded like the others
            handler = hasConstructor(type, AwsWiring.class, Clock.class)
                    ? type.getConstructor(AwsWiring.class, Clock.class).newInstance(wiring, clock)
                    : hasConstructor(type, AwsWiring.class, S3Client.class)
                    ? type.getConstructor(AwsWiring.class, S3Client.class).newInstance(wiring, s3Client(recorder))
                    : type.getConstructor(AwsWiring.class).newInstance(wiring);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + handlerName + " over its wiring", e);
        }
        return new Function(logicalId, environment, handler, calls, sqsSource);
    }

    /** A client of the S3 stand-in whose requests {@code recorder} sees. */
    private S3Client s3Client(ExecutionInterceptor recorder) {
        return S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.of(REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3Server.CREDENTIAL,
                                S3Server.CREDENTIAL)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(recorder)).build();
    }

    private static boolean hasConstructor(Class<?> type, Class<?>... parameters) {
        try {
            type.getConstructor(parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The IAM action and resource ARN(s) of an SDK request. */
    private List<Call> iamCalls(String service, String operation, Object request) {
        List<Call> out = new ArrayList<>();
        switch (service.toLowerCase(java.util.Locale.ROOT)) {
            case "dynamodb": {
                String action = "dynamodb:" + operation;
                if (request instanceof BatchGetItemRequest) {
                    ((BatchGetItemRequest) request).requestItems().keySet().forEach(t -> out.add(new Call(action, tableArn(t))));
                } else if (request instanceof QueryRequest && ((QueryRequest) request).indexName() != null) {
                    QueryRequest q = (QueryRequest) request;
                    out.add(new Call(action, tableArn(q.tableName()) + "/index/" + q.indexName()));
                } else {
                    String table = (String) ((software.amazon.awssdk.core.SdkRequest) request).getValueForField("TableName", String.class)
                            .orElse("?");
                    out.add(new Call(action, tableArn(table)));
                }
                break;
            }
            case "sqs": {
                String url = ((software.amazon.awssdk.core.SdkRequest) request).getValueForField("QueueUrl", String.class).orElse("?");
                out.add(new Call("sqs:" + operation, queueArnByUrl.getOrDefault(url, url)));
                break;
            }
            case "sns":
                out.add(new Call("sns:" + operation, request instanceof PublishRequest ? ((PublishRequest) request).topicArn() : "?"));
                break;
            case "s3": {
                if (request instanceof ListObjectsV2Request) {
                    ListObjectsV2Request l = (ListObjectsV2Request) request;
                    out.add(new Call("s3:ListBucket", "arn:aws:s3:::" + l.bucket(),
                            Map.of("s3:prefix", l.prefix() == null ? "" : l.prefix())));
                    break;
                }
                software.amazon.awssdk.core.SdkRequest r = (software.amazon.awssdk.core.SdkRequest) request;
                String bucket = r.getValueForField("Bucket", String.class).orElse("?");
                String key = r.getValueForField("Key", String.class).orElse(null);
                out.add(new Call("s3:" + operation, "arn:aws:s3:::" + bucket + (key == null ? "" : "/" + key)));
                break;
            }
            default:
                out.add(new Call(service + ":" + operation, "?"));
        }
        return out;
    }

    private static String tableArn(String table) {
        return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + table;
    }

    // ------------------------------------------------------------------------------------------ intrinsics

    /** What {@code !Ref AWS::NoValue} resolves to: the property is left out. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /** The node with every intrinsic replaced by its value, as CloudFormation resolves it here. */
    Object resolve(Object node) {
        if (node instanceof SamTemplate.Intrinsic) {
            return intrinsic((SamTemplate.Intrinsic) node);
        }
        if (node instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                Object v = resolve(e.getValue());
                if (v != NO_VALUE) {
                    out.put(String.valueOf(e.getKey()), v);
                }
            }
            return out;
        }
        if (node instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) node) {
                Object v = resolve(o);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }

    private Object intrinsic(SamTemplate.Intrinsic i) {
        Object arg = i.argument();
        switch (i.function()) {
            case "Ref":
                return refValue((String) arg);
            case "GetAtt": {
                String[] parts = arg instanceof List ? new String[] {(String) list(arg).get(0), (String) list(arg).get(1)}
                        : ((String) arg).split("\\.", 2);
                return attribute(parts[0], parts[1]);
            }
            case "Sub": {
                String text = arg instanceof List ? (String) list(arg).get(0) : (String) arg;
                Map<String, Object> local = arg instanceof List ? map(resolve(list(arg).get(1))) : Map.of();
                Matcher m = SUB_VAR.matcher(text);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String var = m.group(1);
                    String value;
                    if (local.containsKey(var)) {
                        value = String.valueOf(local.get(var));
                    } else if (var.contains(".") && !var.startsWith("AWS::")) {
                        String[] parts = var.split("\\.", 2);
                        value = attribute(parts[0], parts[1]);
                    } else {
                        value = String.valueOf(refValue(var));
                    }
                    m.appendReplacement(sb, Matcher.quoteReplacement(value));
                }
                m.appendTail(sb);
                return sb.toString();
            }
            case "If": {
                List<?> a = list(arg);
                return evaluateCondition((String) a.get(0)) ? resolve(a.get(1)) : resolve(a.get(2));
            }
            case "Not":
                return !Boolean.parseBoolean(String.valueOf(resolve(list(arg).get(0))));
            case "Equals":
                return String.valueOf(resolve(list(arg).get(0))).equals(String.valueOf(resolve(list(arg).get(1))));
            case "Join": {
                List<?> a = list(arg);
                return list(resolve(a.get(1))).stream().map(String::valueOf).collect(Collectors.joining((String) a.get(0)));
            }
            default:
                throw new IllegalStateException("TemplateStack does not resolve !" + i.function() + " yet");
        }
    }

    private Object refValue(String name) {
        switch (name) {
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::Region":
                return REGION;
            case "AWS::StackName":
                return this.name;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + this.name
                        + "/00000000-0000-4000-8000-000000000000";
            case "AWS::Partition":
                return "aws";
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                if (parameters.containsKey(name)) {
                    return parameters.get(name);
                }
                return ref(name);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    static List<?> list(Object o) {
        return o == null ? List.of() : o instanceof List ? (List<?>) o : List.of(o);
    }
}

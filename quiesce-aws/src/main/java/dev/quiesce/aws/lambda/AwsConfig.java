package dev.quiesce.aws.lambda;

import dev.quiesce.Dataset;
import dev.quiesce.aws.dynamodb.DynamoDbTallyStore;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.PolicySpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Lambda functions' configuration, read from environment variables and validated once at cold
 * start, so a misconfigured function fails at its first invocation with every problem named.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>QUIESCE_TALLY_TABLE</td><td>required</td><td>DynamoDB table of tallies</td></tr>
 *   <tr><td>QUIESCE_OBSERVATION_TABLE</td><td>required</td><td>DynamoDB table of observations and their outbox</td></tr>
 *   <tr><td>QUIESCE_CHECK_QUEUE_URL</td><td>required</td><td>SQS queue of delayed check messages</td></tr>
 *   <tr><td>QUIESCE_TALLY_SHARDS</td><td>4</td><td>partition key values per dataset tally (about 500 new objects a second each)</td></tr>
 *   <tr><td>QUIESCE_DATASETS</td><td>none</td><td>{@code name=bucket/prefix[,bucket/prefix];...}, or
 *       {@code name=prefix[,prefix];...} when QUIESCE_DATASET_BUCKET names the bucket</td></tr>
 *   <tr><td>QUIESCE_DATASET_BUCKET</td><td>none</td><td>the bucket of every dataset in QUIESCE_DATASETS</td></tr>
 *   <tr><td>QUIESCE_POLICY</td><td>{@code stable window=3 delay=constant:30s}</td><td>policy spec</td></tr>
 *   <tr><td>QUIESCE_AUTO_START</td><td>true</td><td>start a run at a dataset's first arrival of a day</td></tr>
 *   <tr><td>QUIESCE_NOTIFY_SNS_TOPIC_ARN, QUIESCE_NOTIFY_SQS_QUEUE_URL, QUIESCE_NOTIFY_EVENTBRIDGE_BUS,
 *       QUIESCE_NOTIFY_WEBHOOK_URL (+ QUIESCE_WEBHOOK_SECRET)</td><td>none</td><td>where events go</td></tr>
 *   <tr><td>QUIESCE_NOTIFY_ATTEMPTS</td><td>6</td><td>delivery attempts before an event is dead</td></tr>
 *   <tr><td>QUIESCE_CLOUDEVENT_SOURCE</td><td>urn:quiesce</td><td>CloudEvents {@code source}</td></tr>
 *   <tr><td>QUIESCE_POISON_QUEUE_URL</td><td>none</td><td>SQS queue a message that can never succeed (malformed,
 *       unknown, oversized) is sent to at once; without it such a message is retried until the source queue's
 *       redrive policy moves it</td></tr>
 *   <tr><td>QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL</td><td>none</td><td>SQS queue a notification lands on after its
 *       last failed attempt</td></tr>
 *   <tr><td>QUIESCE_METRICS_NAMESPACE</td><td>quiesce</td><td>CloudWatch namespace of the embedded-format
 *       metrics</td></tr>
 *   <tr><td>QUIESCE_RETENTION_DAYS</td><td>90</td><td>days stored items are kept, 1 to 3650; 0 keeps them
 *       forever</td></tr>
 *   <tr><td>QUIESCE_BUFFER_SECONDS</td><td>none</td><td>the stream's buffer interval, 0 to 900 (0: unknown); given
 *       to the policy as {@code buffer=} unless its spec has one</td></tr>
 *   <tr><td>QUIESCE_EXPECTATION_TABLE</td><td>none</td><td>DynamoDB table of producers' declarations; required by
 *       the expected policy</td></tr>
 *   <tr><td>QUIESCE_COUNT_RECORDS</td><td>false</td><td>the monitor reads each data object (GetObject) to count its
 *       newline-delimited records, gzip recognised; required by {@code expected unit=records}, refused otherwise
 *       reads nothing</td></tr>
 * </table>
 *
 * @param tallyTable DynamoDB tally table
 * @param observationTable DynamoDB observation table
 * @param checkQueueUrl SQS check queue
 * @param tallyShards shards per dataset tally
 * @param datasets configured datasets (arrivals elsewhere count under their bucket)
 * @param policy policy of started observations
 * @param autoStart whether a dataset's first arrival starts a run
 * @param snsTopicArn SNS notification topic, or {@code null}
 * @param sqsQueueUrl SQS notification queue, or {@code null}
 * @param eventBus EventBridge bus, or {@code null}
 * @param webhookUrl webhook URL, or {@code null}
 * @param webhookSecret webhook HMAC secret, or {@code null}
 * @param notifyAttempts delivery attempts
 * @param source CloudEvents source
 * @param poisonQueueUrl SQS queue for messages that can never succeed, or {@code null}
 * @param notifyDeadLetterQueueUrl SQS queue for notifications that exhausted their attempts, or {@code null}
 * @param metricsNamespace CloudWatch namespace of the metrics
 * @param retention how long stored items are kept, or {@code null} to keep them forever
 * @param bufferSeconds the stream's buffer interval in seconds, 0 when unknown
 * @param expectationTable DynamoDB table of producers' declarations, or {@code null}
 * @param countRecords whether the monitor reads data objects to count their records
 */
public record AwsConfig(
        String tallyTable,
        String observationTable,
        String checkQueueUrl,
        int tallyShards,
        List<Dataset> datasets,
        PolicySpec policy,
        boolean autoStart,
        String snsTopicArn,
        String sqsQueueUrl,
        String eventBus,
        URI webhookUrl,
        String webhookSecret,
        int notifyAttempts,
        URI source,
        String poisonQueueUrl,
        String notifyDeadLetterQueueUrl,
        String metricsNamespace,
        Duration retention,
        int bufferSeconds,
        String expectationTable,
        boolean countRecords) {

    /** Days stored items are kept unless QUIESCE_RETENTION_DAYS says otherwise. */
    public static final int DEFAULT_RETENTION_DAYS = 90;
    /** The CloudWatch namespace unless QUIESCE_METRICS_NAMESPACE says otherwise. */
    public static final String DEFAULT_METRICS_NAMESPACE = "quiesce";

    public AwsConfig {
        Objects.requireNonNull(tallyTable, "tallyTable");
        Objects.requireNonNull(observationTable, "observationTable");
        Objects.requireNonNull(checkQueueUrl, "checkQueueUrl");
        datasets = List.copyOf(datasets);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metricsNamespace, "metricsNamespace");
        if (bufferSeconds < 0) {
            throw new IllegalArgumentException("bufferSeconds must be >= 0, was " + bufferSeconds);
        }
    }

    /** Reads the process environment. */
    public static AwsConfig fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Reads and validates a configuration from variables.
     *
     * @throws InvalidConfigurationException naming every missing or invalid variable
     */
    public static AwsConfig from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String tally = required(env, "QUIESCE_TALLY_TABLE", problems);
        String observations = required(env, "QUIESCE_OBSERVATION_TABLE", problems);
        String queue = required(env, "QUIESCE_CHECK_QUEUE_URL", problems);
        int shards = intVar(env, "QUIESCE_TALLY_SHARDS", DynamoDbTallyStore.DEFAULT_SHARDS, 1, DynamoDbTallyStore.MAX_SHARDS, problems);
        int attempts = intVar(env, "QUIESCE_NOTIFY_ATTEMPTS", 6, 1, 100, problems);
        List<Dataset> datasets = List.of();
        try {
            datasets = parseDatasets(env.getOrDefault("QUIESCE_DATASETS", ""),
                    blankToNull(env.get("QUIESCE_DATASET_BUCKET")));
        } catch (InvalidConfigurationException e) {
            problems.add("QUIESCE_DATASETS: " + e.getMessage());
        }
        PolicySpec policy = PolicySpec.defaults();
        String policyText = blankToNull(env.get("QUIESCE_POLICY"));
        boolean policyRead = true;
        if (policyText != null) {
            try {
                policy = PolicySpec.parse(policyText);
                if (policy.policy().needsExpectations() && blankToNull(env.get("QUIESCE_EXPECTATION_TABLE")) == null) {
                    // declarations would live in one container's memory: wrong, so refuse without their table
                    problems.add("QUIESCE_POLICY: the expected policy needs QUIESCE_EXPECTATION_TABLE, the DynamoDB"
                            + " table of producers' declarations (the template's DeclarationTable)");
                }
            } catch (InvalidConfigurationException e) {
                problems.add("QUIESCE_POLICY: " + e.getMessage());
                policyRead = false;
            }
        }
        int buffer = intVar(env, "QUIESCE_BUFFER_SECONDS", 0, 0, 900, problems);
        if (policyRead && buffer > 0 && policy.guards().buffer() == null) {
            // Guards refuses a zero buffer: 0 means the interval is unknown, so nothing is passed on
            try {
                policy = new PolicySpec(policy.policy(), policy.guards().withBuffer(Duration.ofSeconds(buffer)));
            } catch (InvalidConfigurationException e) {
                problems.add("QUIESCE_POLICY" + (policyText == null ? " (default '" + policy.text() + "')" : "")
                        + " with QUIESCE_BUFFER_SECONDS=" + buffer + ": " + e.getMessage());
            }
        }
        int retentionDays = intVar(env, "QUIESCE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 0, 3650, problems);
        String namespace = blankToNull(env.get("QUIESCE_METRICS_NAMESPACE"));
        if (namespace != null && !validNamespace(namespace.trim())) {
            problems.add("QUIESCE_METRICS_NAMESPACE must be 1 to 255 characters of letters, digits and . - _ / # : "
                    + "and must not start with 'AWS/', was '" + namespace + "'");
        }
        String poison = queueUrl(env, "QUIESCE_POISON_QUEUE_URL", problems);
        String notifyDeadLetters = queueUrl(env, "QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", problems);
        String autoStart = env.getOrDefault("QUIESCE_AUTO_START", "true").trim().toLowerCase(java.util.Locale.ROOT);
        if (!autoStart.equals("true") && !autoStart.equals("false")) {
            problems.add("QUIESCE_AUTO_START must be true or false, was '" + autoStart + "'");
        }
        URI webhook = uri(env, "QUIESCE_NOTIFY_WEBHOOK_URL", problems);
        if (webhook != null && !List.of("http", "https").contains(String.valueOf(webhook.getScheme()))) {
            problems.add("QUIESCE_NOTIFY_WEBHOOK_URL must be an http(s) URL, was '" + webhook + "'");
        }
        URI source = uri(env, "QUIESCE_CLOUDEVENT_SOURCE", problems);
        String countRecords = env.getOrDefault("QUIESCE_COUNT_RECORDS", "false").trim().toLowerCase(java.util.Locale.ROOT);
        if (!countRecords.equals("true") && !countRecords.equals("false")) {
            problems.add("QUIESCE_COUNT_RECORDS must be true or false, was '" + countRecords + "'");
        } else if (policyRead && countsRecords(policy) && countRecords.equals("false")) {
            // without it the tally never holds records, and the run could only ever time out
            problems.add("QUIESCE_POLICY: expected unit=records needs QUIESCE_COUNT_RECORDS=true (the template's"
                    + " CountRecords=true), so the monitor reads each object to count its records");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("invalid quiesce Lambda configuration: " + String.join("; ", problems));
        }
        return new AwsConfig(tally, observations, queue, shards, datasets, policy, autoStart.equals("true"),
                blankToNull(env.get("QUIESCE_NOTIFY_SNS_TOPIC_ARN")), blankToNull(env.get("QUIESCE_NOTIFY_SQS_QUEUE_URL")),
                blankToNull(env.get("QUIESCE_NOTIFY_EVENTBRIDGE_BUS")), webhook,
                blankToNull(env.get("QUIESCE_WEBHOOK_SECRET")), attempts,
                source != null ? source : URI.create("urn:quiesce"),
                poison, notifyDeadLetters, namespace != null ? namespace.trim() : DEFAULT_METRICS_NAMESPACE,
                retentionDays == 0 ? null : Duration.ofDays(retentionDays), buffer,
                blankToNull(env.get("QUIESCE_EXPECTATION_TABLE")), countRecords.equals("true"));
    }

    /** Whether the policy's totals are in records, which only a tally of counted objects can reach. */
    private static boolean countsRecords(PolicySpec spec) {
        return spec.policy() instanceof dev.quiesce.policy.ExpectedTotals
                && ((dev.quiesce.policy.ExpectedTotals) spec.policy()).unit() == dev.quiesce.Sent.Unit.RECORDS;
    }

    /**
     * CloudWatch's rule for a namespace: 1 to 255 of {@code [0-9A-Za-z._/#:-]}, and not the {@code AWS/}
     * prefix reserved for AWS services.
     */
    private static boolean validNamespace(String ns) {
        return ns.length() <= 255 && ns.matches("[0-9A-Za-z._/#:-]+") && !ns.startsWith("AWS/");
    }

    /** An optional queue URL: an http(s) URL when set. */
    private static String queueUrl(Map<String, String> env, String name, List<String> problems) {
        URI u = uri(env, name, problems);
        if (u == null) {
            return null;
        }
        if (!List.of("http", "https").contains(String.valueOf(u.getScheme())) || u.getHost() == null) {
            problems.add(name + " must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>), was '"
                    + u + "'");
            return null;
        }
        return u.toString();
    }

    /**
     * Reads {@code name=bucket/prefix[,bucket/prefix];...}; a location without a prefix ({@code bucket} or
     * {@code bucket/}) is the whole bucket. All locations of one dataset share a bucket. With a default
     * bucket, every location is a prefix within it ({@code events=events/;clicks=clicks/}).
     */
    static List<Dataset> parseDatasets(String text, String defaultBucket) {
        List<Dataset> out = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new InvalidConfigurationException("'" + part.trim() + "' is not name=bucket/prefix");
            }
            String name = part.substring(0, eq).trim();
            String bucket = null;
            List<String> prefixes = new ArrayList<>();
            for (String loc : part.substring(eq + 1).split(",")) {
                String l = defaultBucket != null ? defaultBucket + "/" + loc.trim() : loc.trim();
                int slash = l.indexOf('/');
                String b = slash < 0 ? l : l.substring(0, slash);
                String prefix = slash < 0 ? "" : l.substring(slash + 1);
                if (b.isEmpty()) {
                    throw new InvalidConfigurationException("dataset '" + name + "' has a location without a bucket: '" + l + "'");
                }
                if (bucket != null && !bucket.equals(b)) {
                    throw new InvalidConfigurationException("dataset '" + name + "' spans buckets " + bucket + " and " + b
                            + "; define one dataset per bucket");
                }
                bucket = b;
                prefixes.add(prefix);
            }
            out.add(new Dataset(name, bucket, prefixes));
        }
        return out;
    }

    private static String required(Map<String, String> env, String name, List<String> problems) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            problems.add(name + " is not set");
        }
        return v;
    }

    private static int intVar(Map<String, String> env, String name, int dflt, int min, int max, List<String> problems) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                problems.add(name + " must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was '" + v + "'");
            return dflt;
        }
    }

    private static URI uri(Map<String, String> env, String name, List<String> problems) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return null;
        }
        try {
            return new URI(v.trim());
        } catch (java.net.URISyntaxException e) {
            problems.add(name + " is not a URI: " + e.getMessage());
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

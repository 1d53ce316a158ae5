package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.PolicySpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("QUIESCE_TALLY_TABLE", "tally");
        env.put("QUIESCE_OBSERVATION_TABLE", "observations");
        env.put("QUIESCE_CHECK_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/checks");
        return env;
    }

    @Test
    void minimalConfigurationTakesTheDefaults() {
        AwsConfig c = AwsConfig.from(minimal());
        assertThat(c.policy()).isEqualTo(PolicySpec.defaults());
        assertThat(c.tallyShards()).isEqualTo(4);
        assertThat(c.autoStart()).isTrue();
        assertThat(c.datasets()).isEmpty();
        assertThat(c.snsTopicArn()).isNull();
        assertThat(c.source().toString()).isEqualTo("urn:quiesce");
    }

    @Test
    void datasetsReadWithAndWithoutADefaultBucket() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_DATASETS", "events=landing/events/;clicks=landing/clicks/,landing/clicks-v2/;all=other");
        assertThat(AwsConfig.from(env).datasets()).containsExactly(
                Dataset.of("events", "landing", "events/"),
                Dataset.of("clicks", "landing", "clicks/", "clicks-v2/"),
                Dataset.of("all", "other", ""));
        env.put("QUIESCE_DATASET_BUCKET", "landing");
        env.put("QUIESCE_DATASETS", "events=events/;clicks=clicks/");
        assertThat(AwsConfig.from(env).datasets()).extracting(Dataset::bucket).containsOnly("landing");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("QUIESCE_POLICY", "stable window=0");
        env.put("QUIESCE_TALLY_SHARDS", "many");
        env.put("QUIESCE_DATASETS", "broken");
        env.put("QUIESCE_AUTO_START", "maybe");
        assertThatThrownBy(() -> AwsConfig.from(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("QUIESCE_TALLY_TABLE is not set")
                .hasMessageContaining("QUIESCE_OBSERVATION_TABLE is not set")
                .hasMessageContaining("QUIESCE_CHECK_QUEUE_URL is not set")
                .hasMessageContaining("QUIESCE_POLICY: window must be >= 1, was 0")
                .hasMessageContaining("QUIESCE_TALLY_SHARDS must be a whole number, was 'many'")
                .hasMessageContaining("QUIESCE_DATASETS: 'broken' is not name=bucket/prefix")
                .hasMessageContaining("QUIESCE_AUTO_START must be true or false, was 'maybe'");
    }

    @Test
    void aDatasetMayNotSpanBuckets() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_DATASETS", "x=a/p/,b/q/");
        assertThatThrownBy(() -> AwsConfig.from(env)).hasMessageContaining("spans buckets a and b");
    }

    @Test
    void webhookMustBeHttp() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_NOTIFY_WEBHOOK_URL", "ftp://x/y");
        assertThatThrownBy(() -> AwsConfig.from(env)).hasMessageContaining("must be an http(s) URL");
        env.put("QUIESCE_NOTIFY_WEBHOOK_URL", "https://hooks.example.com/q");
        assertThat(AwsConfig.from(env).webhookUrl().getHost()).isEqualTo("hooks.example.com");
        assertThat(List.of(AwsConfig.from(env).notifyAttempts())).containsExactly(6);
    }

    @Test
    void theExpectedPolicyNeedsTheDeclarationTable() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POLICY", "expected unit=objects producers=2");
        assertThatThrownBy(() -> AwsConfig.from(env)).hasMessageContaining("needs QUIESCE_EXPECTATION_TABLE");
        env.put("QUIESCE_EXPECTATION_TABLE", "declarations");
        assertThat(AwsConfig.from(env).expectationTable()).isEqualTo("declarations");
        assertThat(AwsConfig.from(env).policy().policy().needsExpectations()).isTrue();
    }

    @Test
    void newVariablesTakeTheirDefaults() {
        AwsConfig c = AwsConfig.from(minimal());
        assertThat(c.poisonQueueUrl()).isNull();
        assertThat(c.notifyDeadLetterQueueUrl()).isNull();
        assertThat(c.metricsNamespace()).isEqualTo("quiesce");
        assertThat(c.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(c.bufferSeconds()).isZero();
        assertThat(c.policy().guards().buffer()).isNull();
    }

    @Test
    void queuesNamespaceAndRetentionAreRead() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POISON_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/arrivals-dlq");
        env.put("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/notify-dlq");
        env.put("QUIESCE_METRICS_NAMESPACE", "prod/quiesce");
        env.put("QUIESCE_RETENTION_DAYS", "3650");
        AwsConfig c = AwsConfig.from(env);
        assertThat(c.poisonQueueUrl()).isEqualTo("https://sqs.us-east-1.amazonaws.com/1/arrivals-dlq");
        assertThat(c.notifyDeadLetterQueueUrl()).isEqualTo("https://sqs.us-east-1.amazonaws.com/1/notify-dlq");
        assertThat(c.metricsNamespace()).isEqualTo("prod/quiesce");
        assertThat(c.retention()).isEqualTo(Duration.ofDays(3650));
        env.put("QUIESCE_RETENTION_DAYS", "1");
        assertThat(AwsConfig.from(env).retention()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void retentionOfZeroKeepsItemsForever() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_RETENTION_DAYS", "0");
        assertThat(AwsConfig.from(env).retention()).isNull();
    }

    @Test
    void invalidNewVariablesAreNamedTogether() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POISON_QUEUE_URL", "arrivals-dlq");
        env.put("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL", "ftp://x/notify-dlq");
        env.put("QUIESCE_METRICS_NAMESPACE", "AWS/Lambda");
        env.put("QUIESCE_RETENTION_DAYS", "3651");
        env.put("QUIESCE_BUFFER_SECONDS", "901");
        assertThatThrownBy(() -> AwsConfig.from(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("QUIESCE_POISON_QUEUE_URL must be an SQS queue URL")
                .hasMessageContaining("QUIESCE_NOTIFY_DEAD_LETTER_QUEUE_URL must be an SQS queue URL")
                .hasMessageContaining("QUIESCE_METRICS_NAMESPACE must be 1 to 255 characters")
                .hasMessageContaining("QUIESCE_RETENTION_DAYS must be between 0 and 3650, was 3651")
                .hasMessageContaining("QUIESCE_BUFFER_SECONDS must be between 0 and 900, was 901");
        env.put("QUIESCE_RETENTION_DAYS", "-1");
        env.put("QUIESCE_BUFFER_SECONDS", "soon");
        env.put("QUIESCE_METRICS_NAMESPACE", "has space");
        assertThatThrownBy(() -> AwsConfig.from(env))
                .hasMessageContaining("QUIESCE_RETENTION_DAYS must be between 0 and 3650, was -1")
                .hasMessageContaining("QUIESCE_BUFFER_SECONDS must be a whole number, was 'soon'")
                .hasMessageContaining("QUIESCE_METRICS_NAMESPACE must be 1 to 255 characters");
    }

    @Test
    void theStreamsBufferIntervalGoesToAPolicyWithoutOne() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POLICY", "inactivity period=10m");
        env.put("QUIESCE_BUFFER_SECONDS", "300");
        AwsConfig c = AwsConfig.from(env);
        assertThat(c.bufferSeconds()).isEqualTo(300);
        assertThat(c.policy().guards().buffer()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.policy().text()).isEqualTo("inactivity period=10m buffer=5m");
    }

    @Test
    void aPolicysOwnBufferWinsAndZeroMeansUnknown() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POLICY", "inactivity period=10m buffer=60s");
        env.put("QUIESCE_BUFFER_SECONDS", "300");
        assertThat(AwsConfig.from(env).policy().guards().buffer()).isEqualTo(Duration.ofSeconds(60));
        env.put("QUIESCE_POLICY", "inactivity period=10m");
        env.put("QUIESCE_BUFFER_SECONDS", "0");
        assertThat(AwsConfig.from(env).policy().guards().buffer()).isNull();
    }

    @Test
    void aQuietWindowShorterThanTheBufferNamesBothVariables() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POLICY", "inactivity period=1m");
        env.put("QUIESCE_BUFFER_SECONDS", "300");
        assertThatThrownBy(() -> AwsConfig.from(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("QUIESCE_POLICY with QUIESCE_BUFFER_SECONDS=300: ")
                .hasMessageContaining("shorter than the buffer interval");
        env.remove("QUIESCE_POLICY");   // the default policy's window (3 checks 30 s apart) is shorter too
        assertThatThrownBy(() -> AwsConfig.from(env))
                .hasMessageContaining("QUIESCE_POLICY (default 'stable window=3 delay=constant:30s') with "
                        + "QUIESCE_BUFFER_SECONDS=300");
        env.put("QUIESCE_POLICY", "inactivity period=1m allow-short-window");
        assertThat(AwsConfig.from(env).policy().guards().buffer()).isEqualTo(Duration.ofSeconds(300));
    }
}

package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Dataset;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.policy.PolicySpec;
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
        assertThat(c.tallyShards()).isEqualTo(16);
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
    void theExpectedPolicyIsRefusedUntilDeclarationsAreStoredInDynamoDb() {
        Map<String, String> env = minimal();
        env.put("QUIESCE_POLICY", "expected unit=objects producers=2");
        assertThatThrownBy(() -> AwsConfig.from(env)).hasMessageContaining("not available in the Lambda deployment yet");
    }
}

package dev.quiesce.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3://landing/firehose/2024/|landing|firehose/2024/",
        "s3://landing/firehose/2024|landing|firehose/2024",
        "s3://landing|landing|''",
        "s3://landing/|landing|''",
        "S3://My_Bucket.v2/a b%2B/|My_Bucket.v2|a b%2B/",
        "  s3://landing/x  |landing|x"})
    void readsBucketAndPrefix(String uri, String bucket, String prefix) {
        assertThat(S3Location.parse(uri)).isEqualTo(new S3Location(bucket, prefix));
    }

    @Test
    void printsAsAnS3Uri() {
        assertThat(S3Location.parse("s3://landing/firehose/")).hasToString("s3://landing/firehose/");
        assertThat(S3Location.parse(S3Location.parse("s3://landing/a").toString()))
                .isEqualTo(new S3Location("landing", "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "landing/prefix", "http://landing/prefix", "s3:/landing", "file:///tmp"})
    void rejectsWhatIsNotAnS3Uri(String uri) {
        assertThatThrownBy(() -> S3Location.parse(uri)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("s3://bucket/prefix");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> S3Location.parse(null)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("missing S3 location: use s3://bucket or s3://bucket/prefix");
    }

    @Test
    void pointsHadoopUsersToTheS3Scheme() {
        assertThatThrownBy(() -> S3Location.parse("s3a://landing/x"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("s3a:// is Hadoop's name for it, write s3:// instead");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://", "s3:///prefix"})
    void rejectsALocationWithoutBucket(String uri) {
        assertThatThrownBy(() -> S3Location.parse(uri)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("no bucket in S3 location");
    }

    @Test
    void namesTheBadCharacterOfABucket() {
        assertThatThrownBy(() -> S3Location.parse("s3://my bucket/x"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("has the character ' ' at index 2");
    }
}

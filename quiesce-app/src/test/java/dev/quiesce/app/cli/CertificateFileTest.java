package dev.quiesce.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiesce.Certificate;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.KeyDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The certificate file's JSON: what is written is what is read back, and damage is named. */
class CertificateFileTest {

    private static final Instant T = Instant.parse("2024-05-01T12:00:00.123456789Z");

    @TempDir
    Path tmp;

    private static CertificateFile sample(List<CertificateFile.Key> keys) {
        long digest = keys == null ? -7L : keys.stream().mapToLong(CertificateFile.Key::digest).sum();
        Certificate c = new Certificate("watch:/data", "/data", T, 2, 30, 0, digest,
                "expected unit=objects producers=2", "all 2 producers closed",
                new Certificate.Evidence(T.minusSeconds(5), T.minusSeconds(6), 4, List.of("p1", "p,2")));
        return new CertificateFile("/data", List.of("*.json"), List.of("archive/**"), "_manifests", c, keys);
    }

    @Test
    void withKeysItRoundTripsThroughAFile() throws Exception {
        CertificateFile cert = sample(List.of(new CertificateFile.Key("a.json", "1714564800000000000:10", 10),
                new CertificateFile.Key("sub/b.json", null, 20)));
        Path file = tmp.resolve("cert.json");

        cert.write(file);

        assertThat(CertificateFile.read(file)).isEqualTo(cert);
        assertThat(Files.readString(file)).contains("\"digest\" : \"" + KeyDigest.format(cert.certificate().digest()));
        assertThat(tmp.toFile().list()).containsExactly("cert.json");
    }

    @Test
    void withoutKeysItRoundTripsAndSaysNoKeys() {
        CertificateFile cert = sample(null);
        // a digest with the top bit set must survive as unsigned hex
        assertThat(cert.toJson()).contains("fffffffffffffff9").doesNotContain("\"keys\"");
        assertThat(CertificateFile.fromJson(cert.toJson())).isEqualTo(cert);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"format\":\"other/9\"}", "digest", "objects", "evidence", "completedAt"})
    void damageIsOneClearLineNamingTheField(String damage) {
        String text = switch (damage) {
            case "digest" -> sample(null).toJson().replace("fffffffffffffff9", "xyz");
            case "objects" -> sample(null).toJson().replace("\"objects\" : 2", "\"objects\" : \"two\"");
            case "evidence" -> sample(null).toJson().replace("\"evidence\"", "\"evidense\"");
            case "completedAt" -> sample(null).toJson().replace(T.toString(), "yesterday");
            default -> damage;
        };
        assertThatThrownBy(() -> CertificateFile.fromJson(text)).isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")
                        .contains(damage.isEmpty() || damage.startsWith("[") ? "JSON" : damage.startsWith("{")
                                ? "format" : damage));
    }
}

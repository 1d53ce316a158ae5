package dev.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RecordCounterTest {

    private static long count(String key, byte[] content) throws IOException {
        return RecordCounter.count(key, new ByteArrayInputStream(content));
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void countsLinesWithOrWithoutTheLastNewline() throws IOException {
        assertThat(count("a.json", "{}\n{}\n{}\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(count("a.json", "{}\n{}\n{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(count("empty", new byte[0])).isZero();
    }

    @Test
    void decompressesGzipByNameOrByMagicBytes() throws IOException {
        String lines = "x\n".repeat(50_000);
        assertThat(count("part-0.json.gz", gzip(lines))).isEqualTo(50_000);
        assertThat(count("firehose-object-without-suffix", gzip(lines))).isEqualTo(50_000);
    }

    @Test
    void aCorruptGzipFails() {
        assertThatThrownBy(() -> count("broken.gz", "not gzip at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}

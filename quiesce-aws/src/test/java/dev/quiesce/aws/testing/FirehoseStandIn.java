package dev.quiesce.aws.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Kinesis Data Firehose with dynamic partitioning, as far as what lands in S3 goes: records put are buffered
 * per partition key (the record's {@code run} field, what the template's JQ query {@code {run: .run}} extracts),
 * each followed by a newline (the template's {@code AppendDelimiterToRecord}), and a partition's buffer becomes
 * one object when it reaches the size hint or its oldest record is older than the interval on the given
 * (virtual) clock. Objects are named {@code <prefix with the key in it><stream>-1-<yyyy-MM-dd-HH-mm-ss>-<n>}
 * after their oldest record's arrival, as Firehose names them, optionally gzip-compressed with {@code .gz}.
 * Not thread-safe.
 */
public final class FirehoseStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String stream;
    private final long sizeBytes;
    private final Duration interval;
    private final Clock clock;
    private final boolean gzip;
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    private final List<String> written = new ArrayList<>();
    private int objects;

    private static final class Buffer {
        final Instant oldest;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Buffer(Instant oldest) {
            this.oldest = oldest;
        }
    }

    /**
     * @param prefix the stream's S3 prefix as the template resolves it, with {@code !{partitionKeyFromQuery:run}}
     */
    public FirehoseStandIn(S3Client s3, String bucket, String prefix, String stream, long sizeBytes, Duration interval,
                           Clock clock, boolean gzip) {
        if (!prefix.contains("!{partitionKeyFromQuery:run}")) {
            throw new IllegalArgumentException("the prefix does not partition by run: " + prefix);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.stream = stream;
        this.sizeBytes = sizeBytes;
        this.interval = interval;
        this.clock = clock;
        this.gzip = gzip;
    }

    /** PutRecord of one JSON record; flushes its partition if the buffer is full. */
    public void putRecord(String json) {
        JsonNode run;
        try {
            run = JSON.readTree(json).get("run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (run == null || !run.isTextual()) {
            throw new IllegalArgumentException("a record without a run would go to the error prefix: " + json);
        }
        Buffer b = buffers.computeIfAbsent(run.asText(), k -> new Buffer(clock.instant()));
        byte[] record = (json + "\n").getBytes(StandardCharsets.UTF_8);
        b.bytes.write(record, 0, record.length);
        if (b.bytes.size() >= sizeBytes) {
            flush(run.asText());
        }
    }

    /** Delivers every partition whose oldest record has waited the buffer interval by now. */
    public void tick() {
        Instant now = clock.instant();
        for (String key : new ArrayList<>(buffers.keySet())) {
            if (!buffers.get(key).oldest.plus(interval).isAfter(now)) {
                flush(key);
            }
        }
    }

    /** The keys of every object written so far, in order. */
    public List<String> written() {
        return List.copyOf(written);
    }

    private void flush(String partition) {
        Buffer b = buffers.remove(partition);
        byte[] content = b.bytes.toByteArray();
        String key = prefix.replace("!{partitionKeyFromQuery:run}", partition) + stream + "-1-"
                + NAME_TIME.format(b.oldest) + "-" + (objects++) + (gzip ? ".gz" : "");
        s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(gzip ? gzip(content) : content));
        written.add(key);
    }

    /** Gzip of {@code content}, as Firehose writes with {@code CompressionFormat: GZIP}. */
    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

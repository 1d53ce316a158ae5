package dev.quiesce.aws.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the event fixtures in {@code src/test/resources/events/} and builds small S3 records. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The text of {@code events/<name>}. */
    static String event(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal, valid S3 notification record, to change one field at a time in a test. */
    static ObjectNode record(String eventName, String encodedKey) {
        ObjectNode r = JSON.createObjectNode();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", "us-east-1");
        r.put("eventTime", "2024-05-01T12:00:00.000Z");
        r.put("eventName", eventName);
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", "landing");
        bucket.put("arn", "arn:aws:s3:::landing");
        ObjectNode object = s3.putObject("object");
        object.put("key", encodedKey);
        if (eventName.contains("ObjectCreated")) {
            object.put("size", 42);
            object.put("eTag", "9b2cf535f27731c974343645a3985328");
        }
        object.put("sequencer", "0066321F7E3B2A5D2C");
        return r;
    }

    /** {@code {"Records":[records…]}} as text. */
    static String records(ObjectNode... records) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("Records");
        for (ObjectNode r : records) {
            array.add(r);
        }
        return root.toString();
    }
}

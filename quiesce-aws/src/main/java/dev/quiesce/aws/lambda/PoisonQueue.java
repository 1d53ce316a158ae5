package dev.quiesce.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Where a message that can never succeed goes at once ({@code QUIESCE_POISON_QUEUE_URL}): the dead-letter
 * queue of the queue it came from, so it does not take {@code maxReceiveCount} receives to get there.
 *
 * <p>The message sent has the original body and these String attributes (Number where noted):
 * <ul>
 *   <li>{@value #REASON}: why it was rejected (the exception's message, at most {@value #MAX_REASON_CHARS}
 *       characters, characters SQS refuses replaced by {@code ?});
 *   <li>{@value #ERROR_TYPE}: the exception's simple class name, e.g. {@code MalformedEventException};
 *   <li>{@value #HANDLER}: {@code monitor} or {@code observer};
 *   <li>{@value #SOURCE_MESSAGE_ID} and, when known, {@value #SOURCE_QUEUE} (the source queue's ARN) and
 *       {@value #RECEIVE_COUNT} (Number: the original's {@code ApproximateReceiveCount});
 *   <li>only on a cut body: {@value #TRUNCATED} ({@code true}), {@value #ORIGINAL_BYTES} (Number) and
 *       {@value #ORIGINAL_SHA256} (lowercase hex of the whole body's UTF-8 bytes).
 * </ul>
 * The original's own message attributes are not copied (SQS allows ten attributes, and these take nine).
 *
 * <p>SQS takes at most {@value #MAX_MESSAGE_BYTES} bytes per message, body and attributes together. A body
 * that does not fit (an oversized original: the reason it was rejected) is cut at a character boundary to
 * what fits and marked as above: the head shows a person what it was, the size and digest identify it, and
 * nothing replays an oversized message anyway. On a FIFO queue the group is the original's group (or
 * {@code quiesce-poison}) and the deduplication id the source message id.
 *
 * <p>Immutable and thread-safe.
 */
final class PoisonQueue {

    static final String REASON = "quiesce-reason";
    static final String ERROR_TYPE = "quiesce-error-type";
    static final String HANDLER = "quiesce-handler";
    static final String SOURCE_MESSAGE_ID = "quiesce-source-message-id";
    static final String SOURCE_QUEUE = "quiesce-source-queue";
    static final String RECEIVE_COUNT = "quiesce-receive-count";
    static final String TRUNCATED = "quiesce-truncated";
    static final String ORIGINAL_BYTES = "quiesce-original-bytes";
    static final String ORIGINAL_SHA256 = "quiesce-original-sha256";

    /** SQS's limit for one message, body and attributes, in bytes (the classic 256 KiB every queue takes). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final int MAX_REASON_CHARS = 1024;

    /** What became of a rejected message. */
    record Outcome(boolean sent, String messageId, String error) {
        static Outcome sent(String messageId) {
            return new Outcome(true, messageId, null);
        }

        static Outcome notSent(String error) {
            return new Outcome(false, null, error);
        }
    }

    private final SqsClient client;
    private final String queueUrl;

    /**
     * @param queueUrl the dead-letter queue, or {@code null} when none is configured (then nothing is sent)
     */
    PoisonQueue(SqsClient client, String queueUrl) {
        this.client = client;
        this.queueUrl = queueUrl;
        if (queueUrl != null) {
            Objects.requireNonNull(client, "client");
        }
    }

    boolean configured() {
        return queueUrl != null;
    }

    /** Sends {@code message}, rejected by {@code handler} for {@code reason}; never throws on SQS failures. */
    Outcome send(SQSEvent.SQSMessage message, String handler, RuntimeException reason) {
        if (queueUrl == null) {
            return Outcome.notSent("no poison queue configured (QUIESCE_POISON_QUEUE_URL)");
        }
        try {
            return Outcome.sent(client.sendMessage(request(message, handler, reason)).messageId());
        } catch (SdkException e) {
            return Outcome.notSent(describe(e));
        }
    }

    SendMessageRequest request(SQSEvent.SQSMessage message, String handler, RuntimeException reason) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(REASON, text(clean(reason.getMessage() == null ? reason.toString() : reason.getMessage(),
                MAX_REASON_CHARS)));
        attributes.put(ERROR_TYPE, text(reason.getClass().getSimpleName()));
        attributes.put(HANDLER, text(handler));
        String id = message.getMessageId() == null ? "unknown" : message.getMessageId();
        attributes.put(SOURCE_MESSAGE_ID, text(clean(id, 256)));
        if (message.getEventSourceArn() != null && !message.getEventSourceArn().isBlank()) {
            attributes.put(SOURCE_QUEUE, text(clean(message.getEventSourceArn(), 256)));
        }
        String receives = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        if (receives != null && receives.matches("\\d{1,10}")) {
            attributes.put(RECEIVE_COUNT, number(receives));
        }
        String body = message.getBody() == null || message.getBody().isEmpty() ? "(empty body)" : message.getBody();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // room for the three attributes a cut body adds, whether or not it is cut
        int room = MAX_MESSAGE_BYTES - size(attributes) - 200;
        if (bytes.length > room) {
            attributes.put(TRUNCATED, text("true"));
            attributes.put(ORIGINAL_BYTES, number(Integer.toString(bytes.length)));
            attributes.put(ORIGINAL_SHA256, text(sha256(bytes)));
            body = head(body, room);
        }
        SendMessageRequest.Builder b = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(attributes);
        if (queueUrl.endsWith(".fifo")) {
            String group = message.getAttributes() == null ? null : message.getAttributes().get("MessageGroupId");
            b.messageGroupId(group != null ? group : "quiesce-poison").messageDeduplicationId(fifoId(id));
        }
        return b.build();
    }

    /** The longest prefix of {@code s} whose UTF-8 form fits in {@code maxBytes}, never splitting a character. */
    static String head(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    /**
     * {@code s} with what SQS refuses in a message ({@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
     * #x10000-#x10FFFF} are allowed) replaced by {@code ?}, cut to {@code max} characters.
     */
    static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; ) {
            int cp = s.codePointAt(i);
            boolean ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (ok && b.length() + Character.charCount(cp) <= max) {
                b.appendCodePoint(cp);
            } else {
                b.append('?');
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** What SQS counts for attributes: each name, data type and value, in UTF-8 bytes. */
    private static int size(Map<String, MessageAttributeValue> attributes) {
        int n = 0;
        for (Map.Entry<String, MessageAttributeValue> e : attributes.entrySet()) {
            n += utf8(e.getKey()) + utf8(e.getValue().dataType()) + utf8(e.getValue().stringValue());
        }
        return n;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static MessageAttributeValue number(String value) {
        return MessageAttributeValue.builder().dataType("Number").stringValue(value).build();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String fifoId(String id) {
        return id.matches("[\\x21-\\x7E]{1,128}") ? id : sha256(id.getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null) {
            AwsServiceException s = (AwsServiceException) e;
            return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + "): " + s.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return "PoisonQueue[" + queueUrl + "]";
    }
}

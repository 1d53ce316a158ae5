package dev.quiesce.aws.notify;

import dev.quiesce.LifecycleEvent;
import dev.quiesce.notify.StructuredCloudEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** What the AWS notifiers share: the CloudEvent text, FIFO ids and SDK error descriptions. Thread-safe. */
final class AwsMessages {

    /** Message attribute carrying the CloudEvent {@code type}, for subscription filter policies. */
    static final String CE_TYPE = "ce_type";
    /** Message attribute carrying the CloudEvent {@code id} ({@code <observation>/<transition>}). */
    static final String CE_ID = "ce_id";
    /** Message attribute carrying the CloudEvent {@code subject} (the dataset id). */
    static final String CE_SUBJECT = "ce_subject";

    /** What SQS and SNS accept as a group or deduplication id: 1 to 128 printable ASCII characters. */
    private static final Pattern FIFO_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private AwsMessages() {
    }

    /** The structured-mode CloudEvent JSON of an event, as text. */
    static String cloudEventJson(LifecycleEvent event, URI source) {
        return new String(StructuredCloudEvent.serialize(event, source), StandardCharsets.UTF_8);
    }

    /**
     * {@code value} itself when FIFO queues and topics accept it as a group or deduplication id, else
     * {@code sha256-} and the lowercase hex SHA-256 of its UTF-8 bytes (71 characters), so long or
     * non-ASCII dataset and event ids still work and still map one to one in practice.
     */
    static String fifoId(String value) {
        if (FIFO_ID.matcher(value).matches()) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether a queue URL or topic ARN names a FIFO queue or topic. */
    static boolean isFifo(String queueUrlOrTopicArn) {
        return queueUrlOrTopicArn.endsWith(".fifo");
    }

    /** The service's error code, status and message when it answered; the exception's message otherwise. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException) {
            AwsServiceException s = (AwsServiceException) e;
            if (s.awsErrorDetails() != null) {
                return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + "): "
                        + s.awsErrorDetails().errorMessage();
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static String requireNotBlank(String value, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}

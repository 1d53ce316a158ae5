package dev.quiesce.bench.aws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Counts SQS requests by queue and operation, as SQS bills them: one request per 64 KB chunk of payload
 * (a batch of up to 10 messages is one request while it stays under 64 KB). Requests to queues the meter
 * does not know (creating queues) are not counted.
 *
 * <p>On the queues named as <em>virtual-time</em> queues, a {@code SendMessage}'s {@code DelaySeconds} is
 * recorded and then sent as 0, so the benchmark can receive the message at once and hand it to the
 * consumer when the delay has passed on its virtual clock. The billed requests are the same.
 */
public final class SqsMeter implements ExecutionInterceptor {

    private static final long CHUNK = 64 * 1024;
    private static final ExecutionAttribute<Integer> DELAY = new ExecutionAttribute<>("quiesce.bench.delay");

    /** A message the code sent to a virtual-time queue, with the delay it asked for. */
    public record Sent(String queueUrl, String body, int delaySeconds) {
    }

    private final Ledger ledger;
    private final Map<String, String> roles = new HashMap<>();
    private final Set<String> virtualTime = new java.util.HashSet<>();
    private final List<Sent> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    private final boolean code;
    private volatile String phase = "setup";

    /** A meter of the code's requests (they count into the modelled Lambda time). */
    public SqsMeter(Ledger ledger) {
        this(ledger, true);
    }

    /**
     * @param code whether the requests are the code's own (S3's and the poller's are not: they cost SQS
     *     requests but no Lambda time)
     */
    public SqsMeter(Ledger ledger, boolean code) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.code = code;
    }

    /** Counts requests to {@code queueUrl} under {@code role}; delays on it are virtual if {@code virtual}. */
    public void register(String queueUrl, String role, boolean virtual) {
        roles.put(queueUrl, role);
        if (virtual) {
            virtualTime.add(queueUrl);
        }
    }

    /** Who is asking from now on. */
    public void phase(String phase) {
        this.phase = phase;
    }

    /** The messages sent to virtual-time queues since the last call. */
    public List<Sent> drainSent() {
        synchronized (sent) {
            List<Sent> out = List.copyOf(sent);
            sent.clear();
            return out;
        }
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageRequest) {
            SendMessageRequest s = (SendMessageRequest) context.request();
            if (virtualTime.contains(s.queueUrl())) {
                attributes.putAttribute(DELAY, s.delaySeconds() == null ? 0 : s.delaySeconds());
                return s.toBuilder().delaySeconds(0).build();
            }
        }
        return context.request();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkRequest req = context.request();
        SdkResponse resp = context.response();
        String url = queueUrl(req);
        String role = url == null ? null : roles.get(url);
        if (role == null) {
            return;
        }
        if (code) {
            ledger.request();
        }
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        long bytes = 0;
        if (req instanceof SendMessageRequest) {
            SendMessageRequest s = (SendMessageRequest) req;
            bytes = utf8(s.messageBody()) + attributesBytes(s.messageAttributes());
            Integer delay = attributes.getAttribute(DELAY);
            if (delay != null) {
                sent.add(new Sent(url, s.messageBody(), delay));
            }
        } else if (req instanceof SendMessageBatchRequest) {
            for (SendMessageBatchRequestEntry e : ((SendMessageBatchRequest) req).entries()) {
                bytes += utf8(e.messageBody()) + attributesBytes(e.messageAttributes());
            }
        } else if (resp instanceof ReceiveMessageResponse) {
            for (Message m : ((ReceiveMessageResponse) resp).messages()) {
                bytes += utf8(m.body()) + attributesBytes(m.messageAttributes());
            }
            if (!((ReceiveMessageResponse) resp).hasMessages() || ((ReceiveMessageResponse) resp).messages().isEmpty()) {
                op = op + " (empty)";
            }
        }
        long chunks = chunks(bytes);
        ledger.add(new Ledger.Key(phase, role, op, Ledger.Kind.REQUEST), 1, 1, chunks);
    }

    private static String queueUrl(SdkRequest req) {
        if (req instanceof SendMessageRequest) {
            return ((SendMessageRequest) req).queueUrl();
        }
        if (req instanceof SendMessageBatchRequest) {
            return ((SendMessageBatchRequest) req).queueUrl();
        }
        if (req instanceof ReceiveMessageRequest) {
            return ((ReceiveMessageRequest) req).queueUrl();
        }
        if (req instanceof DeleteMessageRequest) {
            return ((DeleteMessageRequest) req).queueUrl();
        }
        if (req instanceof DeleteMessageBatchRequest) {
            return ((DeleteMessageBatchRequest) req).queueUrl();
        }
        return req.getValueForField("QueueUrl", String.class).orElse(null);
    }

    private static long attributesBytes(Map<String, MessageAttributeValue> attributes) {
        long n = 0;
        if (attributes != null) {
            for (Map.Entry<String, MessageAttributeValue> e : attributes.entrySet()) {
                n += utf8(e.getKey()) + utf8(e.getValue().dataType())
                        + (e.getValue().stringValue() == null ? 0 : utf8(e.getValue().stringValue()));
            }
        }
        return n;
    }

    /** The role a queue was registered under. */
    public String role(String queueUrl) {
        return roles.get(queueUrl);
    }

    /** Billed requests for a payload of this many bytes: one per started 64 KB. */
    static long chunks(long bytes) {
        return Math.max(1, (bytes + CHUNK - 1) / CHUNK);
    }

    static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}

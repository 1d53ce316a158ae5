package dev.quiesce.aws.sqs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Records every {@code SendMessage} request a client really sends (an SDK interceptor, not a mock: the
 * request still goes to ElasticMQ), so tests can read the {@code DelaySeconds} SQS was asked for.
 * Thread-safe.
 */
final class SentRequests implements ExecutionInterceptor {

    private final List<SendMessageRequest> sent = new ArrayList<>();

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageRequest) {
            sent.add((SendMessageRequest) context.request());
        }
    }

    synchronized List<SendMessageRequest> all() {
        return List.copyOf(sent);
    }

    synchronized SendMessageRequest last() {
        return sent.get(sent.size() - 1);
    }

    synchronized List<Integer> delays() {
        return sent.stream().map(SendMessageRequest::delaySeconds).toList();
    }
}

package dev.quiesce.aws.dynamodb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Asks DynamoDB (here dynalite) for the consumed capacity of every item read, write and query a client makes,
 * and adds it up by operation, with a count of requests. Thread-safe.
 */
final class CapacityMeter implements ExecutionInterceptor {

    private final Map<String, DoubleAdder> units = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(total).build();
        }
        if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(total).build();
        }
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(total).build();
        }
        if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(total).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Object r = context.response();
        String op = r.getClass().getSimpleName().replace("Response", "");
        requests.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        ConsumedCapacity c = r instanceof UpdateItemResponse u ? u.consumedCapacity()
                : r instanceof PutItemResponse p ? p.consumedCapacity()
                : r instanceof GetItemResponse g ? g.consumedCapacity()
                : r instanceof QueryResponse q ? q.consumedCapacity()
                : null;
        if (c != null && c.capacityUnits() != null) {
            units.computeIfAbsent(op, k -> new DoubleAdder()).add(c.capacityUnits());
        }
    }

    /** Capacity units consumed by an operation ({@code UpdateItem}, {@code Query}, …) since the last reset. */
    double units(String operation) {
        DoubleAdder a = units.get(operation);
        return a == null ? 0 : a.sum();
    }

    /** Requests of an operation since the last reset. */
    int requests(String operation) {
        AtomicInteger n = requests.get(operation);
        return n == null ? 0 : n.get();
    }

    void reset() {
        units.clear();
        requests.clear();
    }
}

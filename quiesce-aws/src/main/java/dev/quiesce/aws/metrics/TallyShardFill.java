package dev.quiesce.aws.metrics;

import java.util.Objects;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Measures how full the tally items are, without the store's help: an interceptor on the DynamoDB client
 * that asks for {@code ReturnConsumedCapacity=TOTAL} on every {@code UpdateItem} and {@code PutItem} to the
 * tally table and reports the answer to {@link Metrics#tallyShardFill}.
 *
 * <p>A single-item write costs one write unit per started KB of the larger of the item before and after
 * it, so the units consumed are the item's size in KB, rounded up; against DynamoDB's item limit of
 * {@value #ITEM_LIMIT_KB} KB that is {@code units / 400 * 100} percent. The tally table has no secondary
 * index, so the total is the item's own cost. A request that already asks for consumed capacity is left
 * as it is, and answers without it (a failed condition, another table) report nothing.
 *
 * <p>Thread-safe.
 */
public final class TallyShardFill implements ExecutionInterceptor {

    /** DynamoDB's largest item, in KB. */
    public static final int ITEM_LIMIT_KB = 400;

    private final String tallyTable;
    private final Metrics metrics;

    /**
     * @param tallyTable the table whose writes are measured
     * @param metrics where the fill goes
     */
    public TallyShardFill(String tallyTable, Metrics metrics) {
        this.tallyTable = Objects.requireNonNull(tallyTable, "tallyTable");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        if (r instanceof UpdateItemRequest) {
            UpdateItemRequest u = (UpdateItemRequest) r;
            if (tallyTable.equals(u.tableName()) && u.returnConsumedCapacity() == null) {
                return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
        } else if (r instanceof PutItemRequest) {
            PutItemRequest p = (PutItemRequest) r;
            if (tallyTable.equals(p.tableName()) && p.returnConsumedCapacity() == null) {
                return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!tallyTable.equals(tableOf(context.request()))) {
            return;
        }
        SdkResponse r = context.response();
        ConsumedCapacity c = r instanceof UpdateItemResponse ? ((UpdateItemResponse) r).consumedCapacity()
                : r instanceof PutItemResponse ? ((PutItemResponse) r).consumedCapacity() : null;
        if (c != null && c.capacityUnits() != null) {
            metrics.tallyShardFill(percentOf(c.capacityUnits()));
        }
    }

    private static String tableOf(SdkRequest r) {
        return r instanceof UpdateItemRequest ? ((UpdateItemRequest) r).tableName()
                : r instanceof PutItemRequest ? ((PutItemRequest) r).tableName() : null;
    }

    /** The fill, in percent of the item limit, of an item whose write cost {@code writeUnits}. */
    static double percentOf(double writeUnits) {
        return writeUnits * 100.0 / ITEM_LIMIT_KB;
    }
}

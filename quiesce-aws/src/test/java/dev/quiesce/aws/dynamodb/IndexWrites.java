package dev.quiesce.aws.dynamodb;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * DynamoDB's write rules for global secondary indexes, for tests: dynalite keeps its indexes but reports only the
 * table's consumed capacity, so what a write costs each index is computed here from the item before and after,
 * as the developer guide states it: an entry is the index keys, the table key and the projected attributes,
 * plus 100 bytes; putting or deleting one costs a unit per KB; a changed index key costs a delete and a put; a
 * change of projected attributes only, one put; a write that changes nothing an index holds costs it nothing.
 */
final class IndexWrites {

    private static final int ENTRY_OVERHEAD = 100;

    private IndexWrites() {
    }

    /** Write units each index of {@code table} takes for a write turning {@code before} into {@code after}. */
    static Map<String, Integer> of(TableDescription table, Map<String, AttributeValue> before,
            Map<String, AttributeValue> after) {
        Map<String, Integer> units = new TreeMap<>();
        for (GlobalSecondaryIndexDescription index : table.globalSecondaryIndexes()) {
            Map<String, AttributeValue> was = entry(table, index, before);
            Map<String, AttributeValue> is = entry(table, index, after);
            int u;
            if (was == null && is == null) {
                u = 0;
            } else if (was == null) {
                u = units(is);
            } else if (is == null) {
                u = units(was);
            } else if (!keys(index, was).equals(keys(index, is))) {
                u = units(was) + units(is);
            } else {
                u = was.equals(is) ? 0 : units(is);
            }
            units.put(index.indexName(), u);
        }
        return units;
    }

    /** The entry an item has in an index, or {@code null} when the item lacks one of the index's keys. */
    static Map<String, AttributeValue> entry(TableDescription table, GlobalSecondaryIndexDescription index,
            Map<String, AttributeValue> item) {
        if (item == null || index.keySchema().stream().anyMatch(k -> !item.containsKey(k.attributeName()))) {
            return null;
        }
        if (index.projection().projectionType() == ProjectionType.ALL) {
            return item;
        }
        Map<String, AttributeValue> entry = new HashMap<>();
        List<String> kept = new java.util.ArrayList<>();
        index.keySchema().forEach(k -> kept.add(k.attributeName()));
        table.keySchema().forEach(k -> kept.add(k.attributeName()));
        if (index.projection().hasNonKeyAttributes()) {
            kept.addAll(index.projection().nonKeyAttributes());
        }
        kept.stream().filter(item::containsKey).forEach(a -> entry.put(a, item.get(a)));
        return entry;
    }

    /** An entry's size as DynamoDB counts it for capacity. */
    static long size(Map<String, AttributeValue> entry) {
        return ItemSize.of(entry) + ENTRY_OVERHEAD;
    }

    private static int units(Map<String, AttributeValue> entry) {
        return (int) Math.max(1, (size(entry) + 1023) / 1024);
    }

    private static Map<String, AttributeValue> keys(GlobalSecondaryIndexDescription index,
            Map<String, AttributeValue> entry) {
        Map<String, AttributeValue> keys = new HashMap<>();
        for (KeySchemaElement k : index.keySchema()) {
            keys.put(k.attributeName(), entry.get(k.attributeName()));
        }
        return keys;
    }
}

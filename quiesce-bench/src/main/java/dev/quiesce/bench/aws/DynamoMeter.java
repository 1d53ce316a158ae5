package dev.quiesce.bench.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Meters what the code's DynamoDB requests consume: asks for {@code ReturnConsumedCapacity=INDEXES} on
 * every request that takes it, sums the {@code ConsumedCapacity} of the responses into a {@link Ledger},
 * and adds what dynalite does not report, by DynamoDB's documented rules:
 *
 * <ul>
 *   <li><b>Secondary index writes</b> (global and local). dynalite reports table units only. For every
 *       successful write to a table with indexes the meter knows the item before (as the previous write left it; the
 *       first time read with a second, unmetered client) and after (a {@code PutItem}'s item; for an
 *       {@code UpdateItem} the meter asks for {@code ReturnValues=ALL_NEW}, which costs no units, and takes
 *       the attributes out of the answer before the code sees it) and charges each index as DynamoDB does: an item entering an index one write, leaving it
 *       one, changing its index key two (delete and put), changing a projected attribute one, nothing when
 *       the item is in the index neither before nor after; each write one unit per started KB of the
 *       index entry (the projected item; for {@code ALL} the whole item plus {@code gsiEntryOverhead}).
 *   <li><b>Failed conditional writes.</b> DynamoDB charges them (by the larger of the existing and the new
 *       item); dynalite returns the error without capacity. The meter reads the existing item and charges it.
 *   <li><b>Queries that return nothing.</b> DynamoDB charges at least one read unit per page
 *       (0.5 eventually consistent); dynalite reports 0.
 * </ul>
 *
 * The meter also recomputes every table write from the item sizes ({@link ItemSize}) and counts how
 * often that disagrees with dynalite ({@link #tableWriteMismatches}), so a difference in size rules shows.
 *
 * <p>Single-threaded use: the benchmark sets {@link #phase} before each invocation.
 */
public final class DynamoMeter implements ExecutionInterceptor {

    private static final ExecutionAttribute<Optional<Map<String, AttributeValue>>> OLD_ITEM =
            new ExecutionAttribute<>("quiesce.bench.oldItem");
    private static final ExecutionAttribute<Boolean> WANT_NEW = new ExecutionAttribute<>("quiesce.bench.wantNew");
    private static final ExecutionAttribute<Map<String, AttributeValue>> NEW_ITEM =
            new ExecutionAttribute<>("quiesce.bench.newItem");

    /** A table the meter knows: its role in the report, key attributes and global secondary indexes. */
    private record Table(String role, List<String> keys, List<Index> indexes, boolean onlyMetered) {
    }

    private record Index(String name, List<String> keys, ProjectionType projection, List<String> nonKey) {
    }

    private final Ledger ledger;
    private final Map<String, Table> tables = new HashMap<>();
    private final Map<String, Long> maxItemBytes = new HashMap<>();
    private final Map<String, Long> lastItemBytes = new HashMap<>();
    private final Map<String, Map<String, AttributeValue>> lastItem = new HashMap<>();
    /** The items of tables with indexes as the metered client last wrote them, by table and key. */
    private final Map<String, Map<Map<String, AttributeValue>, Map<String, AttributeValue>>> known = new HashMap<>();
    private final long gsiEntryOverhead;
    private DynamoDbClient shadow;
    private String phase = "setup";
    private final int sizeCheckEvery;
    private long writesSeen;
    private long tableWriteChecks;
    private long tableWriteMismatches;

    /**
     * @param ledger where units go
     * @param gsiEntryOverhead bytes added to each GSI entry's size before rounding to KB (0: the item alone)
     * @param sizeCheckEvery on tables without indexes, recompute one write in this many from item sizes
     */
    public DynamoMeter(Ledger ledger, long gsiEntryOverhead, int sizeCheckEvery) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.gsiEntryOverhead = gsiEntryOverhead;
        this.sizeCheckEvery = Math.max(1, sizeCheckEvery);
    }

    /** The unmetered client the meter reads items before and after writes with. */
    public void shadow(DynamoDbClient client) {
        this.shadow = client;
    }

    /** Who is asking from now on. */
    public void phase(String phase) {
        this.phase = phase;
    }

    public String phase() {
        return phase;
    }

    /** Makes a table known under {@code role}, reading its keys and indexes with the shadow client. */
    public void register(String tableName, String role) {
        register(tableName, role, false);
    }

    /**
     * As {@link #register(String, String)}; with {@code onlyMetered}, the table is empty and only the metered
     * client writes it, so an item the meter has not seen written does not exist and is not read to be sure.
     */
    public void register(String tableName, String role, boolean onlyMetered) {
        TableDescription d = shadow.describeTable(b -> b.tableName(tableName)).table();
        List<Index> indexes = new ArrayList<>();
        if (d.hasGlobalSecondaryIndexes()) {
            for (GlobalSecondaryIndexDescription g : d.globalSecondaryIndexes()) {
                indexes.add(new Index(g.indexName(), keyNames(g.keySchema()), g.projection().projectionType(),
                        g.projection().hasNonKeyAttributes() ? g.projection().nonKeyAttributes() : List.of()));
            }
        }
        if (d.hasLocalSecondaryIndexes()) {
            for (LocalSecondaryIndexDescription l : d.localSecondaryIndexes()) {
                indexes.add(new Index(l.indexName(), keyNames(l.keySchema()), l.projection().projectionType(),
                        l.projection().hasNonKeyAttributes() ? l.projection().nonKeyAttributes() : List.of()));
            }
        }
        tables.put(tableName, new Table(role, keyNames(d.keySchema()), indexes, onlyMetered));
    }

    private static List<String> keyNames(List<KeySchemaElement> schema) {
        List<String> names = new ArrayList<>();
        schema.stream().filter(k -> k.keyType() == KeyType.HASH).forEach(k -> names.add(k.attributeName()));
        schema.stream().filter(k -> k.keyType() == KeyType.RANGE).forEach(k -> names.add(k.attributeName()));
        return names;
    }

    /** The largest item seen after a write, by table role (sampled on tables without indexes). */
    public Map<String, Long> maxItemBytes() {
        return maxItemBytes;
    }

    /** The size of the item the last write to a table of this role left (0 if none yet). */
    public long lastItemBytes(String role) {
        return lastItemBytes.getOrDefault(role, 0L);
    }

    /** The item the last write to a table of this role left (empty if none). */
    public Map<String, AttributeValue> lastItem(String role) {
        return lastItem.getOrDefault(role, Map.of());
    }

    /** Table writes whose units were recomputed from item sizes, and how many differed from dynalite's. */
    public long tableWriteChecks() {
        return tableWriteChecks;
    }

    public long tableWriteMismatches() {
        return tableWriteMismatches;
    }

    // ------------------------------------------------------------------------------------ interceptor

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity all = ReturnConsumedCapacity.INDEXES;
        SdkRequest out = r;
        if (r instanceof GetItemRequest) {
            out = ((GetItemRequest) r).toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof PutItemRequest) {
            PutItemRequest p = (PutItemRequest) r;
            rememberOld(attributes, p.tableName(), keyOf(p.tableName(), p.item()));
            out = p.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof UpdateItemRequest) {
            UpdateItemRequest u = (UpdateItemRequest) r;
            rememberOld(attributes, u.tableName(), u.key());
            UpdateItemRequest.Builder b = u.toBuilder().returnConsumedCapacity(all);
            Table t = tables.get(u.tableName());
            if (t != null && !t.indexes().isEmpty() && (u.returnValues() == null
                    || u.returnValues() == software.amazon.awssdk.services.dynamodb.model.ReturnValue.NONE)) {
                // the new item comes back with the answer (no extra request, no extra units); the code gets
                // the answer it asked for, without it
                b.returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW);
                attributes.putAttribute(WANT_NEW, true);
            }
            out = b.build();
        } else if (r instanceof DeleteItemRequest) {
            DeleteItemRequest d = (DeleteItemRequest) r;
            rememberOld(attributes, d.tableName(), d.key());
            out = d.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof BatchGetItemRequest) {
            out = ((BatchGetItemRequest) r).toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof BatchWriteItemRequest) {
            out = ((BatchWriteItemRequest) r).toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof QueryRequest) {
            out = ((QueryRequest) r).toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof ScanRequest) {
            out = ((ScanRequest) r).toBuilder().returnConsumedCapacity(all).build();
        }
        return out;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(WANT_NEW)) && context.response() instanceof UpdateItemResponse) {
            UpdateItemResponse u = (UpdateItemResponse) context.response();
            attributes.putAttribute(NEW_ITEM, u.hasAttributes() ? u.attributes() : Map.of());
            return u.toBuilder().attributes(null).build();
        }
        return context.response();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        ledger.request();
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkResponse resp = context.response();
        SdkRequest req = context.request();
        if (resp instanceof GetItemResponse) {
            read(op, ((GetItemRequest) req).tableName(), ((GetItemResponse) resp).consumedCapacity());
        } else if (resp instanceof BatchGetItemResponse) {
            for (ConsumedCapacity c : ((BatchGetItemResponse) resp).consumedCapacity()) {
                read(op, c.tableName(), c);
            }
        } else if (resp instanceof QueryResponse) {
            QueryRequest q = (QueryRequest) req;
            query(op, q.tableName(), q.indexName(), ((QueryResponse) resp).consumedCapacity(),
                    Boolean.TRUE.equals(q.consistentRead()));
        } else if (resp instanceof ScanResponse) {
            ScanRequest s = (ScanRequest) req;
            query(op, s.tableName(), s.indexName(), ((ScanResponse) resp).consumedCapacity(),
                    Boolean.TRUE.equals(s.consistentRead()));
        } else if (resp instanceof PutItemResponse) {
            PutItemRequest p = (PutItemRequest) req;
            written(op, req, p.tableName(), keyOf(p.tableName(), p.item()), ((PutItemResponse) resp).consumedCapacity(),
                    attributes);
        } else if (resp instanceof UpdateItemResponse) {
            UpdateItemRequest u = (UpdateItemRequest) req;
            written(op, req, u.tableName(), u.key(), ((UpdateItemResponse) resp).consumedCapacity(), attributes);
        } else if (resp instanceof DeleteItemResponse) {
            DeleteItemRequest d = (DeleteItemRequest) req;
            written(op, req, d.tableName(), d.key(), ((DeleteItemResponse) resp).consumedCapacity(), attributes);
        } else if (resp instanceof BatchWriteItemResponse) {
            // not used by the stores; counted without GSI corrections if it ever is
            for (ConsumedCapacity c : ((BatchWriteItemResponse) resp).consumedCapacity()) {
                double u = units(c);
                ledger.add(new Ledger.Key(phase, role(c.tableName()), op, Ledger.Kind.WRITE), 1, u, u);
            }
        } else {
            ledger.add(new Ledger.Key(phase, "other", op, Ledger.Kind.REQUEST), 1, 0, 0);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        ledger.request();
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!(context.exception() instanceof ConditionalCheckFailedException)) {
            ledger.add(new Ledger.Key(phase, "other", op + " (failed: " + context.exception().getClass().getSimpleName()
                    + ")", Ledger.Kind.REQUEST), 1, 0, 0);
            return;
        }
        SdkRequest req = context.request();
        String table;
        long newSize = 0;
        if (req instanceof PutItemRequest) {
            table = ((PutItemRequest) req).tableName();
            newSize = ItemSize.of(((PutItemRequest) req).item());
        } else if (req instanceof UpdateItemRequest) {
            table = ((UpdateItemRequest) req).tableName();
        } else if (req instanceof DeleteItemRequest) {
            table = ((DeleteItemRequest) req).tableName();
        } else {
            return;
        }
        // the item is as it was: the write did not happen
        Map<String, AttributeValue> existing = attributes.getAttribute(OLD_ITEM) != null
                ? attributes.getAttribute(OLD_ITEM).orElse(null) : current(table, conditionalKey(req));
        double billed = ItemSize.writeUnits(Math.max(ItemSize.of(existing), newSize));
        ledger.add(new Ledger.Key(phase, role(table), op + " (condition failed)", Ledger.Kind.WRITE), 1, 0, billed);
    }

    // ------------------------------------------------------------------------------------ accounting

    private void read(String op, String table, ConsumedCapacity c) {
        double u = units(c);
        ledger.add(new Ledger.Key(phase, role(table), op, Ledger.Kind.READ), 1, u, u);
    }

    private void query(String op, String table, String index, ConsumedCapacity c, boolean consistent) {
        double reported = units(c);
        double min = consistent ? 1.0 : 0.5;
        double billed = Math.max(reported, min);
        String target = index == null ? role(table) : role(table) + "/" + index;
        String what = reported < min ? op + " (empty)" : op;
        ledger.add(new Ledger.Key(phase, target, what, Ledger.Kind.READ), 1, reported, billed);
    }

    private void written(String op, SdkRequest req, String table, Map<String, AttributeValue> key, ConsumedCapacity c,
                         ExecutionAttributes attributes) {
        double reported = units(c);
        ledger.add(new Ledger.Key(phase, role(table), op, Ledger.Kind.WRITE), 1, reported, reported);
        Table t = tables.get(table);
        Optional<Map<String, AttributeValue>> remembered = attributes.getAttribute(OLD_ITEM);
        if (t == null || remembered == null) {
            return;
        }
        Map<String, AttributeValue> before = remembered.orElse(null);
        Map<String, AttributeValue> after;
        if (req instanceof PutItemRequest) {
            after = ((PutItemRequest) req).item();
        } else if (req instanceof DeleteItemRequest) {
            after = null;
        } else if (attributes.getAttribute(NEW_ITEM) != null) {
            after = attributes.getAttribute(NEW_ITEM).isEmpty() ? null : attributes.getAttribute(NEW_ITEM);
        } else {
            after = current(table, key);
        }
        if (!t.indexes().isEmpty()) {
            Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items = known.computeIfAbsent(table,
                    k -> new HashMap<>());
            if (after == null) {
                items.remove(Map.copyOf(key));
            } else {
                items.put(Map.copyOf(key), after);
            }
        }
        maxItemBytes.merge(t.role(), ItemSize.of(after), Math::max);
        lastItemBytes.put(t.role(), ItemSize.of(after));
        lastItem.put(t.role(), after == null ? Map.of() : after);
        long computed = ItemSize.writeUnits(Math.max(ItemSize.of(before), ItemSize.of(after)));
        tableWriteChecks++;
        if (computed != (long) reported) {
            tableWriteMismatches++;
        }
        for (Index i : t.indexes()) {
            double units = indexWrites(t, i, before, after);
            if (units > 0) {
                ledger.add(new Ledger.Key(phase, t.role() + "/" + i.name(), op + " (index, computed)",
                        Ledger.Kind.WRITE), 1, 0, units);
            }
        }
    }

    /** Write units one table write costs an index, by the documented rules. */
    private double indexWrites(Table t, Index i, Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
        boolean was = before != null && i.keys().stream().allMatch(before::containsKey);
        boolean is = after != null && i.keys().stream().allMatch(after::containsKey);
        if (!was && !is) {
            return 0;
        }
        Map<String, AttributeValue> oldEntry = was ? entry(t, i, before) : null;
        Map<String, AttributeValue> newEntry = is ? entry(t, i, after) : null;
        if (!was) {
            return entryUnits(newEntry);
        }
        if (!is) {
            return entryUnits(oldEntry);
        }
        boolean keyMoved = i.keys().stream().anyMatch(k -> !before.get(k).equals(after.get(k)));
        if (keyMoved) {
            return entryUnits(oldEntry) + entryUnits(newEntry);
        }
        if (oldEntry.equals(newEntry)) {
            return 0;
        }
        return Math.max(entryUnits(oldEntry), entryUnits(newEntry));
    }

    private long entryUnits(Map<String, AttributeValue> entry) {
        return ItemSize.writeUnits(ItemSize.of(entry) + gsiEntryOverhead);
    }

    /** The index entry of an item: all of it for ALL, else its keys, the index keys and included attributes. */
    private static Map<String, AttributeValue> entry(Table t, Index i, Map<String, AttributeValue> item) {
        if (i.projection() == ProjectionType.ALL) {
            return item;
        }
        Map<String, AttributeValue> e = new HashMap<>();
        List<String> names = new ArrayList<>(t.keys());
        names.addAll(i.keys());
        if (i.projection() == ProjectionType.INCLUDE) {
            names.addAll(i.nonKey());
        }
        for (String n : names) {
            if (item.containsKey(n)) {
                e.put(n, item.get(n));
            }
        }
        return e;
    }

    /**
     * Notes the item a write is about to change: always on tables with indexes (their GSI writes are computed
     * from it; known from the last write of the key, read with the shadow client the first time), on the
     * others for one write in {@code sizeCheckEvery}, read before and after with the shadow client (to check
     * dynalite's units against the item sizes without reading every large tally shard twice).
     */
    private void rememberOld(ExecutionAttributes attributes, String table, Map<String, AttributeValue> key) {
        Table t = tables.get(table);
        if (t == null || shadow == null) {
            return;
        }
        if (t.indexes().isEmpty()) {
            if (writesSeen++ % sizeCheckEvery == 0) {
                attributes.putAttribute(OLD_ITEM, Optional.ofNullable(current(table, key)));
            }
            return;
        }
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items = known.computeIfAbsent(table,
                k -> new HashMap<>());
        Map<String, AttributeValue> k = Map.copyOf(key);
        Map<String, AttributeValue> item = items.containsKey(k) ? items.get(k) : t.onlyMetered() ? null : current(table, key);
        attributes.putAttribute(OLD_ITEM, Optional.ofNullable(item));
    }

    private Map<String, AttributeValue> current(String table, Map<String, AttributeValue> key) {
        GetItemResponse r = shadow.getItem(b -> b.tableName(table).key(key).consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    private Map<String, AttributeValue> conditionalKey(SdkRequest req) {
        if (req instanceof PutItemRequest) {
            return keyOf(((PutItemRequest) req).tableName(), ((PutItemRequest) req).item());
        }
        return req instanceof UpdateItemRequest ? ((UpdateItemRequest) req).key() : ((DeleteItemRequest) req).key();
    }

    private Map<String, AttributeValue> keyOf(String table, Map<String, AttributeValue> item) {
        Table t = tables.get(table);
        if (t == null) {
            return Map.of();
        }
        Map<String, AttributeValue> key = new HashMap<>();
        for (String k : t.keys()) {
            key.put(k, item.get(k));
        }
        return key;
    }

    private String role(String table) {
        Table t = tables.get(table);
        return t == null ? table : t.role();
    }

    private static double units(ConsumedCapacity c) {
        if (c == null) {
            return 0;
        }
        if (c.capacityUnits() != null) {
            return c.capacityUnits();
        }
        double sum = 0;
        if (c.table() != null && c.table().capacityUnits() != null) {
            sum += c.table().capacityUnits();
        }
        if (c.hasGlobalSecondaryIndexes()) {
            for (Capacity i : c.globalSecondaryIndexes().values()) {
                sum += i.capacityUnits() == null ? 0 : i.capacityUnits();
            }
        }
        return sum;
    }
}

package dev.quiesce.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quiesce.LifecycleEvent;
import java.util.Map;
import java.util.Set;

/**
 * The JSON shape every notifier in this package publishes: {@link LifecycleEvent#fields()} in their
 * order, counters as numbers, the rest as strings. Thread-safe.
 */
final class EventJson {

    /** Shared and thread-safe once configured; never reconfigured after class initialisation. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Fields published as JSON numbers. A fixed list rather than "whatever parses as a number", so a
     * dataset or reason that happens to look numeric keeps a stable type for receivers.
     */
    static final Set<String> NUMERIC = Set.of("transition", "objects", "bytes", "records", "removals", "changeSeq",
            "checks", "amendment");

    private EventJson() {
    }

    /** The event's fields as a JSON object. */
    static ObjectNode of(LifecycleEvent event) {
        return of(event.fields());
    }

    /** The given fields as a JSON object, counters as numbers. */
    static ObjectNode of(Map<String, String> fields) {
        ObjectNode node = MAPPER.createObjectNode();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (NUMERIC.contains(f.getKey())) {
                node.put(f.getKey(), Long.parseLong(f.getValue()));
            } else {
                node.put(f.getKey(), f.getValue());
            }
        }
        return node;
    }

    /** Compact one-line JSON text of a node. */
    static String compact(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // an ObjectNode of strings and longs always serialises; reaching here is a bug
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}

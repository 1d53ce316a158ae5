package dev.quiesce.aws.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds one {@code UpdateItem}'s update and condition expressions with placeholders for every name and
 * value, so attribute names never clash with DynamoDB's reserved words and no placeholder goes unused.
 * Not thread-safe; one per request.
 */
final class Update {

    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();

    /** The placeholder of an attribute name. */
    String name(String attribute) {
        return names.computeIfAbsent(attribute, a -> "#a" + names.size());
    }

    /** A placeholder for a value. */
    String value(AttributeValue v) {
        String p = ":v" + values.size();
        values.put(p, v);
        return p;
    }

    Update set(String attribute, AttributeValue v) {
        sets.add(name(attribute) + " = " + value(v));
        return this;
    }

    /** Sets the attribute, or removes it when {@code v} is {@code null}. */
    Update setOrRemove(String attribute, AttributeValue v) {
        return v == null ? remove(attribute) : set(attribute, v);
    }

    Update remove(String attribute) {
        removes.add(name(attribute));
        return this;
    }

    /** Adds a condition, joined to the others with {@code AND}. */
    Update when(String condition) {
        conditions.add("(" + condition + ")");
        return this;
    }

    String updateExpression() {
        StringBuilder sb = new StringBuilder();
        if (!sets.isEmpty()) {
            sb.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            sb.append(sb.length() > 0 ? " " : "").append("REMOVE ").append(String.join(", ", removes));
        }
        return sb.toString();
    }

    String conditionExpression() {
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    Map<String, String> names() {
        Map<String, String> byPlaceholder = new HashMap<>();
        names.forEach((attribute, placeholder) -> byPlaceholder.put(placeholder, attribute));
        return byPlaceholder;
    }

    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }
}

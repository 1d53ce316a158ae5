package dev.quiesce.bench.aws;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The size of a DynamoDB item by the documented rules ("Item sizes and formats" in the DynamoDB
 * developer guide): each attribute's name in UTF-8 bytes plus its value; a string is its UTF-8 bytes, a
 * number about one byte per two significant digits plus one, binary its bytes, a boolean or null one
 * byte, a list or map three bytes plus one byte per element plus the elements (a map's keys count like
 * attribute names), a set the sum of its elements. dynalite computes the same (its {@code itemSize}),
 * which {@link DynamoMeter} checks against the write units dynalite reports.
 */
public final class ItemSize {

    private ItemSize() {
    }

    /** Bytes of an item (or of a map's contents); 0 for {@code null}. */
    public static long of(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    /** Write units of one write of an item this size: one per started KB, at least one. */
    public static long writeUnits(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    static long value(AttributeValue v) {
        switch (v.type()) {
            case S:
                return utf8(v.s());
            case N:
                return number(v.n());
            case B:
                return v.b().asByteArrayUnsafe().length;
            case SS:
                return v.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS:
                return v.ns().stream().mapToLong(ItemSize::number).sum();
            case BS:
                return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            case M: {
                long size = 3 + v.m().size();
                return size + of(v.m());
            }
            case L: {
                long size = 3;
                for (AttributeValue e : v.l()) {
                    size += 1 + value(e);
                }
                return size;
            }
            case BOOL:
            case NUL:
                return 1;
            default:
                throw new IllegalArgumentException("unknown attribute type " + v.type());
        }
    }

    /** As dynalite (and DynamoDB, approximately): 1 byte + 1 per two significant digits (+1 for negatives). */
    static long number(String n) {
        BigDecimal d = new BigDecimal(n).stripTrailingZeros();
        if (d.signum() == 0) {
            return 1;
        }
        int count = d.unscaledValue().abs().toString().length();
        int exponent = count - 1 - d.scale(); // of the first significant digit, as big.js (dynalite) has it
        // dynalite: 1 + ceil(digits / 2), one more when the digits are even and start on an even power
        boolean pad = count % 2 == 0 && Math.floorMod(exponent, 2) == 0;
        return 1 + (count + 1) / 2 + (pad ? 1 : 0) + (d.signum() < 0 ? 1 : 0);
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

package dev.quiesce.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueHeapTest {

    private static final class Item {
        final int seq;
        Instant due;

        Item(int seq) {
            this.seq = seq;
        }
    }

    private static final Comparator<Item> ORDER =
            Comparator.comparing((Item i) -> i.due).thenComparingInt(i -> i.seq);

    @Test
    void agreesWithASortedScanUnderRandomMoves() {
        Random r = new Random(42);
        DueHeap<Item> heap = new DueHeap<>();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(new Item(i));
        }
        Instant origin = Instant.parse("2024-05-01T00:00:00Z");
        for (int step = 0; step < 50_000; step++) {
            Item it = items.get(r.nextInt(items.size()));
            // few distinct times, some with nanoseconds, so ties by creation order are exercised
            it.due = r.nextInt(5) == 0 ? null : origin.plusMillis(r.nextInt(50)).plusNanos(r.nextInt(3));
            heap.set(it.seq, it, it.due);
            if (step % 97 == 0) {
                Instant now = origin.plusMillis(r.nextInt(60));
                int limit = 1 + r.nextInt(40);
                List<Item> expected = items.stream().filter(x -> x.due != null && !x.due.isAfter(now))
                        .sorted(ORDER).limit(limit).toList();
                Item[] out = new Item[limit];
                int n = heap.dueBy(now, limit, out);
                assertThat(Arrays.asList(out).subList(0, n)).containsExactlyElementsOf(expected);
                Instant first = items.stream().filter(x -> x.due != null).sorted(ORDER).map(x -> x.due)
                        .findFirst().orElse(null);
                assertThat(heap.firstAt()).isEqualTo(first);
                assertThat(heap.size()).isEqualTo((int) items.stream().filter(x -> x.due != null).count());
            }
        }
    }

    @Test
    void emptyHeapHasNothingDue() {
        DueHeap<Item> heap = new DueHeap<>();
        assertThat(heap.isEmpty()).isTrue();
        assertThat(heap.firstAt()).isNull();
        assertThat(heap.dueBy(Instant.MAX, 10, new Item[10])).isZero();
    }
}

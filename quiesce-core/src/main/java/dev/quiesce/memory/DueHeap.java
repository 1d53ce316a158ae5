package dev.quiesce.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The due-check index of {@link InMemoryObservationStore}: a binary min-heap of entries ordered by due
 * time, then by creation number, in which each entry knows its own position.
 *
 * <p>Why not a {@code TreeSet}: every check moves its observation's due time, which in a sorted tree
 * is a removal and an insertion, each a walk down the tree comparing {@code Instant}s held in nodes
 * all over the heap. Here the same move is one sift along a path of a compact array, the key compared
 * as two numbers kept in the entry, and the earliest entry is at index 0. What is due by a time is read
 * in order with a second, small heap over positions, so it costs in proportion to the answer, not to
 * the number of observations. Not thread-safe: the store's lock guards it.
 */
final class DueHeap<E extends DueHeap.Entry> {

    /** What the heap holds: a due time, a tie-breaking creation number, and the entry's place. */
    abstract static class Entry {
        final long seq;
        Instant at;
        long second;
        int nano;
        int index = -1;

        Entry(long seq) {
            this.seq = seq;
        }
    }

    private Entry[] items = new Entry[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest due time, or {@code null} when nothing is due ever. */
    Instant firstAt() {
        return size == 0 ? null : items[0].at;
    }

    /**
     * Sets an entry's due time: adds it, moves it, or with {@code null} takes it out. Its creation
     * number never changes, so ties keep creation order.
     */
    void set(E e, Instant at) {
        if (at == null) {
            remove(e);
            return;
        }
        boolean earlier = e.index >= 0 && compareKey(at.getEpochSecond(), at.getNano(), e.seq, e) < 0;
        e.at = at;
        e.second = at.getEpochSecond();
        e.nano = at.getNano();
        if (e.index < 0) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            e.index = size;
            items[size++] = e;
            siftUp(e.index);
        } else if (earlier) {
            siftUp(e.index);
        } else {
            siftDown(e.index);
        }
    }

    private void remove(E e) {
        int i = e.index;
        if (i < 0) {
            return;
        }
        e.index = -1;
        e.at = null;
        Entry last = items[--size];
        items[size] = null;
        if (i == size) {
            return;
        }
        place(last, i);
        siftDown(i);
        if (items[i] == last) {
            siftUp(i);
        }
    }

    /**
     * The entries due at or before {@code now}, earliest first, at most {@code limit}. Reads a frontier
     * of positions: the root, then the children of each entry taken, since an entry not yet due has no
     * due entry below it.
     */
    @SuppressWarnings("unchecked")
    List<E> dueBy(Instant now, int limit) {
        List<E> out = new ArrayList<>();
        long s = now.getEpochSecond();
        int n = now.getNano();
        if (size == 0 || limit <= 0 || isAfter(items[0], s, n)) {
            return out;
        }
        int[] frontier = new int[16];
        int count = 0;
        frontier[count++] = 0;
        while (count > 0 && out.size() < limit) {
            int top = frontier[0];
            frontier[0] = frontier[--count];
            frontierDown(frontier, count);
            out.add((E) items[top]);
            for (int child = 2 * top + 1; child <= 2 * top + 2 && child < size; child++) {
                if (!isAfter(items[child], s, n)) {
                    if (count == frontier.length) {
                        frontier = Arrays.copyOf(frontier, count * 2);
                    }
                    frontier[count] = child;
                    frontierUp(frontier, count++);
                }
            }
        }
        return out;
    }

    private static boolean isAfter(Entry e, long second, int nano) {
        return e.second > second || (e.second == second && e.nano > nano);
    }

    private static int compareKey(long second, int nano, long seq, Entry b) {
        if (second != b.second) {
            return second < b.second ? -1 : 1;
        }
        if (nano != b.nano) {
            return nano < b.nano ? -1 : 1;
        }
        return Long.compare(seq, b.seq);
    }

    private static int compare(Entry a, Entry b) {
        return compareKey(a.second, a.nano, a.seq, b);
    }

    private void place(Entry e, int i) {
        items[i] = e;
        e.index = i;
    }

    private void siftUp(int i) {
        Entry e = items[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = items[parent];
            if (compare(e, p) >= 0) {
                break;
            }
            place(p, i);
            i = parent;
        }
        place(e, i);
    }

    private void siftDown(int i) {
        Entry e = items[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = items[child];
            int right = child + 1;
            if (right < size && compare(items[right], c) < 0) {
                child = right;
                c = items[right];
            }
            if (compare(e, c) <= 0) {
                break;
            }
            place(c, i);
            i = child;
        }
        place(e, i);
    }

    // the frontier is a min-heap of positions in items, ordered by the entries there

    private void frontierUp(int[] f, int i) {
        int pos = f[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (compare(items[pos], items[f[parent]]) >= 0) {
                break;
            }
            f[i] = f[parent];
            i = parent;
        }
        f[i] = pos;
    }

    private void frontierDown(int[] f, int count) {
        if (count == 0) {
            return;
        }
        int i = 0;
        int pos = f[0];
        int half = count >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < count && compare(items[f[child + 1]], items[f[child]]) < 0) {
                child++;
            }
            if (compare(items[pos], items[f[child]]) <= 0) {
                break;
            }
            f[i] = f[child];
            i = child;
        }
        f[i] = pos;
    }
}

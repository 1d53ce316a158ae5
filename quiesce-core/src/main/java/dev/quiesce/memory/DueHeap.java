package dev.quiesce.memory;

import java.time.Instant;
import java.util.Arrays;

/**
 * The due-check index of {@link InMemoryObservationStore}: a min-heap of entries ordered by due time,
 * then by creation number.
 *
 * <p>Why not a {@code TreeSet}: every check moves its observation's due time, which in a sorted tree
 * is a removal and an insertion, each a walk down the tree comparing {@code Instant}s held in nodes
 * all over the heap. Here the same move is one sift along a path of compact arrays: each key is two
 * numbers in one {@code long} array, each entry's position is kept in an array indexed by its creation
 * number, so a sift touches no entry object. The heap is 4-ary: half as deep as a binary one, and the
 * four children's keys lie side by side, so a check moved from the top to the bottom reads a few cache
 * lines rather than one per level. The earliest entry is at index 0. What is due by a time is read in
 * order with a second, small heap over positions, so it costs in proportion to the answer, not to the
 * number of observations. Not thread-safe: the store's lock guards it.
 *
 * @param <E> the entries; each is identified by its creation number {@code 0, 1, 2, ...}
 */
final class DueHeap<E> {

    private static final int ARITY = 4;

    /** Creation number to heap position, -1 when not in the heap. */
    private int[] position = new int[16];
    /**
     * Per heap position {@code i}: at {@code 2i} the due time's epoch second, at {@code 2i + 1} its nano
     * in the high half and the creation number in the low half, so comparing the pair compares (time,
     * creation number).
     */
    private long[] keys = new long[32];
    /** Per heap position {@code i}: the entry at {@code 2i}, its due time as given at {@code 2i + 1}. */
    private Object[] slots = new Object[32];
    private int size;
    /** Scratch space for {@link #dueBy}, kept between calls. */
    private int[] frontier = new int[16];

    DueHeap() {
        Arrays.fill(position, -1);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Entries with a due time. */
    int size() {
        return size;
    }

    /** The earliest due time, or {@code null} when nothing is due ever. */
    Instant firstAt() {
        return size == 0 ? null : (Instant) slots[1];
    }

    /**
     * Sets the due time of entry {@code seq}: adds it, moves it, or with {@code null} takes it out. The
     * creation number orders ties, so they keep creation order.
     */
    void set(int seq, E entry, Instant at) {
        if (seq >= position.length) {
            int old = position.length;
            position = Arrays.copyOf(position, Math.max(seq + 1, old * 2));
            Arrays.fill(position, old, position.length, -1);
        }
        int i = position[seq];
        if (at == null) {
            if (i >= 0) {
                remove(i);
            }
            return;
        }
        long second = at.getEpochSecond();
        long low = (long) at.getNano() << 32 | (seq & 0xFFFF_FFFFL);
        if (i < 0) {
            if (2 * size == keys.length) {
                keys = Arrays.copyOf(keys, keys.length * 2);
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            siftUp(size++, second, low, entry, at);
            return;
        }
        if (compare(second, low, i) < 0) {
            siftUp(i, second, low, entry, at);
        } else {
            siftDown(i, second, low, entry, at);
        }
    }

    private void remove(int i) {
        position[seqAt(i)] = -1;
        int last = --size;
        if (i != last) {
            long second = keys[2 * last];
            long low = keys[2 * last + 1];
            Object entry = slots[2 * last];
            Object at = slots[2 * last + 1];
            if (i > 0 && compare(second, low, (i - 1) / ARITY) < 0) {
                siftUp(i, second, low, entry, at);
            } else {
                siftDown(i, second, low, entry, at);
            }
        }
        slots[2 * last] = null;
        slots[2 * last + 1] = null;
    }

    /**
     * The entries due at or before {@code now}, earliest first, at most {@code limit}, into {@code out}
     * (which must hold {@code limit}); returns how many. Reads a frontier of positions: the root, then
     * the children of each entry taken, since an entry not yet due has no due entry below it.
     */
    @SuppressWarnings("unchecked")
    int dueBy(Instant now, int limit, E[] out) {
        long s = now.getEpochSecond();
        long n = now.getNano();
        if (size == 0 || limit <= 0 || isAfter(0, s, n)) {
            return 0;
        }
        int[] f = frontier;
        int count = 0;
        int taken = 0;
        f[count++] = 0;
        while (count > 0 && taken < limit) {
            int top = f[0];
            f[0] = f[--count];
            frontierDown(f, count);
            out[taken++] = (E) slots[2 * top];
            int end = Math.min(size, ARITY * top + ARITY + 1);
            for (int child = ARITY * top + 1; child < end; child++) {
                if (!isAfter(child, s, n)) {
                    if (count == f.length) {
                        f = Arrays.copyOf(f, count * 2);
                        frontier = f;
                    }
                    f[count] = child;
                    frontierUp(f, count++);
                }
            }
        }
        return taken;
    }

    private int seqAt(int i) {
        return (int) keys[2 * i + 1];
    }

    private boolean isAfter(int i, long second, long nano) {
        long s = keys[2 * i];
        return s > second || (s == second && keys[2 * i + 1] >>> 32 > nano);
    }

    /** Compares a key with the one at position {@code j}. */
    private int compare(long second, long low, int j) {
        long s = keys[2 * j];
        if (second != s) {
            return second < s ? -1 : 1;
        }
        return Long.compare(low, keys[2 * j + 1]);
    }

    private int comparePositions(int i, int j) {
        return compare(keys[2 * i], keys[2 * i + 1], j);
    }

    private void store(int i, long second, long low, Object entry, Object at) {
        keys[2 * i] = second;
        keys[2 * i + 1] = low;
        slots[2 * i] = entry;
        slots[2 * i + 1] = at;
        position[(int) low] = i;
    }

    private void move(int from, int to) {
        store(to, keys[2 * from], keys[2 * from + 1], slots[2 * from], slots[2 * from + 1]);
    }

    /** Puts a key at position {@code i}, or above it while it is earlier than its parent. */
    private void siftUp(int i, long second, long low, Object entry, Object at) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            if (compare(second, low, parent) >= 0) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        store(i, second, low, entry, at);
    }

    /** Puts a key at position {@code i}, or below it while a child is earlier. */
    private void siftDown(int i, long second, long low, Object entry, Object at) {
        while (true) {
            int first = ARITY * i + 1;
            if (first >= size) {
                break;
            }
            int least = first;
            int end = Math.min(size, first + ARITY);
            for (int c = first + 1; c < end; c++) {
                if (comparePositions(c, least) < 0) {
                    least = c;
                }
            }
            if (compare(second, low, least) <= 0) {
                break;
            }
            move(least, i);
            i = least;
        }
        store(i, second, low, entry, at);
    }

    // the frontier is a binary min-heap of positions in the arrays above, ordered by the keys there

    private void frontierUp(int[] f, int i) {
        int pos = f[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (comparePositions(pos, f[parent]) >= 0) {
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
            if (child + 1 < count && comparePositions(f[child + 1], f[child]) < 0) {
                child++;
            }
            if (comparePositions(pos, f[child]) <= 0) {
                break;
            }
            f[i] = f[child];
            i = child;
        }
        f[i] = pos;
    }
}

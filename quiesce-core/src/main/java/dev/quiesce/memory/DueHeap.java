package dev.quiesce.memory;

import java.time.Instant;
import java.util.Arrays;

/**
 * The due-check index of {@link InMemoryObservationStore}: a binary min-heap of entries ordered by due
 * time, then by creation number.
 *
 * <p>Why not a {@code TreeSet}: every check moves its observation's due time, which in a sorted tree
 * is a removal and an insertion, each a walk down the tree comparing {@code Instant}s held in nodes
 * all over the heap. Here the same move is one sift along a path of compact arrays: the keys are kept
 * as numbers in arrays parallel to the entries, and each entry's position in an array indexed by its
 * creation number, so a sift reads and writes only those arrays and touches no entry object. The
 * earliest entry is at index 0. What is due by a time is read in order with a second, small heap over
 * positions, so it costs in proportion to the answer, not to the number of observations. Not
 * thread-safe: the store's lock guards it.
 *
 * @param <E> the entries; each is identified by its creation number {@code 0, 1, 2, ...}
 */
final class DueHeap<E> {

    /** Creation number to heap position, -1 when not in the heap. */
    private int[] position = new int[16];
    /** Per heap position: the entry, its creation number and its due time as epoch second and nano. */
    private Object[] items = new Object[16];
    private int[] seqs = new int[16];
    private long[] seconds = new long[16];
    private int[] nanos = new int[16];
    /** The due times as given, so {@link #firstAt()} hands back the caller's own instant. */
    private Instant[] ats = new Instant[16];
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
        return size == 0 ? null : ats[0];
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
        int nano = at.getNano();
        if (i < 0) {
            if (size == items.length) {
                grow();
            }
            i = size++;
            store(i, entry, seq, second, nano, at);
            siftUp(i);
            return;
        }
        boolean earlier = compare(second, nano, seq, i) < 0;
        store(i, entry, seq, second, nano, at);
        if (earlier) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    private void remove(int i) {
        position[seqs[i]] = -1;
        int last = --size;
        if (i != last) {
            move(last, i);
        }
        items[last] = null;
        ats[last] = null;
        if (i != last) {
            int moved = seqs[i];
            siftDown(i);
            if (position[moved] == i) {
                siftUp(i);
            }
        }
    }

    /**
     * The entries due at or before {@code now}, earliest first, at most {@code limit}, into {@code out}
     * (which must hold {@code limit}); returns how many. Reads a frontier of positions: the root, then
     * the children of each entry taken, since an entry not yet due has no due entry below it.
     */
    @SuppressWarnings("unchecked")
    int dueBy(Instant now, int limit, E[] out) {
        long s = now.getEpochSecond();
        int n = now.getNano();
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
            out[taken++] = (E) items[top];
            for (int child = 2 * top + 1; child <= 2 * top + 2 && child < size; child++) {
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

    private boolean isAfter(int i, long second, int nano) {
        return seconds[i] > second || (seconds[i] == second && nanos[i] > nano);
    }

    /** Compares a key with the one at position {@code j}. */
    private int compare(long second, int nano, int seq, int j) {
        if (second != seconds[j]) {
            return second < seconds[j] ? -1 : 1;
        }
        if (nano != nanos[j]) {
            return nano < nanos[j] ? -1 : 1;
        }
        return Integer.compare(seq, seqs[j]);
    }

    private int comparePositions(int i, int j) {
        return compare(seconds[i], nanos[i], seqs[i], j);
    }

    private void store(int i, Object entry, int seq, long second, int nano, Instant at) {
        items[i] = entry;
        seqs[i] = seq;
        seconds[i] = second;
        nanos[i] = nano;
        ats[i] = at;
        position[seq] = i;
    }

    private void move(int from, int to) {
        store(to, items[from], seqs[from], seconds[from], nanos[from], ats[from]);
    }

    private void grow() {
        int n = items.length * 2;
        items = Arrays.copyOf(items, n);
        seqs = Arrays.copyOf(seqs, n);
        seconds = Arrays.copyOf(seconds, n);
        nanos = Arrays.copyOf(nanos, n);
        ats = Arrays.copyOf(ats, n);
    }

    private void siftUp(int i) {
        Object entry = items[i];
        int seq = seqs[i];
        long second = seconds[i];
        int nano = nanos[i];
        Instant at = ats[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (compare(second, nano, seq, parent) >= 0) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        store(i, entry, seq, second, nano, at);
    }

    private void siftDown(int i) {
        Object entry = items[i];
        int seq = seqs[i];
        long second = seconds[i];
        int nano = nanos[i];
        Instant at = ats[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && comparePositions(right, child) < 0) {
                child = right;
            }
            if (compare(second, nano, seq, child) <= 0) {
                break;
            }
            move(child, i);
            i = child;
        }
        store(i, entry, seq, second, nano, at);
    }

    // the frontier is a min-heap of positions in the arrays above, ordered by the keys there

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

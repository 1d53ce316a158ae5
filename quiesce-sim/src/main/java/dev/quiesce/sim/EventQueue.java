package dev.quiesce.sim;

import java.util.Arrays;

/**
 * A priority queue of timed events on primitive arrays: the earliest time first, and among events at
 * the same time the one pushed first (a sequence number breaks ties, so the order never depends on
 * the heap's layout and the same pushes always pop in the same order). Each event carries an int.
 * Not thread-safe.
 */
final class EventQueue {

    private long[] times = new long[64];
    private long[] seqs = new long[64];
    private int[] payloads = new int[64];
    private int size;
    private long nextSeq;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void push(long time, int payload) {
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            seqs = Arrays.copyOf(seqs, n);
            payloads = Arrays.copyOf(payloads, n);
        }
        int i = size++;
        long seq = nextSeq++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, times[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        times[i] = time;
        seqs[i] = seq;
        payloads[i] = payload;
    }

    /** The earliest event's time; only when not empty. */
    long peekTime() {
        return times[0];
    }

    /** The earliest event's payload; only when not empty. */
    int peekPayload() {
        return payloads[0];
    }

    /** Removes the earliest event. */
    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        long t = times[last];
        long s = seqs[last];
        int p = payloads[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && before(times[child + 1], seqs[child + 1], times[child], seqs[child])) {
                child++;
            }
            if (!before(times[child], seqs[child], t, s)) {
                break;
            }
            move(child, i);
            i = child;
        }
        times[i] = t;
        seqs[i] = s;
        payloads[i] = p;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        payloads[to] = payloads[from];
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }
}

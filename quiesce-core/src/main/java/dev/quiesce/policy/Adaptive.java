package dev.quiesce.policy;

import dev.quiesce.Durations;
import dev.quiesce.GapStats;
import dev.quiesce.InvalidConfigurationException;
import dev.quiesce.Tally;
import dev.quiesce.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Learns how the data arrives and completes when the silence since the last arrival has become
 * improbable: a phi-accrual detector (Hayashibara et al., 2004, as Akka and Cassandra use for
 * heartbeats) over the gaps between the tally's changes.
 *
 * <p>phi(t) = -log10(P(a gap longer than t)) under a distribution fitted to the gaps seen: normal by
 * default (Akka's logistic approximation of its tail, spread at least {@code minStdDev}), or gamma
 * ({@code model=gamma}, see {@link GammaTail}) for irregular trickles. Gaps and silence run from when
 * changes became visible to the observer, not from storage event times. The run completes once the
 * silence reaches the moment phi crosses {@code threshold}, and never before {@code floorFactor} times
 * the largest gap seen. The next check is due exactly at that moment, not polled; every arrival
 * triggers a check so each gap is measured. Until {@code minGaps} gaps are known it behaves as stable
 * count (window 3, constant {@code fallbackDelay}).
 *
 * <p>The optional {@code hint} is the stream's buffer interval (Firehose's, say). While data flows, a
 * buffer may still hold the rest until its interval expires, so the run waits at least
 * {@code floorFactor × hint}. An object that ends a gap of 0.9 × the hint or more (an interval flush
 * comes at least one interval after the previous flush), and is smaller than the full-size objects
 * seen (a remainder, not a flush by size nor a late retry), is taken as a buffer draining: gaps up to {@code floorFactor × hint} are then explained by
 * buffering and set no floor, and phi alone decides. That is what lets a buffered stream complete
 * sooner than its buffer interval after its final flush. Immutable.
 */
public final class Adaptive implements Policy {

    public static final double DEFAULT_THRESHOLD = 8.0;
    public static final int DEFAULT_MIN_GAPS = 5;
    public static final double DEFAULT_FLOOR_FACTOR = 1.25;
    public static final Duration DEFAULT_MIN_STD_DEV = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FALLBACK_DELAY = Duration.ofSeconds(30);

    private final double threshold;
    private final int minGaps;
    private final double floorFactor;
    private final Duration minStdDev;
    private final Duration hint;
    private final boolean gamma;
    private final StableCount fallback;

    private Adaptive(Builder b) {
        this.threshold = b.threshold;
        this.minGaps = b.minGaps;
        this.floorFactor = b.floorFactor;
        this.minStdDev = b.minStdDev;
        this.hint = b.hint;
        this.gamma = b.gamma;
        this.fallback = StableCount.builder().window(3).delay(DelayStrategy.constant(b.fallbackDelay)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Adaptive ofDefaults() {
        return builder().build();
    }

    @Override
    public Instant firstCheckAt(Instant activatedAt, Tally tally) {
        return fallback.firstCheckAt(activatedAt, tally);
    }

    @Override
    public Verdict decide(Check check) {
        GapStats g = check.progress().gaps();
        Instant last = silenceStart(check);
        if (g.count() < minGaps) {
            Verdict v = fallback.decide(check);
            if (v instanceof Verdict.Complete && hint != null && flowing(g)) {
                Instant buffered = last.plusMillis(bufferedMillis());
                if (check.now().isBefore(buffered)) {
                    return new Verdict.Wait(buffered);
                }
            }
            return v;
        }
        long quietMs = requiredSilenceMillis(g);
        Instant quietAt = last.plusMillis(quietMs);
        if (check.now().isBefore(quietAt)) {
            return new Verdict.Wait(quietAt);
        }
        return new Verdict.Complete(String.format(Locale.ROOT,
                "silence of %s is improbable: phi >= %.1f (%d gaps, mean %s, sd %s, largest %s)",
                Durations.human(Duration.between(last, check.now())), threshold,
                g.count(), Durations.human(Duration.ofMillis(Math.round(g.meanMillis()))),
                Durations.human(Duration.ofMillis(Math.round(g.stdDevMillis()))),
                Durations.human(Duration.ofMillis(g.maxMillis()))));
    }

    /**
     * What {@link #decide} weighs, as goals. While learning: the fallback's streak, the gaps learned of
     * {@code minGaps}, and with a hint while data flows the buffered quiet it also waits for. Once learned:
     * phi of the silence so far against the threshold, and that silence against the silence required
     * (phi's crossing or the floor, whichever is later), since either can be what holds completion back.
     */
    @Override
    public java.util.List<Goal> progress(Check check) {
        GapStats g = check.progress().gaps();
        long silence = Math.max(0, Duration.between(silenceStart(check), check.now()).toMillis());
        if (g.count() < minGaps) {
            java.util.List<Goal> goals = new java.util.ArrayList<>(fallback.progress(check));
            goals.add(new Goal("gaps", g.count(), minGaps, Goal.Unit.STEPS));
            if (hint != null && flowing(g)) {
                goals.add(new Goal("quiet", silence, bufferedMillis(), Goal.Unit.MILLIS));
            }
            return java.util.List.copyOf(goals);
        }
        return java.util.List.of(new Goal("phi", phiAfter(g, silence), threshold, Goal.Unit.SCORE),
                new Goal("quiet", silence, requiredSilenceMillis(g), Goal.Unit.MILLIS));
    }

    /** phi after {@code silenceMillis} of silence under the gaps learned, with the model and spread decide uses. */
    public double phiAfter(GapStats g, long silenceMillis) {
        return phiOf(silenceMillis, g.meanMillis(), spread(g));
    }

    /** Where silence is measured from: the last change seen, or the activation before any. */
    private static Instant silenceStart(Check check) {
        GapStats g = check.progress().gaps();
        return g.lastArrival() != null ? g.lastArrival() : check.activatedAt();
    }

    /** The gaps' spread the model uses: never below {@code minStdDev}, so regular gaps do not make phi jump. */
    private double spread(GapStats g) {
        return Math.max(g.stdDevMillis(), minStdDev.toMillis());
    }

    /** The silence after the last arrival this policy waits for, given what it learned. */
    public long requiredSilenceMillis(GapStats g) {
        double mean = g.meanMillis();
        double sd = spread(g);
        long crossing = crossingMillis(mean, sd);
        if (hint == null) {
            return Math.max(crossing, largestGapFloor(g));
        }
        long buffered = bufferedMillis();
        if (flowing(g)) {
            // the data is still flowing: a buffer may hold the rest until its interval expires
            return Math.max(crossing, Math.max(buffered, largestGapFloor(g)));
        }
        // the last object ended an interval-long gap: a buffer drained, and gaps of that length are
        // explained by the hint, so only gaps longer than the buffering allows set a floor
        long floor = g.maxMillis() > buffered ? largestGapFloor(g) : 0;
        return Math.max(crossing, floor);
    }

    /**
     * Whether data may still be flowing: the last gap was shorter than an interval flush can follow the
     * previous one, or its objects were full size (flushed by size, or a retry landing late) rather
     * than the remainder a draining buffer writes.
     */
    private boolean flowing(GapStats g) {
        return g.lastGapMillis() < hint.toMillis() * 9 / 10 || g.lastObjectsFullSize();
    }

    private long largestGapFloor(GapStats g) {
        return (long) Math.ceil(g.maxMillis() * floorFactor);
    }

    private long bufferedMillis() {
        return (long) Math.ceil(hint.toMillis() * floorFactor);
    }

    /** phi after {@code elapsedMillis} of silence, for gaps with this mean and spread. */
    public static double phi(double elapsedMillis, double meanMillis, double stdDevMillis) {
        double y = (elapsedMillis - meanMillis) / stdDevMillis;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        return elapsedMillis > meanMillis ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /** The smallest whole millisecond at which phi reaches the threshold (phi grows with silence). */
    private long crossingMillis(double mean, double sd) {
        long lo = 0;
        long hi = (long) Math.ceil(mean + 64 * sd) + 1;
        while (phiOf(hi, mean, sd) < threshold) {
            hi *= 2;
        }
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (phiOf(mid, mean, sd) >= threshold) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private double phiOf(double t, double mean, double sd) {
        return gamma && mean > 0 ? GammaTail.phi(t, mean, sd) : phi(t, mean, sd);
    }

    /**
     * Adaptive's floor while data flows: {@code floorFactor} times the buffer interval (its hint). Without
     * a hint, the fallback's window (stable count, window 3) is the least it accepts before it has learned.
     */
    @Override
    public java.util.Optional<QuietWindow> quietWindow() {
        if (hint != null) {
            Duration floor = Duration.ofMillis(bufferedMillis());
            return java.util.Optional.of(new QuietWindow(floor, "adaptive's floor " + Durations.format(floor)
                    + " (floor-factor " + floorFactor + " x buffer)", "floor-factor"));
        }
        Duration least = fallback.leastSilence();
        return java.util.Optional.of(new QuietWindow(least, "adaptive's fallback window " + Durations.format(least)
                + " (3 checks, fallback " + Durations.format(fallback.recheckInterval()) + ")", "fallback"));
    }

    /** The stream's buffer interval this policy was told, or {@code null}. */
    public Duration hint() {
        return hint;
    }

    /** This policy with the given buffer interval as its hint. */
    public Adaptive withHint(Duration d) {
        Builder b = new Builder();
        b.threshold = threshold;
        b.minGaps = minGaps;
        b.floorFactor = floorFactor;
        b.minStdDev = minStdDev;
        b.fallbackDelay = fallback.recheckInterval();
        b.gamma = gamma;
        b.hint = d;
        return new Adaptive(b);
    }

    /** {@link #spec()} without the hint: a {@link PolicySpec} prints the interval once, as {@code buffer=}. */
    String specWithoutHint() {
        String s = spec();
        return hint == null ? s : s.replace(" hint=" + Durations.format(hint), "");
    }

    @Override
    public Duration recheckInterval() {
        return fallback.recheckInterval();
    }

    @Override
    public boolean checksOnArrival() {
        return true;
    }

    @Override
    public String spec() {
        StringBuilder sb = new StringBuilder("adaptive threshold=").append(threshold)
                .append(" min-gaps=").append(minGaps)
                .append(" floor-factor=").append(floorFactor)
                .append(" min-sd=").append(Durations.format(minStdDev))
                .append(" fallback=").append(Durations.format(fallback.recheckInterval()));
        if (hint != null) {
            sb.append(" hint=").append(Durations.format(hint));
        }
        if (gamma) {
            sb.append(" model=gamma");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adaptive && ((Adaptive) o).spec().equals(spec());
    }

    @Override
    public int hashCode() {
        return spec().hashCode();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** Builds an {@link Adaptive}; not thread-safe. */
    public static final class Builder {
        private double threshold = DEFAULT_THRESHOLD;
        private int minGaps = DEFAULT_MIN_GAPS;
        private double floorFactor = DEFAULT_FLOOR_FACTOR;
        private Duration minStdDev = DEFAULT_MIN_STD_DEV;
        private Duration hint;
        private Duration fallbackDelay = DEFAULT_FALLBACK_DELAY;
        private boolean gamma;

        private Builder() {
        }

        /** @throws InvalidConfigurationException unless {@code 0 < threshold <= 16} */
        public Builder threshold(double threshold) {
            if (!(threshold > 0 && threshold <= 16)) {
                throw new InvalidConfigurationException("threshold must be in (0, 16], was " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** @throws InvalidConfigurationException if {@code n < 2} */
        public Builder minGaps(int n) {
            if (n < 2) {
                throw new InvalidConfigurationException("min-gaps must be >= 2, was " + n);
            }
            this.minGaps = n;
            return this;
        }

        /** @throws InvalidConfigurationException if {@code factor < 1} */
        public Builder floorFactor(double factor) {
            if (!(factor >= 1.0) || Double.isInfinite(factor)) {
                throw new InvalidConfigurationException("floor-factor must be >= 1, was " + factor);
            }
            this.floorFactor = factor;
            return this;
        }

        public Builder minStdDev(Duration d) {
            this.minStdDev = positive(d, "min-sd");
            return this;
        }

        /** The stream's buffer interval, if known: never complete on less silence. */
        public Builder hint(Duration d) {
            this.hint = positive(d, "hint");
            return this;
        }

        public Builder fallbackDelay(Duration d) {
            this.fallbackDelay = positive(d, "fallback");
            return this;
        }

        /**
         * Fits a gamma distribution to the gaps instead of a normal one: its tail follows the gaps'
         * spread, so an irregular (Poisson-like) trickle is waited out, at the cost of long waits
         * whenever gaps vary.
         */
        public Builder gamma(boolean gamma) {
            this.gamma = gamma;
            return this;
        }

        public Adaptive build() {
            return new Adaptive(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new InvalidConfigurationException(name + " must be > 0, was " + Durations.format(d));
            }
            return d;
        }
    }
}

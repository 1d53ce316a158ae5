package dev.quiesce.policy;

/**
 * The upper tail of a gamma distribution, as phi = -log10(P(X > x)): the gap model of
 * {@link Adaptive}. A gamma fitted by its moments follows the gaps' own spread: a regular stream
 * (small spread) gives a nearly normal tail, a Poisson trickle an exponential one, a bursty stream a
 * heavier one. The normal tail the phi-accrual paper uses is far too light for a Poisson trickle,
 * whose long gaps it calls improbable.
 *
 * <p>Numerics after Press et al., <i>Numerical Recipes</i>, ch. 6.2: the regularized incomplete gamma
 * by its series below {@code x = k + 1} and by its continued fraction above, both in logarithms so
 * tails far below {@code 1e-300} still give a finite phi. Very large shapes use the Wilson&ndash;Hilferty
 * cube-root normal approximation.
 */
final class GammaTail {

    private static final double LN10 = Math.log(10);
    private static final double EPS = 1e-12;
    private static final int MAX_ITERATIONS = 500;
    private static final double LARGE_SHAPE = 1_000;

    private GammaTail() {
    }

    /**
     * phi after {@code t} for gaps of this mean and standard deviation (both > 0): minus the base-10
     * logarithm of the probability that a gap is longer than {@code t}.
     */
    static double phi(double t, double mean, double sd) {
        if (t <= 0) {
            return 0;
        }
        double variance = sd * sd;
        double shape = mean * mean / variance;
        double scale = variance / mean;
        double x = t / scale;
        if (shape > LARGE_SHAPE) {
            double y = (Math.cbrt(x / shape) - (1 - 1 / (9 * shape))) / Math.sqrt(1 / (9 * shape));
            return Adaptive.phi(y, 0, 1);
        }
        double lnUpper = x < shape + 1 ? Math.log1p(-Math.min(lowerBySeries(shape, x), 1 - 1e-16))
                : lnUpperByFraction(shape, x);
        return Math.max(0, -lnUpper / LN10);
    }

    /** P(k, x) by its series; converges fast for {@code x < k + 1}. */
    private static double lowerBySeries(double k, double x) {
        double ap = k;
        double sum = 1 / k;
        double term = sum;
        for (int n = 0; n < MAX_ITERATIONS; n++) {
            ap += 1;
            term *= x / ap;
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * EPS) {
                break;
            }
        }
        return Math.exp(Math.log(sum) - x + k * Math.log(x) - lnGamma(k));
    }

    /** ln Q(k, x) by the modified Lentz continued fraction; for {@code x >= k + 1}. */
    private static double lnUpperByFraction(double k, double x) {
        double tiny = 1e-300;
        double b = x + 1 - k;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < MAX_ITERATIONS; i++) {
            double an = -i * (i - k);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return Math.log(h) - x + k * Math.log(x) - lnGamma(k);
    }

    /** ln Γ(z) for z > 0 (Lanczos, g = 7, nine coefficients). */
    static double lnGamma(double z) {
        if (z < 0.5) {
            // reflection keeps the approximation in its accurate range
            return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double zm = z - 1;
        double a = c[0];
        double t = zm + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (zm + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (zm + 0.5) * Math.log(t) - t + Math.log(a);
    }
}

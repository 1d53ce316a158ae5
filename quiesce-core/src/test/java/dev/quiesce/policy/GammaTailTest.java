package dev.quiesce.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class GammaTailTest {

    @Test
    void lnGammaMatchesFactorials() {
        assertThat(GammaTail.lnGamma(5)).isCloseTo(Math.log(24), offset(1e-10));
        assertThat(GammaTail.lnGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), offset(1e-10));
        assertThat(GammaTail.lnGamma(101)).isCloseTo(363.73937555556347, offset(1e-8));
    }

    @Test
    void withSpreadEqualToTheMeanItIsTheExponentialTail() {
        // shape 1: P(X > t) = e^(-t/mean), so phi = t / mean * log10(e), in both numeric branches
        for (double t : new double[] {0.5, 1.5, 3, 20, 200}) {
            assertThat(GammaTail.phi(t * 45_000, 45_000, 45_000)).isCloseTo(t * Math.log10(Math.E), offset(1e-6));
        }
    }

    @Test
    void aRegularStreamHasANearlyNormalTail() {
        // shape 10,000 (sd 1% of the mean): 6 sd past the mean is about 1e-9 under a normal; the gamma's
        // right skew makes it a little more likely
        double phi = GammaTail.phi(106, 100, 1);
        assertThat(phi).isBetween(8.0, 11.0);
        assertThat(GammaTail.phi(100, 100, 1)).isCloseTo(0.3, offset(0.05));
    }

    @Test
    void phiGrowsWithSilenceAndStaysFiniteFarOut() {
        double previous = -1;
        for (double t = 1; t < 1e7; t *= 3) {
            double phi = GammaTail.phi(t, 1_000, 3_000);
            assertThat(phi).isGreaterThanOrEqualTo(previous).isFinite();
            previous = phi;
        }
        assertThat(previous).isGreaterThan(100);
    }
}

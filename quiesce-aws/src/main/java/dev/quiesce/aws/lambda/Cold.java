package dev.quiesce.aws.lambda;

/**
 * The wiring built once per Lambda container, on first use, from the environment. A configuration
 * error surfaces at the first invocation with every problem named, and the same error again at every
 * later one (not a bare "could not initialise class"). Building it registers the SnapStart priming hook
 * ({@link SnapStartPriming}), held here so CRaC's registry cannot lose it.
 */
final class Cold {

    private static AwsWiring wiring;
    private static RuntimeException failure;
    private static SnapStartPriming priming;

    private Cold() {
    }

    static synchronized AwsWiring wiring() {
        if (wiring != null) {
            return wiring;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            wiring = AwsWiring.fromEnvironment();
            priming = SnapStartPriming.register(wiring);
            return wiring;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}

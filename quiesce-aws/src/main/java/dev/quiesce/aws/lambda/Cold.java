package dev.quiesce.aws.lambda;

/**
 * The wiring built once per Lambda container, on first use, from the environment. A configuration
 * error surfaces at the first invocation with every problem named, and the same error again at every
 * later one (not a bare "could not initialise class").
 */
final class Cold {

    private static AwsWiring wiring;
    private static RuntimeException failure;

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
            return wiring;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}

package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs after packaging: the shaded Lambda jar, alone on a class path as Lambda puts it, loads its handlers,
 * logs through its own JSON SLF4J provider (the only one in it) and has the CRaC API the SnapStart hook uses.
 */
class LambdaJarLoadsIT {

    private static final Path JAR = Path.of("target", "quiesce-aws-lambda.jar");

    private static URLClassLoader jarOnly() throws Exception {
        return new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theJarHasOneSlf4jProviderAndItIsOurs() throws Exception {
        try (URLClassLoader jar = jarOnly()) {
            List<String> providers = new ArrayList<>();
            Enumeration<URL> files = jar.getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream()) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            providers.add(line.trim());
                        }
                    }
                }
            }
            assertThat(providers).containsExactly("dev.quiesce.aws.lambda.logging.JsonLogServiceProvider");
            Object logger = jar.loadClass("org.slf4j.LoggerFactory").getMethod("getLogger", String.class)
                    .invoke(null, "jar-check");
            assertThat(logger.getClass().getName()).isEqualTo("dev.quiesce.aws.lambda.logging.JsonLogger");
            assertThat(jar.loadClass("org.crac.Core")).isNotNull();
        }
    }

    @Test
    void everyHandlerLoadsAndReportsAMissingConfigurationByName() throws Exception {
        try (URLClassLoader jar = jarOnly()) {
            for (String handler : List.of("MonitorHandler", "ObserverHandler", "SweepHandler", "StartHandler",
                    "DirectMonitorHandler")) {
                Class<?> c = Class.forName("dev.quiesce.aws.lambda." + handler, true, jar);
                try {
                    c.getConstructor().newInstance();
                    throw new AssertionError(handler + " started without configuration");
                } catch (InvocationTargetException e) {
                    // no QUIESCE_* variables here: the cold start names them, it does not fail to link
                    assertThat(e.getCause().getClass().getName()).isEqualTo("dev.quiesce.InvalidConfigurationException");
                    assertThat(e.getCause().getMessage()).contains("QUIESCE_TALLY_TABLE is not set");
                }
            }
        }
    }
}

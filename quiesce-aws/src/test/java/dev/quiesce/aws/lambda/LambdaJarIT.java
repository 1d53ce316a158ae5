package dev.quiesce.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Runs after packaging: every handler the SAM template names is in the deployment jar, and the jar stays small. */
class LambdaJarIT {

    private static final Path JAR = Path.of("target", "quiesce-aws-lambda.jar");
    /**
     * Lambda's limit for a directly uploaded .zip/.jar is 50 MB; a smaller jar loads faster at cold start. 20 MiB
     * since the monitor reads manifests and the backfill function lists with the S3 client (about 3.4 MB; 15.x
     * MiB without it); a jar of its own for those functions would win it back for the others.
     */
    private static final long MAX_BYTES = 20L * 1024 * 1024;

    @Test
    void everyHandlerInTheTemplateIsInTheJar() throws Exception {
        Map<String, Object> template = SamTemplate.load();
        List<String> handlers = new ArrayList<>();
        for (Object r : ((Map<?, ?>) template.get("Resources")).values()) {
            Map<?, ?> resource = (Map<?, ?>) r;
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                handlers.add(((String) ((Map<?, ?>) resource.get("Properties")).get("Handler")).split("::")[0]);
            }
        }
        assertThat(handlers).isNotEmpty();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String h : handlers) {
                assertThat(jar.getEntry(h.replace('.', '/') + ".class")).as(h + " in " + JAR).isNotNull();
            }
            assertThat(jar.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")).isNotNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/apache/ApacheHttpClient.class")).isNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/apache5/Apache5HttpClient.class")).isNull();
        }
    }

    @Test
    void deploymentJarStaysSmall() throws Exception {
        long size = Files.size(JAR);
        System.out.printf("quiesce-aws-lambda.jar: %,d bytes (%.1f MiB)%n", size, size / 1048576.0);
        assertThat(size).isLessThan(MAX_BYTES);
    }
}

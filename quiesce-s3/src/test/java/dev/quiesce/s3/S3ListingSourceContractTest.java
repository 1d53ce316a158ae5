package dev.quiesce.s3;

import dev.quiesce.s3.testing.S3Server;
import dev.quiesce.port.ArrivalSource;
import dev.quiesce.port.contract.ArrivalSourceContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.sync.RequestBody;

/** The source contract over an S3-compatible server (S3Proxy), with an outage for blindness. */
class S3ListingSourceContractTest extends ArrivalSourceContract {

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private S3Server s3;
    private String bucket;

    @BeforeEach
    void startServer() {
        s3 = S3Server.start(event -> { });
        bucket = "contract-" + BUCKETS.incrementAndGet();
        s3.client().createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void stopServer() {
        s3.close();
    }

    @Override
    protected ArrivalSource newSource() {
        return S3ListingSource.builder(s3.client(), S3Location.parse("s3://" + bucket + "/landing/"))
                .pollInterval(Duration.ofMillis(100))
                .build();
    }

    @Override
    protected void put(String key, String content) {
        s3.client().putObject(p -> p.bucket(bucket).key("landing/" + key), RequestBody.fromString(content));
    }

    @Override
    protected void delete(String key) {
        s3.client().deleteObject(d -> d.bucket(bucket).key("landing/" + key));
    }

    @Override
    protected void hide() {
        s3.stop();
    }

    @Override
    protected void reveal() {
        s3.restart();
    }
}

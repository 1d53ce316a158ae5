package dev.quiesce.app.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The options every command that can reach S3 shares: where the store is, for S3-compatible servers. */
final class S3Options {

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "S3: endpoint of an S3-compatible store (MinIO, Ceph…); path-style addressing is used.")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "S3: region. Default: from AWS_REGION or the AWS profile.")
    String region;
}

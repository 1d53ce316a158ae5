/**
 * What producers write beside their data to declare it: {@link dev.quiesce.manifest.Manifest}, read the same
 * way by the command (directories, S3 listings) and by the Lambda monitor (S3 events). Kept here, next to the
 * other JSON every deployment shares, because the core has no JSON parser.
 */
package dev.quiesce.manifest;

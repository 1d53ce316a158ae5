/**
 * An S3 (or S3-compatible) prefix as a source of arrivals without events: {@link dev.quiesce.s3.S3ListingSource}
 * lists it with ListObjectsV2, and {@link dev.quiesce.s3.S3Location} reads {@code s3://bucket/prefix}.
 * Depends on the core and the S3 client only.
 */
package dev.quiesce.s3;

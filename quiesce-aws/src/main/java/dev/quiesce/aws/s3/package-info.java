/**
 * Amazon S3 and S3-compatible storage as a source of arrivals: {@link dev.quiesce.aws.s3.S3EventParser}
 * reads the event notifications S3, EventBridge, MinIO and Ceph RGW send, in whatever envelope
 * (Lambda, SQS, SNS) delivers them; {@link dev.quiesce.aws.s3.S3ListingSource} lists a bucket prefix
 * when there are no events, or to catch up on lost ones; {@link dev.quiesce.aws.s3.S3Location} reads
 * {@code s3://bucket/prefix}.
 */
package dev.quiesce.aws.s3;

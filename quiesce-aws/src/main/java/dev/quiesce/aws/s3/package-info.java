/**
 * Amazon S3 and S3-compatible storage as a source of arrivals: {@link dev.quiesce.aws.s3.S3EventParser}
 * reads the event notifications S3, EventBridge, MinIO and Ceph RGW send, in whatever envelope
 * (Lambda, SQS, SNS) delivers them. Listing a prefix without events lives in the quiesce-s3 module.
 */
package dev.quiesce.aws.s3;

/**
 * Test harnesses shared by the AWS module's tests: real local stand-ins for AWS services, started in
 * this JVM ({@link dev.quiesce.aws.testing.ElasticMq} for SQS).
 */
package dev.quiesce.aws.testing;

/** The S3 stand-in (S3Proxy with event emission) that the tests of this and other modules start. */
package dev.quiesce.s3.testing;

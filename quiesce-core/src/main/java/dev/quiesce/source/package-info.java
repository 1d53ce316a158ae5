/**
 * The kit sources without storage events share: {@link dev.quiesce.source.KnownObjects}, the diff of what a
 * listing shows against what was reported, with the token rules every store relies on. The directory and
 * S3 listing sources are built on it, and {@code ArrivalSourceContract} in the core's test jar holds them to
 * the same behaviour.
 */
package dev.quiesce.source;

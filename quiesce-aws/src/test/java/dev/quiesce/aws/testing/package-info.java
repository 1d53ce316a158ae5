/** Local stand-ins of AWS services that the quiesce-aws tests start: {@link dev.quiesce.aws.testing.Dynalite}. */
package dev.quiesce.aws.testing;

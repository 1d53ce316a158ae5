/** The AWS serverless deployment of quiesce: the founding note's own architecture, built right. */
package dev.quiesce.aws;

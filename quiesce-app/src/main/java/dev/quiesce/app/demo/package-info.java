/** The demo's simulated producers and buffering stream, standing in for Kinesis Data Firehose. */
package dev.quiesce.app.demo;

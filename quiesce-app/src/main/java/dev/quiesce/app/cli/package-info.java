/** The {@code quiesce} command line: watch, demo, exit codes and the live progress line. */
package dev.quiesce.app.cli;

/** Policies that decide when a dataset has finished landing, their delay strategies, guards and text form. */
package dev.quiesce.policy;

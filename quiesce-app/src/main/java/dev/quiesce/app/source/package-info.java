/**
 * What the command reads beside the data: {@link dev.quiesce.app.source.Manifest}, a producer's
 * declaration of what it sent, found under the watched location.
 */
package dev.quiesce.app.source;
